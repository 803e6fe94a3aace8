// SPDX-License-Identifier: BSD-3-Clause
// EthResolver on a fake clock: the query schedule, the cache and its expiry, re-querying after
// a failed allocation, and giving up on a name nobody serves.
#include <ipcp/eth_resolver.hpp>

#include <flowlib/clock.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;

PeerAddress station(std::uint8_t last) {
    const std::array<std::byte, 6> mac{std::byte{0x02}, std::byte{0}, std::byte{0},
                                       std::byte{0},    std::byte{0}, std::byte{last}};
    return PeerAddress::from_bytes(mac);
}

struct Outcome {
    bool done = false;
    std::optional<PeerAddress> address;
};

class EthResolverTest : public ::testing::Test {
protected:
    FakeClock clock;
    std::vector<std::pair<Instant, NameQueryMsg>> sent;
    EthResolver resolver{[this](const NameQueryMsg& q) { sent.emplace_back(clock.now(), q); }};

    EthResolver::Done record(Outcome& out) {
        return [&out](std::optional<PeerAddress> a) {
            out.done = true;
            out.address = a;
        };
    }
    // Advances the clock to `t` in steps of 10 ms, running the timer whenever it is due.
    void run_until(Instant t) {
        while (clock.now() < t) {
            clock.advance(std::min<Duration>(10ms, t - clock.now()));
            if (const auto due = resolver.next_deadline(); due && *due <= clock.now()) {
                resolver.on_timer(clock.now());
            }
        }
    }
    void run_for(Duration d) { run_until(clock.now() + d); }
    NameReplyMsg reply_to(std::size_t query) const {
        return NameReplyMsg{sent.at(query).second.query_id, sent.at(query).second.name};
    }
};

TEST_F(EthResolverTest, BroadcastsOneQueryAndTakesTheFirstReply) {
    Outcome out;
    resolver.resolve(clock.now(), "oecho", record(out));
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent[0].second.name, NameHash::of("oecho"));
    EXPECT_FALSE(out.done);

    clock.advance(3ms);
    EXPECT_TRUE(resolver.on_reply(clock.now(), station(1), reply_to(0)));
    ASSERT_TRUE(out.done);
    EXPECT_EQ(out.address, station(1));
    // A second server's answer comes too late: the first one is kept.
    EXPECT_FALSE(resolver.on_reply(clock.now(), station(2), reply_to(0)));
    EXPECT_EQ(resolver.lookup(clock.now(), NameHash::of("oecho")), station(1));
    EXPECT_EQ(resolver.counters().replies_unmatched, 1U);
    EXPECT_EQ(resolver.pending(), 0U);
}

TEST_F(EthResolverTest, RetransmitsAt100300And700MsThenGivesUpAt1500Ms) {
    const Instant start = clock.now();
    Outcome out;
    resolver.resolve(clock.now(), "nobody", record(out));
    run_until(start + 1490ms);
    ASSERT_EQ(sent.size(), 4U);
    EXPECT_EQ(sent[1].first - start, 100ms);
    EXPECT_EQ(sent[2].first - start, 300ms);
    EXPECT_EQ(sent[3].first - start, 700ms);
    for (const auto& [at, q] : sent) {
        EXPECT_EQ(q.query_id, sent[0].second.query_id);  // retransmissions keep the id
    }
    EXPECT_FALSE(out.done);
    run_until(start + 1500ms);
    ASSERT_TRUE(out.done);
    EXPECT_EQ(out.address, std::nullopt);
    EXPECT_EQ(resolver.next_deadline(), std::nullopt);
    EXPECT_EQ(resolver.counters().unresolved, 1U);
}

TEST_F(EthResolverTest, ConcurrentResolutionsOfOneNameShareOneQuery) {
    Outcome first;
    Outcome second;
    resolver.resolve(clock.now(), "oecho", record(first));
    resolver.resolve(clock.now(), "oecho", record(second));
    EXPECT_EQ(sent.size(), 1U);
    EXPECT_EQ(resolver.pending(), 1U);
    resolver.on_reply(clock.now(), station(1), reply_to(0));
    EXPECT_EQ(first.address, station(1));
    EXPECT_EQ(second.address, station(1));
}

TEST_F(EthResolverTest, AReplyMustMatchTheQueryIdAndName) {
    Outcome out;
    resolver.resolve(clock.now(), "oecho", record(out));
    NameReplyMsg wrong_id = reply_to(0);
    wrong_id.query_id += 1;
    NameReplyMsg wrong_name = reply_to(0);
    wrong_name.name = NameHash::of("other");
    EXPECT_FALSE(resolver.on_reply(clock.now(), station(9), wrong_id));
    EXPECT_FALSE(resolver.on_reply(clock.now(), station(9), wrong_name));
    EXPECT_FALSE(out.done);
    EXPECT_TRUE(resolver.entries().empty());
}

TEST_F(EthResolverTest, CachedAnswerIsUsedUntilItExpires) {
    Outcome out;
    resolver.resolve(clock.now(), "oecho", record(out));
    resolver.on_reply(clock.now(), station(1), reply_to(0));

    run_for(59s);
    Outcome cached;
    resolver.resolve(clock.now(), "oecho", record(cached));
    EXPECT_TRUE(cached.done);  // at once, from the cache
    EXPECT_EQ(cached.address, station(1));
    EXPECT_EQ(sent.size(), 1U);

    run_for(1s);  // 60 s: expired
    EXPECT_EQ(resolver.lookup(clock.now(), NameHash::of("oecho")), std::nullopt);
    Outcome again;
    resolver.resolve(clock.now(), "oecho", record(again));
    EXPECT_FALSE(again.done);
    EXPECT_EQ(sent.size(), 2U);  // asked again
}

TEST_F(EthResolverTest, ForgetAfterAFailedAllocationQueriesAgain) {
    Outcome out;
    resolver.resolve(clock.now(), "oecho", record(out));
    resolver.on_reply(clock.now(), station(1), reply_to(0));

    resolver.forget(NameHash::of("oecho"), station(2));  // not what the cache says: kept
    EXPECT_EQ(resolver.lookup(clock.now(), NameHash::of("oecho")), station(1));
    resolver.forget(NameHash::of("oecho"), station(1));
    EXPECT_EQ(resolver.lookup(clock.now(), NameHash::of("oecho")), std::nullopt);
    EXPECT_EQ(resolver.counters().forgotten, 1U);

    Outcome again;
    resolver.resolve(clock.now(), "oecho", record(again));
    ASSERT_EQ(sent.size(), 2U);
    EXPECT_NE(sent[1].second.query_id, sent[0].second.query_id);  // a new query
    resolver.on_reply(clock.now(), station(3), reply_to(1));
    EXPECT_EQ(again.address, station(3));
}

TEST_F(EthResolverTest, ALateTimerSendsOnceNotABurst) {
    const Instant start = clock.now();
    Outcome out;
    resolver.resolve(clock.now(), "nobody", record(out));
    clock.advance(1200ms);  // three retransmissions overdue
    resolver.on_timer(clock.now());
    EXPECT_EQ(sent.size(), 2U);
    EXPECT_EQ(resolver.next_deadline(), start + 1500ms);
}

TEST_F(EthResolverTest, DoneMayResolveAgainFromInsideTheCallback) {
    Outcome inner;
    bool outer_done = false;
    resolver.resolve(clock.now(), "a", [&](std::optional<PeerAddress>) {
        outer_done = true;
        resolver.resolve(clock.now(), "b", record(inner));
    });
    run_for(1500ms);
    EXPECT_TRUE(outer_done);
    EXPECT_FALSE(inner.done);
    EXPECT_EQ(resolver.pending(), 1U);
    run_for(1500ms);
    EXPECT_TRUE(inner.done);
}

TEST_F(EthResolverTest, TooManyPendingNamesFailAtOnce) {
    EthResolverConfig cfg;
    cfg.max_pending = 2;
    EthResolver small([](const NameQueryMsg&) {}, cfg);
    Outcome a;
    Outcome b;
    Outcome c;
    small.resolve(clock.now(), "a", record(a));
    small.resolve(clock.now(), "b", record(b));
    small.resolve(clock.now(), "c", record(c));
    EXPECT_FALSE(a.done);
    EXPECT_TRUE(c.done);
    EXPECT_EQ(c.address, std::nullopt);
}

TEST_F(EthResolverTest, AFullCacheDropsTheEntryExpiringFirst) {
    EthResolverConfig cfg;
    cfg.max_entries = 2;
    std::vector<NameQueryMsg> queries;
    EthResolver small([&](const NameQueryMsg& q) { queries.push_back(q); }, cfg);
    for (const char* name : {"a", "b", "c"}) {
        Outcome out;
        small.resolve(clock.now(), name, record(out));
        small.on_reply(clock.now(), station(1),
                       NameReplyMsg{queries.back().query_id, queries.back().name});
        clock.advance(1s);
    }
    EXPECT_EQ(small.entries().size(), 2U);
    EXPECT_EQ(small.lookup(clock.now(), NameHash::of("a")), std::nullopt);
    EXPECT_EQ(small.lookup(clock.now(), NameHash::of("c")), station(1));
}

}  // namespace
}  // namespace ogw::ipcp
