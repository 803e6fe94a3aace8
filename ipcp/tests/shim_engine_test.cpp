// SPDX-License-Identifier: BSD-3-Clause
#include "harness.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;
using test::TestNode;

class ShimEngineTest : public ::testing::Test {
protected:
    FakeClock clock;
    LoopbackNetwork net{clock, 7};
    TestNode a{clock, net, "node-a"};
    TestNode b{clock, net, "node-b"};

    void SetUp() override { b.serve("oecho"); }

    Eid allocate(qosspec_t qos = qos_raw) {
        const Eid eid = a.alloc(clock.now(), "oecho", b.address(), qos);
        EXPECT_NE(eid, no_eid);
        EXPECT_TRUE(net.run_until_condition(
            [&] { return a.engine().find(eid) != nullptr &&
                         a.engine().find(eid)->fsm.state() == FlowState::allocated; },
            1s));
        return eid;
    }
    Eid server_eid() { return b.accepted.empty() ? no_eid : b.accepted.back(); }
};

TEST_F(ShimEngineTest, AllocatesAndCarriesDataBothWays) {
    const Eid ea = allocate();
    const Eid eb = server_eid();
    ASSERT_NE(eb, no_eid);
    EXPECT_EQ(b.engine().find(eb)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(a.write(clock.now(), ea, "ping"), 0);
    net.run_for(20ms);
    ASSERT_EQ(b.flow(eb).queue.size(), 1U);
    EXPECT_EQ(b.flow(eb).queue.front().data, "ping");
    EXPECT_EQ(b.write(clock.now(), eb, "pong"), 0);
    a.read(clock.now(), ea);
    net.run_for(20ms);
    ASSERT_EQ(a.flow(ea).reads.size(), 1U);
    EXPECT_EQ(a.flow(ea).reads[0].data, "pong");
    EXPECT_EQ(a.engine().find(ea)->counters.tx_packets, 1U);
    EXPECT_EQ(a.engine().find(ea)->counters.rx_bytes, 4U);
}

TEST_F(ShimEngineTest, NameNobodyServesIsRefusedWithEname) {
    const Eid ea = a.alloc(clock.now(), "nobody", b.address());
    net.run_for(50ms);
    EXPECT_EQ(a.engine().find(ea), nullptr);
    EXPECT_EQ(a.flow(ea).alloc_result, -ENAME);
    EXPECT_EQ(b.engine().flow_count(), 0U);
    EXPECT_EQ(a.engine().counters().flow_alloc_failures, 1U);
}

TEST_F(ShimEngineTest, UnreachablePeerTimesOutAllocation) {
    net.set_filter([](auto&, auto&, auto) { return false; });
    const Eid ea = a.alloc(clock.now(), "oecho", b.address(), qos_raw, 2s);
    net.run_for(3s);
    EXPECT_EQ(a.flow(ea).alloc_result, -ETIMEDOUT);
    EXPECT_EQ(a.engine().flow_count(), 0U);
}

TEST_F(ShimEngineTest, DuplicatedRequestsCreateOneFlow) {
    LinkFaults f;
    f.duplicate = 1.0;
    net.set_faults(f);
    allocate();
    net.run_for(100ms);
    EXPECT_EQ(b.engine().flow_count(), 1U);
    EXPECT_EQ(b.accepted.size(), 1U);
}

TEST_F(ShimEngineTest, LostReplyIsRepeatedOnRetransmittedRequest) {
    int replies = 0;
    net.set_filter([&](auto&, auto&, std::span<const std::byte> m) {
        return !(m[1] == std::byte{2} && replies++ == 0);  // drop the first FLOW_REPLY
    });
    const Eid ea = allocate();
    EXPECT_EQ(replies, 2);
    EXPECT_EQ(b.engine().flow_count(), 1U);
    EXPECT_NE(ea, no_eid);
}

TEST_F(ShimEngineTest, FirstSduRidesOnRequestAndIsDeliveredOnce) {
    LinkFaults f;
    f.duplicate = 1.0;
    net.set_faults(f);
    const Eid ea = a.alloc(clock.now(), "oecho", b.address(), qos_raw, 5s, "first");
    net.run_for(100ms);
    ASSERT_EQ(a.engine().find(ea)->fsm.state(), FlowState::allocated);
    const Eid eb = server_eid();
    ASSERT_EQ(b.flow(eb).received, 1U);
    EXPECT_EQ(b.flow(eb).queue.front().data, "first");
    // The requests are over on both ends: their memory too.
    EXPECT_EQ(a.engine().find(ea)->request, nullptr);
    EXPECT_EQ(b.engine().find(eb)->request, nullptr);
}

TEST_F(ShimEngineTest, DelayedAcceptDeliversFirstSduAfterAccept) {
    b.accept_now = false;
    const Eid ea = a.alloc(clock.now(), "oecho", b.address(), qos_raw, 5s, "early");
    net.run_for(100ms);
    const Eid eb = server_eid();
    EXPECT_EQ(b.engine().find(eb)->fsm.state(), FlowState::accept_pending);
    EXPECT_EQ(b.flow(eb).received, 0U);
    b.engine().accept(clock.now(), eb, 0);
    EXPECT_EQ(b.flow(eb).received, 1U);
    EXPECT_EQ(b.engine().find(eb)->request, nullptr);
    net.run_for(300ms);
    EXPECT_EQ(a.engine().find(ea)->fsm.state(), FlowState::allocated);
}

TEST(ShimEngineAdmission, HalfOpenFlowsAreBoundedPerSource) {
    FakeClock clock;
    LoopbackNetwork net{clock, 7};
    TestNode a{clock, net, "node-a"};
    EngineConfig cfg;
    cfg.admission.half_open_per_source = 2;
    TestNode b{clock, net, "node-b", cfg};
    b.serve("oecho");
    b.accept_now = false;
    for (int i = 0; i < 3; ++i) {
        a.alloc(clock.now(), "oecho", b.address(), qos_raw, 10s);
    }
    net.run_for(100ms);
    EXPECT_EQ(b.engine().flow_count(), 2U);
    EXPECT_EQ(b.engine().half_open_flows(), 2U);
    EXPECT_EQ(b.engine().counters().drops[static_cast<std::size_t>(DropReason::overloaded)], 1U);
    // Accepting one makes room; the third request's retransmission gets in.
    b.engine().accept(clock.now(), b.accepted.front(), 0);
    EXPECT_EQ(b.engine().half_open_flows(), 1U);
    net.run_for(3s);
    EXPECT_EQ(b.engine().flow_count(), 3U);
    EXPECT_EQ(b.engine().half_open_flows(), 2U);
}

TEST_F(ShimEngineTest, PeerDeallocSeenWithinOneWayDelay) {
    const Eid ea = allocate();
    const Eid eb = server_eid();
    a.read(clock.now(), ea);
    const Instant t = clock.now();
    b.engine().dealloc(t, eb);
    net.run_for(50ms);
    ASSERT_EQ(a.flow(ea).reads.size(), 1U);
    EXPECT_EQ(a.flow(ea).reads[0].error, -EFLOWPEER);
    EXPECT_LE(a.flow(ea).reads[0].at - t, net.faults().delay);
    EXPECT_EQ(a.engine().find(ea)->fsm.state(), FlowState::peer_deallocated);
    EXPECT_EQ(b.engine().flow_count(), 0U);  // acked, released
    EXPECT_EQ(a.write(clock.now(), ea, "late"), -EFLOWPEER);
}

TEST_F(ShimEngineTest, QueuedDataIsReadBeforePeerFailure) {
    const Eid ea = allocate();
    const Eid eb = server_eid();
    b.write(clock.now(), eb, "one");
    b.write(clock.now(), eb, "two");
    b.engine().dealloc(clock.now(), eb);
    net.run_for(50ms);
    a.read(clock.now(), ea);
    a.read(clock.now(), ea);
    a.read(clock.now(), ea);
    ASSERT_EQ(a.flow(ea).reads.size(), 3U);
    EXPECT_EQ(a.flow(ea).reads[0].data, "one");
    EXPECT_EQ(a.flow(ea).reads[1].data, "two");
    EXPECT_EQ(a.flow(ea).reads[2].error, -EFLOWPEER);
}

TEST_F(ShimEngineTest, RestartedPeerAnswersUnknownEndpoint) {
    const Eid ea = allocate();
    // node-b restarts: a fresh engine on the same address knows no flows.
    auto b2 = std::make_unique<TestNode>(clock, net, "node-b");
    b2->serve("oecho");
    a.read(clock.now(), ea);
    const Instant t = clock.now();
    ASSERT_EQ(a.write(t, ea, "hello?"), 0);
    net.run_for(50ms);
    ASSERT_EQ(a.flow(ea).reads.size(), 1U);
    EXPECT_EQ(a.flow(ea).reads[0].error, -EFLOWPEER);
    EXPECT_LE(a.flow(ea).reads[0].at - t, 2 * net.faults().delay);  // one round trip
    EXPECT_GE(b2->engine().counters().unknown_endpoint_replies, 1U);
}

TEST_F(ShimEngineTest, DataFromAnotherAddressIsDropped) {
    allocate();
    const Eid eb = server_eid();
    TestNode intruder(clock, net, "intruder");
    CodecV1 codec;
    std::vector<std::byte> frame(codec.data_header_size() + 3);
    ASSERT_TRUE(codec.write_data_header(frame, eb, 3));
    auto& port = net.attach("intruder-raw");
    port.transmit(b.address(), frame);
    net.run_for(20ms);
    EXPECT_EQ(b.flow(eb).received, 0U);
    EXPECT_EQ(b.engine().counters().drops[static_cast<std::size_t>(DropReason::wrong_peer)], 1U);
}

TEST_F(ShimEngineTest, StaleGenerationNeverReachesNewFlow) {
    const Eid first = allocate();
    a.engine().dealloc(clock.now(), first);
    net.run_for(100ms);
    ASSERT_EQ(a.engine().flow_count(), 0U);
    // Fill every free slot until the first one is reused.
    Eid reused = no_eid;
    for (int i = 0; i < 4 && reused == no_eid; ++i) {
        const Eid e = allocate();
        if (eid_slot(e) == eid_slot(first)) {
            reused = e;
        }
    }
    ASSERT_NE(reused, no_eid);
    EXPECT_NE(reused, first);
    EXPECT_EQ(a.engine().find(first), nullptr);
    EXPECT_NE(a.engine().find(reused), nullptr);
}

TEST_F(ShimEngineTest, LateCopiesOfClosingMessagesAreNotDrops) {
    const Eid ea = allocate();
    const Eid eb = server_eid();
    a.engine().dealloc(clock.now(), ea);  // two FLOW_DEALLOC copies, each acknowledged
    net.run_for(100ms);
    b.engine().dealloc(clock.now(), eb);
    ASSERT_EQ(a.engine().flow_count(), 0U);
    ASSERT_EQ(b.engine().flow_count(), 0U);
    // A copy delayed past b's close, and a dealloc naming an eid b never issued.
    CodecV1 codec;
    std::vector<std::byte> frame(64);
    auto& port = net.attach("late");
    frame.resize(codec.encode(FlowDeallocMsg{eb, ea, flow::DeallocReason::closed}, frame));
    port.transmit(b.address(), frame);
    frame.resize(64);
    frame.resize(codec.encode(FlowDeallocMsg{eb + 1, ea, flow::DeallocReason::closed}, frame));
    port.transmit(b.address(), frame);
    net.run_for(20ms);
    EXPECT_GE(b.engine().counters().late_messages, 1U);
    EXPECT_EQ(b.engine().counters().total_drops(), 1U);  // only the never-issued eid
    EXPECT_EQ(b.engine().counters().drops[static_cast<std::size_t>(DropReason::unknown_endpoint)],
              1U);
    EXPECT_EQ(a.engine().counters().total_drops(), 0U);
}

TEST_F(ShimEngineTest, KeepaliveEchoMeasuresRtt) {
    qosspec_t qos = qos_raw;
    qos.timeout = 400;
    const Eid ea = allocate(qos);
    net.run_for(150ms);  // keepalive at 100 ms, echoed
    const FlowRecord* rec = a.engine().find(ea);
    ASSERT_NE(rec, nullptr);
    EXPECT_GE(rec->counters.keepalives_sent, 1U);
    EXPECT_GE(rec->counters.keepalives_received, 1U);
    ASSERT_TRUE(rec->fsm.srtt().has_value());
    EXPECT_EQ(*rec->fsm.srtt(), 2 * net.faults().delay);
}

TEST_F(ShimEngineTest, KeepalivesKeepIdleFlowAlive) {
    qosspec_t qos = qos_raw;
    qos.timeout = 200;
    const Eid ea = allocate(qos);
    net.run_for(5s);
    EXPECT_EQ(a.engine().find(ea)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(b.engine().find(server_eid())->fsm.state(), FlowState::allocated);
}

TEST_F(ShimEngineTest, LinkDownWakesReaderAndUpResumes) {
    qosspec_t qos = qos_raw;
    qos.timeout = 10000;
    const Eid ea = allocate(qos);
    a.read(clock.now(), ea);
    a.engine().on_link(clock.now(), false);
    ASSERT_EQ(a.flow(ea).reads.size(), 1U);
    EXPECT_EQ(a.flow(ea).reads[0].error, -EFLOWDOWN);
    EXPECT_EQ(a.flow(ea).events.back(), FLOW_DOWN);
    a.engine().on_link(clock.now(), true);
    EXPECT_EQ(a.flow(ea).events.back(), FLOW_UP);
    EXPECT_EQ(a.engine().find(ea)->fsm.state(), FlowState::allocated);
    b.write(clock.now(), server_eid(), "after");
    a.read(clock.now(), ea);
    net.run_for(20ms);
    ASSERT_EQ(a.flow(ea).reads.size(), 2U);
    EXPECT_EQ(a.flow(ea).reads[1].data, "after");
}

TEST_F(ShimEngineTest, LocalDeallocWakesOwnReader) {
    const Eid ea = allocate();
    a.read(clock.now(), ea);
    a.engine().dealloc(clock.now(), ea);
    ASSERT_EQ(a.flow(ea).reads.size(), 1U);
    EXPECT_EQ(a.flow(ea).reads[0].error, -ENOTALLOC);
}

TEST_F(ShimEngineTest, GarbageIsCountedAndChangesNothing) {
    const Eid ea = allocate();
    auto& port = net.attach("garbage");
    std::vector<std::byte> junk(64, std::byte{0x5a});
    port.transmit(a.address(), junk);
    port.transmit(a.address(), std::span<const std::byte>());
    net.run_for(20ms);
    EXPECT_EQ(a.engine().counters().total_drops(), 2U);
    EXPECT_EQ(a.engine().find(ea)->fsm.state(), FlowState::allocated);
}

TEST_F(ShimEngineTest, UnknownEndpointRepliesAreRateLimited) {
    auto& port = net.attach("scanner");
    CodecV1 codec;
    std::vector<std::byte> frame(codec.data_header_size());
    for (Eid e = 1; e <= 1000; ++e) {
        ASSERT_TRUE(codec.write_data_header(frame, make_eid(e, 1), 0));
        port.transmit(a.address(), frame);
    }
    net.run_for(20ms);
    EXPECT_EQ(a.engine().counters().unknown_endpoint_replies, 200U);
    EXPECT_EQ(a.engine().counters().unknown_endpoint_replies_suppressed, 800U);
}

TEST_F(ShimEngineTest, OversizedSduIsRefused) {
    const Eid ea = allocate();
    std::vector<std::byte> frame(a.engine().data_header_size() + a.engine().max_sdu() + 1);
    EXPECT_EQ(a.engine().write(clock.now(), ea, frame), -EMSGSIZE);
    frame.pop_back();
    EXPECT_EQ(a.engine().write(clock.now(), ea, frame), 0);
}

TEST_F(ShimEngineTest, ShutdownTellsEveryPeer) {
    const Eid e1 = allocate();
    const Eid e2 = allocate();
    a.engine().dealloc_all(clock.now(), flow::DeallocReason::shutdown);
    net.run_for(50ms);
    EXPECT_EQ(a.engine().flow_count(), 0U);
    for (Eid eb : b.accepted) {
        EXPECT_EQ(b.engine().find(eb)->fsm.state(), FlowState::peer_deallocated);
    }
    EXPECT_NE(e1, e2);
}

}  // namespace
}  // namespace ogw::ipcp
