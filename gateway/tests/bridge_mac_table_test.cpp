// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/mac_table.hpp"
#include "bridge_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;
using testing::mac;

const MacHashKey test_key{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const Instant t0 = Instant(std::chrono::hours(1000));

MacTableConfig config(std::size_t capacity = 8192, Duration ageing = 300s) {
    MacTableConfig c;
    c.capacity = capacity;
    c.ageing_time = ageing;
    return c;
}

TEST(MacTable, DefaultsAreFiveMinutesAndEightThousandEntries) {
    const MacTableConfig c;
    EXPECT_EQ(c.ageing_time, 300s);
    EXPECT_EQ(c.capacity, 8192U);
}

TEST(MacTable, LearnsAndLooksUp) {
    MacTable table(config(), test_key);
    EXPECT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    EXPECT_EQ(table.learn(mac(2), MacOwner::peer(3), t0), LearnResult::learnt);
    EXPECT_EQ(table.lookup(mac(1), t0), MacOwner::local());
    EXPECT_EQ(table.lookup(mac(2), t0), MacOwner::peer(3));
    EXPECT_EQ(table.lookup(mac(3), t0), std::nullopt);
    EXPECT_EQ(table.lookup(MacAddress::broadcast(), t0), std::nullopt);
    EXPECT_EQ(table.size(), 2U);
    EXPECT_EQ(table.counters().learnt, 2U);
    EXPECT_EQ(table.counters().moved, 0U);
}

TEST(MacTable, OwnersCompareByPlace) {
    EXPECT_TRUE(MacOwner::local().is_local());
    EXPECT_FALSE(MacOwner::peer(0).is_local());
    EXPECT_TRUE(MacOwner::peer(0).is_peer(0));
    EXPECT_FALSE(MacOwner::peer(0).is_peer(1));
    EXPECT_FALSE(MacOwner::local().is_peer(0));
    EXPECT_EQ(MacOwner::peer(7).peer_index(), 7U);
    EXPECT_NE(MacOwner::peer(0), MacOwner::local());
    EXPECT_NE(MacOwner::peer(0), MacOwner::peer(1));
}

TEST(MacTable, RefreshingCountsNothing) {
    MacTable table(config(), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    EXPECT_EQ(table.learn(mac(1), MacOwner::peer(1), t0 + 1s), LearnResult::refreshed);
    EXPECT_EQ(table.counters().learnt, 1U);
    EXPECT_EQ(table.counters().moved, 0U);
    EXPECT_EQ(table.size(), 1U);
}

TEST(MacTable, MovesAreCounted) {
    MacTable table(config(), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    EXPECT_EQ(table.learn(mac(1), MacOwner::peer(2), t0 + 1s), LearnResult::moved);
    EXPECT_EQ(table.lookup(mac(1), t0 + 1s), MacOwner::peer(2));
    EXPECT_EQ(table.learn(mac(1), MacOwner::local(), t0 + 2s), LearnResult::moved);
    EXPECT_EQ(table.lookup(mac(1), t0 + 2s), MacOwner::local());
    EXPECT_EQ(table.counters().moved, 2U);
    EXPECT_EQ(table.counters().learnt, 1U);
    EXPECT_EQ(table.size(), 1U);
}

TEST(MacTable, NeverLearnsGroupOrZeroSources) {
    MacTable table(config(), test_key);
    for (const char* text : {"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:fb", "33:33:00:00:00:01",
                             "03:00:00:00:00:01", "00:00:00:00:00:00"}) {
        EXPECT_EQ(table.learn(mac(text), MacOwner::peer(1), t0), LearnResult::invalid_source)
            << text;
        EXPECT_EQ(table.lookup(mac(text), t0), std::nullopt) << text;
    }
    EXPECT_EQ(table.size(), 0U);
    EXPECT_EQ(table.counters().invalid_source, 5U);
    EXPECT_EQ(table.counters().learnt, 0U);
    EXPECT_EQ(table.learn(mac("00:00:00:00:00:01"), MacOwner::local(), t0), LearnResult::learnt);
}

TEST(MacTable, EntriesAgeOutAfterTheAgeingTime) {
    MacTable table(config(), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    EXPECT_EQ(table.lookup(mac(1), t0 + 300s - 1ns), MacOwner::peer(1));
    EXPECT_EQ(table.lookup(mac(1), t0 + 300s), std::nullopt);  // before any expire()
    EXPECT_EQ(table.size(), 1U);
    EXPECT_EQ(table.expire(t0 + 300s - 1ns), 0U);
    EXPECT_EQ(table.expire(t0 + 300s), 1U);
    EXPECT_EQ(table.size(), 0U);
    EXPECT_EQ(table.counters().aged_out, 1U);
    EXPECT_EQ(table.next_deadline(), std::nullopt);
}

TEST(MacTable, AgeingTimeIsConfigurable) {
    MacTable table(config(8192, 10s), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    EXPECT_EQ(table.next_deadline(), t0 + 10s);
    EXPECT_EQ(table.lookup(mac(1), t0 + 9s), MacOwner::local());
    EXPECT_EQ(table.lookup(mac(1), t0 + 10s), std::nullopt);
}

TEST(MacTable, TrafficKeepsAnEntryAlive) {
    MacTable table(config(), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0 + 200s), LearnResult::refreshed);
    EXPECT_EQ(table.expire(t0 + 400s), 0U);
    EXPECT_EQ(table.lookup(mac(1), t0 + 499s), MacOwner::peer(1));
    EXPECT_EQ(table.lookup(mac(1), t0 + 500s), std::nullopt);
}

TEST(MacTable, NextDeadlineIsWhenTheOldestAgesOut) {
    MacTable table(config(), test_key);
    EXPECT_EQ(table.next_deadline(), std::nullopt);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::local(), t0 + 10s), LearnResult::learnt);
    EXPECT_EQ(table.next_deadline(), t0 + 300s);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0 + 20s), LearnResult::refreshed);
    EXPECT_EQ(table.next_deadline(), t0 + 310s);
    EXPECT_EQ(table.expire(t0 + 310s), 1U);
    EXPECT_EQ(table.next_deadline(), t0 + 320s);
}

TEST(MacTable, ExpireWorkIsBoundedPerCall) {
    MacTable table(config(), test_key);
    for (std::uint8_t i = 1; i <= 10; ++i) {
        ASSERT_EQ(table.learn(mac(i), MacOwner::peer(1), t0 + i * 1ms), LearnResult::learnt);
    }
    EXPECT_EQ(table.expire(t0 + 1h, 3), 3U);
    EXPECT_EQ(table.size(), 7U);
    EXPECT_EQ(table.lookup(mac(3), t0), std::nullopt);  // the oldest went first
    EXPECT_EQ(table.lookup(mac(4), t0), MacOwner::peer(1));
    EXPECT_EQ(table.next_deadline(), t0 + 300s + 4ms);  // due: call again at once
    EXPECT_EQ(table.expire(t0 + 1h), 7U);
    EXPECT_EQ(table.counters().aged_out, 10U);
}

TEST(MacTable, RelearningAnAgedEntryIsNotAMove) {
    MacTable table(config(), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    EXPECT_EQ(table.learn(mac(1), MacOwner::peer(2), t0 + 301s), LearnResult::learnt);
    EXPECT_EQ(table.lookup(mac(1), t0 + 301s), MacOwner::peer(2));
    EXPECT_EQ(table.counters().moved, 0U);
    EXPECT_EQ(table.counters().aged_out, 1U);
    EXPECT_EQ(table.counters().learnt, 2U);
    EXPECT_EQ(table.expire(t0 + 302s), 0U);  // counted once
    EXPECT_EQ(table.counters().aged_out, 1U);
}

TEST(MacTable, AFullTableEvictsTheLeastRecentlySeen) {
    MacTable table(config(3), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::peer(1), t0 + 1s), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(3), MacOwner::peer(2), t0 + 2s), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0 + 3s), LearnResult::refreshed);
    EXPECT_EQ(table.learn(mac(4), MacOwner::peer(2), t0 + 4s), LearnResult::learnt);
    EXPECT_EQ(table.size(), 3U);
    EXPECT_EQ(table.counters().evicted, 1U);
    EXPECT_EQ(table.lookup(mac(2), t0 + 4s), std::nullopt);
    EXPECT_EQ(table.lookup(mac(1), t0 + 4s), MacOwner::local());
    EXPECT_EQ(table.lookup(mac(3), t0 + 4s), MacOwner::peer(2));
    EXPECT_EQ(table.lookup(mac(4), t0 + 4s), MacOwner::peer(2));
    // Refreshing and moving known addresses never evicts.
    EXPECT_EQ(table.learn(mac(3), MacOwner::local(), t0 + 5s), LearnResult::moved);
    EXPECT_EQ(table.counters().evicted, 1U);
}

TEST(MacTable, AFullTableCountsAnAgedVictimAsAgedOut) {
    MacTable table(config(2, 10s), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::local(), t0 + 5s), LearnResult::learnt);
    EXPECT_EQ(table.learn(mac(3), MacOwner::local(), t0 + 12s), LearnResult::learnt);
    EXPECT_EQ(table.counters().evicted, 0U);
    EXPECT_EQ(table.counters().aged_out, 1U);
    EXPECT_EQ(table.lookup(mac(2), t0 + 12s), MacOwner::local());
}

TEST(MacTable, CapacityOneKeepsTheLatest) {
    MacTable table(config(1), test_key);
    for (std::uint8_t i = 1; i <= 100; ++i) {
        ASSERT_EQ(table.learn(mac(i), MacOwner::peer(i), t0 + i * 1s), LearnResult::learnt);
        ASSERT_EQ(table.size(), 1U);
    }
    EXPECT_EQ(table.lookup(mac(100), t0 + 100s), MacOwner::peer(100));
    EXPECT_EQ(table.counters().evicted, 99U);
}

TEST(MacTable, FlushRemovesEveryEntryOfThePeerOnly) {
    MacTable table(config(), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::peer(2), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(3), MacOwner::peer(1), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(4), MacOwner::local(), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(5), MacOwner::peer(1), t0), LearnResult::learnt);
    EXPECT_EQ(table.flush_peer(1, t0 + 1s), 3U);
    EXPECT_EQ(table.size(), 2U);
    EXPECT_EQ(table.lookup(mac(1), t0 + 1s), std::nullopt);
    EXPECT_EQ(table.lookup(mac(3), t0 + 1s), std::nullopt);
    EXPECT_EQ(table.lookup(mac(5), t0 + 1s), std::nullopt);
    EXPECT_EQ(table.lookup(mac(2), t0 + 1s), MacOwner::peer(2));
    EXPECT_EQ(table.lookup(mac(4), t0 + 1s), MacOwner::local());
    EXPECT_EQ(table.counters().flushed, 3U);
    EXPECT_EQ(table.flush_peer(1, t0 + 1s), 0U);
    EXPECT_EQ(table.flush_peer(9, t0 + 1s), 0U);
    // The list stays consistent: the rest still ages out in order.
    EXPECT_EQ(table.next_deadline(), t0 + 300s);
    EXPECT_EQ(table.expire(t0 + 300s), 2U);
    EXPECT_EQ(table.size(), 0U);
}

TEST(MacTable, FlushDoesNotReportAgedEntries) {
    MacTable table(config(8192, 10s), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::peer(1), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::peer(1), t0 + 5s), LearnResult::learnt);
    EXPECT_EQ(table.flush_peer(1, t0 + 12s), 1U);
    EXPECT_EQ(table.counters().flushed, 1U);
    EXPECT_EQ(table.counters().aged_out, 1U);
    EXPECT_EQ(table.size(), 0U);
}

TEST(MacTable, ForEachListsLiveEntriesNewestFirstWithTheirAge) {
    MacTable table(config(8192, 10s), test_key);
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::peer(4), t0 + 5s), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(3), MacOwner::peer(0), t0 + 7s), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::peer(4), t0 + 8s), LearnResult::refreshed);
    std::vector<std::tuple<std::string, MacOwner, Duration>> seen;
    table.for_each(t0 + 11s, [&](const MacAddress& m, MacOwner owner, Duration age) {
        seen.emplace_back(m.to_string(), owner, age);
    });
    ASSERT_EQ(seen.size(), 2U);  // mac(1) has aged out
    EXPECT_EQ(seen[0],
              std::make_tuple(std::string("02:00:00:00:00:02"), MacOwner::peer(4), Duration(3s)));
    EXPECT_EQ(seen[1],
              std::make_tuple(std::string("02:00:00:00:00:03"), MacOwner::peer(0), Duration(4s)));
}

TEST(MacTable, ManyAddressesStayFindable) {
    MacTable table(config(4096), test_key);
    for (std::uint64_t i = 0; i < 4096; ++i) {
        // Addresses that differ only by multiples of a large power of two.
        const MacAddress m = mac_from_u64(0x020000000000ULL | i << 20);
        ASSERT_EQ(table.learn(m, MacOwner::peer(static_cast<PeerIndex>(i)), t0),
                  LearnResult::learnt);
    }
    for (std::uint64_t i = 0; i < 4096; ++i) {
        const MacAddress m = mac_from_u64(0x020000000000ULL | i << 20);
        ASSERT_EQ(table.lookup(m, t0), MacOwner::peer(static_cast<PeerIndex>(i)));
    }
    EXPECT_EQ(table.counters().evicted, 0U);
}

}  // namespace
}  // namespace ogw::gw
