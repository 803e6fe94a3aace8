// SPDX-License-Identifier: BSD-3-Clause
// Human units, table alignment and colour handling of the CLI.
#include "units.hpp"
#include "style.hpp"
#include "table.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ogw::cli {
namespace {

TEST(HumanUnits, Bytes) {
    const struct {
        std::uint64_t bytes;
        const char* text;
    } cases[] = {
        {0, "0 B"},           {1023, "1023 B"},        {1024, "1.0 KiB"},        {1536, "1.5 KiB"},
        {3355443, "3.2 MiB"}, {1073741824, "1.0 GiB"}, {UINT64_MAX, "16.0 EiB"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(human_bytes(c.bytes), c.text) << c.bytes;
    }
}

TEST(HumanUnits, Durations) {
    const struct {
        std::int64_t ms;
        const char* text;
    } cases[] = {
        {-1, "-"},
        {0, "0 ms"},
        {999, "999 ms"},
        {1000, "1.0 s"},
        {3250, "3.2 s"},
        {59999, "59.9 s"},
        {60000, "1 min 0 s"},
        {250000, "4 min 10 s"},
        {3600000, "1 h 0 min"},
        {7384000, "2 h 3 min"},
        {90000000, "1 d 1 h"},
        {31536000000, "365 d 0 h"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(human_duration_ms(c.ms), c.text) << c.ms;
    }
    EXPECT_EQ(human_ago_ms(3200), "3.2 s ago");
    EXPECT_EQ(human_ago_ms(-5), "-");
}

TEST(HumanUnits, RoundTripTimes) {
    EXPECT_EQ(human_rtt_ms(0.41234), "0.412 ms");
    EXPECT_EQ(human_rtt_ms(1.3612), "1.36 ms");
    EXPECT_EQ(human_rtt_ms(12.345), "12.3 ms");
    EXPECT_EQ(human_rtt_ms(1500.0), "1.5 s");
    EXPECT_EQ(human_rtt_ms(std::nan("")), "-");
}

TEST(Table, PadsToTheWidestCellAndTrimsLineEnds) {
    EXPECT_EQ(table({"A", "BB", "C"}, {{"long", "x", ""}, {"1", "22", "3"}}),
              "A     BB  C\n"
              "long  x\n"
              "1     22  3\n");
}

TEST(Table, ColumnsWithoutHeader) {
    EXPECT_EQ(columns({{"a:", "1"}, {"longer:", "2"}}), "a:       1\nlonger:  2\n");
}

TEST(Style, PaintsOnlyWithColourOn) {
    EXPECT_EQ(Style{false}.paint("up", Colour::green), "up");
    EXPECT_EQ(Style{true}.paint("up", Colour::green), "\x1b[32mup\x1b[0m");
    EXPECT_EQ(Style{true}.paint("up", Colour::none), "up");
    EXPECT_EQ(colour_of_state("peer_timed_out"), Colour::red);
    EXPECT_EQ(colour_of_state("opening"), Colour::yellow);
    EXPECT_EQ(colour_of_state("established"), Colour::green);
    EXPECT_EQ(colour_of_state("whatever"), Colour::none);
}

TEST(Style, DisplayWidthSkipsEscapesAndCountsCharacters) {
    EXPECT_EQ(display_width("\x1b[31mdown\x1b[0m"), 4U);
    EXPECT_EQ(display_width("caf\xc3\xa9"), 4U);
    EXPECT_EQ(display_width(""), 0U);
}

TEST(Style, ClipKeepsColourAndResetsWhenCut) {
    EXPECT_EQ(clip("abcdef", 3), "abc");
    EXPECT_EQ(clip("abc", 10), "abc");
    EXPECT_EQ(clip("\x1b[31mabcdef\x1b[0m", 2), "\x1b[31mab\x1b[0m");
    EXPECT_EQ(clip("ab\x1b[31mcd\x1b[0mef", 5), "ab\x1b[31mcd\x1b[0me");
}

}  // namespace
}  // namespace ogw::cli
