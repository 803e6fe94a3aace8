// SPDX-License-Identifier: BSD-3-Clause
#include "gw/session_table.hpp"

#include <sodium.h>

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;

FiveTuple tuple(std::uint16_t sport) {
    return {IpAddress::parse("10.0.1.1").value(), IpAddress::parse("10.0.2.1").value(),
            ipproto::udp, sport, 53};
}

class SessionTableTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
    SessionTable table;
    const Instant t0 = Instant(std::chrono::hours(1));
};

TEST_F(SessionTableTest, FindsByKeyIdAndFlow) {
    Session& s = table.create(tuple(1000), 0, t0);
    table.bind_flow(s, 77);
    EXPECT_EQ(table.find(tuple(1000)), &s);
    EXPECT_EQ(table.find_id(s.id), &s);
    const std::uint64_t id = s.id;
    EXPECT_EQ(table.find_flow(id, 77), &s);
    EXPECT_EQ(table.find_flow(id, 78), nullptr);
    EXPECT_EQ(table.find_flow(std::nullopt, 77), nullptr);
    EXPECT_EQ(table.find(tuple(1001)), nullptr);
    EXPECT_EQ(table.find(tuple(1000).reversed()), nullptr);
    table.erase(s);
    EXPECT_EQ(table.find(tuple(1000)), nullptr);
    EXPECT_EQ(table.find_flow(id, 77), nullptr);
    EXPECT_EQ(table.size(), 0U);
}

TEST_F(SessionTableTest, LeastRecentFollowsActivity) {
    Session& a = table.create(tuple(1), 0, t0);
    Session& b = table.create(tuple(2), 0, t0 + 1s);
    Session& c = table.create(tuple(3), 0, t0 + 2s);
    EXPECT_EQ(table.least_recent(), &a);
    table.touch(a, t0 + 3s);
    EXPECT_EQ(table.least_recent(), &b);
    table.erase(b);
    EXPECT_EQ(table.least_recent(), &c);
    table.erase(c);
    table.erase(a);
    EXPECT_EQ(table.least_recent(), nullptr);
}

TEST_F(SessionTableTest, DeadlinesFireOnceAndLazily) {
    Session& a = table.create(tuple(1), 0, t0);
    Session& b = table.create(tuple(2), 0, t0);
    table.schedule(a, t0 + 5s);
    table.schedule(b, t0 + 2s);
    table.schedule(a, t0 + 1s);  // earlier: replaces
    table.schedule(b, t0 + 9s);  // later: ignored until the earlier one fires
    EXPECT_EQ(table.next_deadline(), t0 + 1s);
    std::vector<std::uint64_t> due;
    table.expire(t0 + 3s, [&](Session& s) { due.push_back(s.id); });
    ASSERT_EQ(due.size(), 2U);
    EXPECT_EQ(due[0], a.id);
    EXPECT_EQ(due[1], b.id);
    due.clear();
    table.expire(t0 + 10s, [&](Session& s) { due.push_back(s.id); });
    EXPECT_TRUE(due.empty());  // the stale 5 s and 9 s entries are skipped
}

TEST_F(SessionTableTest, TombstonesExpireAndAreBounded) {
    table.bury(tuple(1), t0, t0 + 10s, TeardownReason::peer_dealloc);
    ASSERT_NE(table.tombstone(tuple(1), t0 + 5s), nullptr);
    EXPECT_EQ(table.tombstone(tuple(1), t0 + 5s)->reason, TeardownReason::peer_dealloc);
    EXPECT_EQ(table.tombstone(tuple(1), t0 + 10s), nullptr);
    for (std::uint32_t i = 0; i < max_tombstones + 100; ++i) {
        table.bury(tuple(static_cast<std::uint16_t>(i % 60000)),
                   t0, t0 + 1h, TeardownReason::idle);
    }
    EXPECT_LE(table.tombstones(), max_tombstones);
}

TEST_F(SessionTableTest, NewSessionClearsTombstone) {
    table.bury(tuple(5), t0, t0 + 10s, TeardownReason::peer_timeout);
    table.create(tuple(5), 0, t0 + 1s);
    EXPECT_EQ(table.tombstone(tuple(5), t0 + 2s), nullptr);
}

TEST_F(SessionTableTest, HashIsKeyed) {
    SessionTable other;
    KeyedTupleHash h1;
    KeyedTupleHash h2;
    h2.key[0] = 1;
    EXPECT_NE(h1(tuple(1)), h2(tuple(1)));
    EXPECT_EQ(h1(tuple(1)), h1(tuple(1)));
}

}  // namespace
}  // namespace ogw::gw
