// SPDX-License-Identifier: BSD-3-Clause
#include "packet/tcp_options.hpp"

#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;

struct Walk {
    std::vector<TcpOption> options;
    bool malformed = false;
};

Walk walk(const Bytes& list) {
    const auto exact = testing::prefix(list, list.size());
    TcpOptionReader reader(exact);
    Walk result;
    TcpOption option;
    while (reader.next(option)) {
        result.options.push_back(option);
        if (result.options.size() > list.size()) {
            ADD_FAILURE() << "the walk does not advance";
            break;
        }
    }
    result.malformed = reader.malformed();
    return result;
}

TEST(TcpOptionReader, WalksTheLinuxSynOptions) {
    // MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
    const Walk w = walk(bytes({2, 4, 5, 180, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7}));
    ASSERT_EQ(w.options.size(), 5U);
    const std::uint8_t kinds[] = {2, 4, 8, 1, 3};
    const std::size_t offsets[] = {0, 4, 6, 16, 17};
    const std::size_t lengths[] = {4, 2, 10, 1, 3};
    for (std::size_t i = 0; i < w.options.size(); ++i) {
        EXPECT_EQ(w.options[i].kind, kinds[i]) << i;
        EXPECT_EQ(w.options[i].offset, offsets[i]) << i;
        EXPECT_EQ(w.options[i].length, lengths[i]) << i;
    }
    EXPECT_FALSE(w.malformed);
}

TEST(TcpOptionReader, StopsAtEndOfOptionList) {
    const Walk w = walk(bytes({1, 0, 2, 4, 5, 180}));
    ASSERT_EQ(w.options.size(), 1U);
    EXPECT_EQ(w.options[0].kind, tcp_option::nop);
    EXPECT_FALSE(w.malformed);
}

TEST(TcpOptionReader, EmptyListHasNoOptions) {
    const Walk w = walk({});
    EXPECT_TRUE(w.options.empty());
    EXPECT_FALSE(w.malformed);
}

TEST(TcpOptionReader, StopsAtMalformedOptions) {
    struct Case {
        const char* name;
        Bytes list;
        std::size_t good_before;
    };
    const Case cases[] = {
        {"length byte missing", bytes({1, 2}), 1},
        {"length 0", bytes({30, 0, 2, 4, 5, 180}), 0},
        {"length 1", bytes({1, 30, 1, 2, 4, 5, 180}), 1},
        {"length past the end", bytes({2, 4, 5, 180, 8, 10, 0, 0}), 1},
        {"MSS cut short", bytes({1, 1, 2, 4, 5}), 2},
    };
    for (const Case& c : cases) {
        const Walk w = walk(c.list);
        EXPECT_EQ(w.options.size(), c.good_before) << c.name;
        EXPECT_TRUE(w.malformed) << c.name;
    }
}

TEST(TcpOptionReader, ReportsUnknownKindsWithTheirLength) {
    const Walk w = walk(bytes({253, 6, 0xaa, 0xbb, 0xcc, 0xdd, 1, 1}));
    ASSERT_EQ(w.options.size(), 3U);
    EXPECT_EQ(w.options[0].kind, 253);
    EXPECT_EQ(w.options[0].length, 6U);
    EXPECT_EQ(w.options[1].offset, 6U);
}

TEST(TcpOptionReader, StaysDoneAfterTheWalkEnds) {
    const Bytes list = bytes({30, 0, 1});
    TcpOptionReader reader(list);
    TcpOption option;
    EXPECT_FALSE(reader.next(option));
    EXPECT_FALSE(reader.next(option));
    EXPECT_TRUE(reader.malformed());
}

}  // namespace
}  // namespace ogw::gw
