// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/flow_fsm.hpp>
#include <flowlib/qos.hpp>

#include <gtest/gtest.h>

namespace ogw::flow {
namespace {

using namespace std::chrono_literals;
using A = FsmActions;

qosspec_t with_timeout(std::uint64_t ms) {
    qosspec_t q = qos_raw;
    q.timeout = ms;
    return q;
}

// Runs the FSM's timers, as an owner would, until `end`; returns the actions seen.
struct Driver {
    FlowFsm& fsm;
    Instant now;
    int keepalives = 0;
    int deallocs = 0;
    int requests = 0;

    void run_until(Instant end) {
        while (true) {
            const auto due = fsm.next_deadline();
            if (!due || *due > end) {
                break;
            }
            now = std::max(now, *due);
            const A a = fsm.on_timer(now);
            keepalives += a.has(A::send_keepalive) ? 1 : 0;
            deallocs += a.has(A::send_dealloc) ? 1 : 0;
            requests += a.has(A::send_flow_req) ? 1 : 0;
        }
        now = end;
    }
};

FlowFsm allocated_fsm(Instant t0, const qosspec_t& qos) {
    FlowFsm fsm(qos);
    fsm.begin_alloc(t0, 5s);
    fsm.on_reply(t0, 0);
    return fsm;
}

TEST(FlowFsm, KeepsTheQosItWasGiven) {
    qosspec_t voice = qos_voice;
    voice.timeout = 3000;
    EXPECT_TRUE(FlowFsm(voice).qos() == voice);
    EXPECT_EQ(FlowFsm(voice).timeout(), 3s);
    qosspec_t custom = qos_data;
    custom.delay = 7;
    custom.timeout = 0;
    EXPECT_TRUE(FlowFsm(custom).qos() == custom);
    qosspec_t beyond = qos_raw;  // more than a Duration holds: the liveness timeout saturates
    beyond.timeout = UINT64_MAX;
    EXPECT_EQ(FlowFsm(beyond).qos().timeout, UINT64_MAX);
    EXPECT_EQ(FlowFsm(beyond).timeout(), from_ms(max_duration_ms));
}

TEST(FlowFsm, AllocationSendsRequestAndCompletesOnReply) {
    const Instant t0{};
    FlowFsm fsm(qos_raw);
    const A a = fsm.begin_alloc(t0, 5s);
    EXPECT_TRUE(a.has(A::send_flow_req));
    EXPECT_EQ(fsm.state(), FlowState::alloc_pending);
    const A b = fsm.on_reply(t0 + 20ms, 0);
    EXPECT_TRUE(b.has(A::state_changed));
    EXPECT_EQ(fsm.state(), FlowState::allocated);
    ASSERT_TRUE(fsm.srtt().has_value());
    EXPECT_EQ(*fsm.srtt(), 20ms);
}

TEST(FlowFsm, RetransmitsRequestWithBackoffUntilAllocTimeout) {
    const Instant t0{};
    FlowFsm fsm(qos_raw);
    fsm.begin_alloc(t0, 3s);
    Driver d{fsm, t0};
    d.run_until(t0 + 3s);
    EXPECT_EQ(fsm.state(), FlowState::closed);
    EXPECT_EQ(fsm.alloc_result(), -ETIMEDOUT);
    // 200 ms, then 400, 800, 1600: at 0.2, 0.6, 1.4 s; the next (3.0 s) meets the deadline.
    EXPECT_EQ(d.requests, 3);
}

TEST(FlowFsm, NegativeReplyFailsAllocation) {
    FlowFsm fsm(qos_raw);
    fsm.begin_alloc(Instant{}, 5s);
    const A a = fsm.on_reply(Instant{} + 1ms, -ENAME);
    EXPECT_TRUE(a.has(A::release));
    EXPECT_EQ(fsm.alloc_result(), -ENAME);
    EXPECT_EQ(fsm.state(), FlowState::closed);
}

TEST(FlowFsm, AcceptSendsReplyAndDuplicateRequestRepeatsIt) {
    FlowFsm fsm(qos_raw);
    fsm.on_request(Instant{});
    EXPECT_EQ(fsm.state(), FlowState::accept_pending);
    EXPECT_TRUE(fsm.on_duplicate_request(Instant{}).empty());  // not yet accepted
    const A a = fsm.accept(Instant{});
    EXPECT_TRUE(a.has(A::send_flow_reply));
    EXPECT_EQ(a.reply_code, 0);
    const A b = fsm.on_duplicate_request(Instant{} + 1ms);
    EXPECT_TRUE(b.has(A::send_flow_reply));
    EXPECT_FALSE(b.has(A::state_changed));
}

TEST(FlowFsm, RejectRepliesWithErrorAndCloses) {
    FlowFsm fsm(qos_raw);
    fsm.on_request(Instant{});
    const A a = fsm.reject(Instant{}, -ENAME);
    EXPECT_TRUE(a.has(A::send_flow_reply));
    EXPECT_EQ(a.reply_code, -ENAME);
    EXPECT_TRUE(a.has(A::release));
}

TEST(FlowFsm, SendsKeepaliveAfterQuarterTimeoutWithoutSending) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(1000));
    Driver d{fsm, t0};
    d.run_until(t0 + 249ms);
    EXPECT_EQ(d.keepalives, 0);
    d.run_until(t0 + 250ms);
    EXPECT_EQ(d.keepalives, 1);
    fsm.on_received(d.now);
    fsm.note_sent(t0 + 400ms);  // data went out: the next keepalive moves
    d.run_until(t0 + 649ms);
    EXPECT_EQ(d.keepalives, 1);
    d.run_until(t0 + 650ms);
    EXPECT_EQ(d.keepalives, 2);
}

TEST(FlowFsm, ZeroTimeoutDisablesLiveness) {
    FlowFsm fsm = allocated_fsm(Instant{}, with_timeout(0));
    EXPECT_FALSE(fsm.next_deadline().has_value());
    Driver d{fsm, Instant{}};
    d.run_until(Instant{} + std::chrono::hours(24 * 365));
    EXPECT_EQ(fsm.state(), FlowState::allocated);
    EXPECT_EQ(d.keepalives, 0);
}

class SilentPeer : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SilentPeer, DeclaredGoneWithinTimeoutPlusQuarter) {
    const std::uint64_t ms = GetParam();
    const Duration t = from_ms(ms);
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(ms));
    Driver d{fsm, t0};
    d.run_until(t0 + t - 1ns);
    EXPECT_EQ(fsm.state(), FlowState::allocated);
    d.run_until(t0 + t + t / 4);
    EXPECT_EQ(fsm.state(), FlowState::peer_timed_out);
    EXPECT_GE(d.keepalives, 3);  // at T/4, T/2, 3T/4
    EXPECT_EQ(read_error(fsm.state()), -EFLOWPEER);
}

INSTANTIATE_TEST_SUITE_P(Timeouts, SilentPeer,
                         ::testing::Values(50ULL, 3000ULL, 120000ULL,
                                           10ULL * 365 * 24 * 3600 * 1000));

TEST(FlowFsm, ReceivingKeepsFlowAliveWithoutReads) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(100));
    Driver d{fsm, t0};
    for (int i = 1; i <= 100; ++i) {  // 1 s of packets every 10 ms, 10x the timeout
        d.run_until(t0 + i * 10ms);
        fsm.on_received(d.now);
    }
    EXPECT_EQ(fsm.state(), FlowState::allocated);
}

TEST(FlowFsm, HugeTimeoutDoesNotOverflow) {
    FlowFsm fsm = allocated_fsm(Instant{}, with_timeout(UINT64_MAX));
    ASSERT_TRUE(fsm.next_deadline().has_value());
    EXPECT_GT(*fsm.next_deadline(), Instant{});
    EXPECT_TRUE(fsm.on_timer(Instant{} + std::chrono::hours(1)).empty());
    EXPECT_EQ(fsm.state(), FlowState::allocated);
}

TEST(FlowFsm, PeerDeallocAcknowledgedAndTerminal) {
    FlowFsm fsm = allocated_fsm(Instant{}, qos_raw);
    const A a = fsm.on_peer_dealloc(Instant{} + 1ms);
    EXPECT_TRUE(a.has(A::send_dealloc_ack));
    EXPECT_TRUE(a.has(A::state_changed));
    EXPECT_EQ(fsm.state(), FlowState::peer_deallocated);
    EXPECT_EQ(read_error(fsm.state()), -EFLOWPEER);
    EXPECT_EQ(write_error(fsm.state()), -EFLOWPEER);
    const A dup = fsm.on_peer_dealloc(Instant{} + 2ms);
    EXPECT_TRUE(dup.has(A::send_dealloc_ack));
    EXPECT_FALSE(dup.has(A::state_changed));
    EXPECT_FALSE(fsm.next_deadline().has_value());  // no keepalives to a departed peer
}

TEST(FlowFsm, LocalDeallocRetransmitsUntilAcked) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, qos_raw);
    const A a = fsm.dealloc(t0);
    EXPECT_TRUE(a.has(A::send_dealloc));
    EXPECT_EQ(fsm.state(), FlowState::dealloc_pending);
    Driver d{fsm, t0};
    d.run_until(t0 + 700ms);
    EXPECT_GE(d.deallocs, 2);
    const A b = fsm.on_dealloc_ack(d.now);
    EXPECT_TRUE(b.has(A::release));
    EXPECT_EQ(fsm.state(), FlowState::closed);
}

TEST(FlowFsm, LocalDeallocGivesUpAfterMaxSends) {
    const Instant t0{};
    FsmConfig cfg;
    cfg.max_dealloc_sends = 4;
    FlowFsm fsm(qos_raw, cfg);
    fsm.begin_alloc(t0, 1s);
    fsm.on_reply(t0, 0);
    fsm.dealloc(t0);
    Driver d{fsm, t0};
    d.run_until(t0 + 60s);
    EXPECT_EQ(fsm.state(), FlowState::closed);
    EXPECT_EQ(d.deallocs, 3);  // plus the first one from dealloc()
}

TEST(FlowFsm, SimultaneousDeallocCloses) {
    FlowFsm fsm = allocated_fsm(Instant{}, qos_raw);
    fsm.dealloc(Instant{});
    const A a = fsm.on_peer_dealloc(Instant{} + 1ms);
    EXPECT_TRUE(a.has(A::send_dealloc_ack));
    EXPECT_TRUE(a.has(A::release));
}

TEST(FlowFsm, DeallocAfterPeerDeallocClosesAtOnce) {
    FlowFsm fsm = allocated_fsm(Instant{}, qos_raw);
    fsm.on_peer_dealloc(Instant{});
    const A a = fsm.dealloc(Instant{} + 1ms);
    EXPECT_FALSE(a.has(A::send_dealloc));
    EXPECT_TRUE(a.has(A::release));
}

TEST(FlowFsm, DeallocOfTimedOutFlowTellsPeerOnceAndClosesAtOnce) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(100));
    Driver d{fsm, t0};
    d.run_until(t0 + 200ms);
    ASSERT_EQ(fsm.state(), FlowState::peer_timed_out);
    const A a = fsm.dealloc(d.now);
    EXPECT_TRUE(a.has(A::send_dealloc));
    EXPECT_TRUE(a.has(A::release));
    EXPECT_EQ(fsm.state(), FlowState::closed);
    EXPECT_FALSE(fsm.next_deadline().has_value());
}

TEST(FlowFsm, LinkDownAndUpRaiseEvents) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(1000));
    const A down = fsm.on_link_down(t0);
    EXPECT_TRUE(down.has(A::state_changed));
    EXPECT_EQ(fsm.state(), FlowState::down);
    EXPECT_EQ(transition_event(FlowState::allocated, FlowState::down), FLOW_DOWN);
    EXPECT_EQ(read_error(fsm.state()), -EFLOWDOWN);
    Driver d{fsm, t0};
    d.run_until(t0 + 900ms);
    EXPECT_EQ(d.keepalives, 0);  // nothing is sent while down
    const A up = fsm.on_link_up(d.now);
    EXPECT_TRUE(up.has(A::send_keepalive));
    EXPECT_EQ(fsm.state(), FlowState::allocated);
    EXPECT_EQ(transition_event(FlowState::down, FlowState::allocated), FLOW_UP);
}

TEST(FlowFsm, LinkDownLongerThanTimeoutTimesOut) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(1000));
    fsm.on_link_down(t0 + 10ms);
    Driver d{fsm, t0 + 10ms};
    d.run_until(t0 + 1s);
    EXPECT_EQ(fsm.state(), FlowState::peer_timed_out);
}

TEST(FlowFsm, TimedOutEndRefusesLatePeerTraffic) {
    const Instant t0{};
    FlowFsm fsm = allocated_fsm(t0, with_timeout(100));
    Driver d{fsm, t0};
    d.run_until(t0 + 200ms);
    ASSERT_EQ(fsm.state(), FlowState::peer_timed_out);
    const A a = fsm.on_received(d.now);
    EXPECT_TRUE(a.has(A::send_dealloc));
    EXPECT_EQ(a.dealloc_reason, DeallocReason::timed_out);
    EXPECT_FALSE(fsm.on_received(d.now + 1ms).has(A::send_dealloc));  // rate-limited
}

TEST(FlowFsm, RttEstimateBoundsRetransmitTimeout) {
    FlowFsm fsm(qos_raw);
    for (int i = 0; i < 20; ++i) {
        fsm.on_rtt_sample(1ms);
    }
    EXPECT_EQ(fsm.rto(), FsmConfig{}.rto_min);
    for (int i = 0; i < 20; ++i) {
        fsm.on_rtt_sample(10s);
    }
    EXPECT_EQ(fsm.rto(), FsmConfig{}.rto_max);
}

TEST(FlowState, NamesRoundTrip) {
    for (int i = 0; i <= static_cast<int>(FlowState::closed); ++i) {
        const auto s = static_cast<FlowState>(i);
        EXPECT_EQ(flow_state_from_string(to_string(s)), s);
    }
    EXPECT_FALSE(flow_state_from_string("bogus").has_value());
    EXPECT_EQ(to_string(FlowState::peer_deallocated), "peer_deallocated");
}

}  // namespace
}  // namespace ogw::flow
