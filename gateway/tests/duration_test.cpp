// SPDX-License-Identifier: BSD-3-Clause
#include "config/duration.hpp"

#include <flowlib/clock.hpp>

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace ogw::gw {
namespace {

TEST(Duration, ParsesEveryUnit) {
    const std::vector<std::pair<const char*, std::uint64_t>> table = {
        {"0", 0},
        {"0ms", 0},
        {"0y", 0},
        {"1ms", 1},
        {"250ms", 250},
        {"3s", 3'000},
        {"120s", 120'000},
        {"2m", 120'000},
        {"1h", 3'600'000},
        {"1d", 86'400'000},
        {"7d", 604'800'000},
        {"1y", 31'536'000'000},
        {"285y", 285ULL * 31'536'000'000},
        {"007s", 7'000},
        {"9000000000000ms", max_duration_ms},
    };
    for (const auto& [text, ms] : table) {
        const auto parsed = parse_duration_ms(text);
        ASSERT_TRUE(parsed.has_value()) << text;
        EXPECT_EQ(*parsed, ms) << text;
    }
}

TEST(Duration, RejectsGarbage) {
    for (const char* text : {"", "s", "ms", "5", "1.5s", "-1s", "+1s", "1 s", " 1s", "1s ", "1S",
                             "1sec", "1mss", "1m30s", "0x10s", "1us", "1w", "00"}) {
        const auto parsed = parse_duration_ms(text);
        EXPECT_FALSE(parsed.has_value()) << text;
        if (!parsed.has_value()) {
            EXPECT_FALSE(parsed.error().where.empty()) << text;
        }
    }
}

TEST(Duration, RejectsOverflowAndValuesBeyondTheClockRange) {
    for (const char* text : {"18446744073709551616ms", "99999999999999999999999y",
                             "9000000000001ms", "286y", "584942418y", "18446744073709551615s"}) {
        const auto parsed = parse_duration_ms(text);
        EXPECT_FALSE(parsed.has_value()) << text;
        if (!parsed.has_value()) {
            EXPECT_NE(parsed.error().where.find("out of range"), std::string::npos) << text;
        }
    }
}

TEST(Duration, MissingUnitIsExplained) {
    const auto parsed = parse_duration_ms("120");
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().where, "missing unit (ms, s, m, h, d or y)");
}

TEST(Duration, FormatsWithTheCoarsestExactUnit) {
    EXPECT_EQ(format_duration_ms(0), "0");
    EXPECT_EQ(format_duration_ms(1500), "1500ms");
    EXPECT_EQ(format_duration_ms(3000), "3s");
    EXPECT_EQ(format_duration_ms(120'000), "2m");
    EXPECT_EQ(format_duration_ms(31'536'000'000), "1y");
    for (const std::uint64_t ms :
         std::vector<std::uint64_t>{1, 999, 86'400'000, 90'061'001, max_duration_ms}) {
        const auto parsed = parse_duration_ms(format_duration_ms(ms));
        ASSERT_TRUE(parsed.has_value()) << ms;
        EXPECT_EQ(*parsed, ms);
    }
}

}  // namespace
}  // namespace ogw::gw
