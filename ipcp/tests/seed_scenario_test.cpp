// SPDX-License-Identifier: BSD-3-Clause
// The upstream seed scenario (oecho) on the fake clock over the loopback IPCP: the server
// echoes one message and deallocates; the client's pending flow_read must return -EFLOWPEER
// within one round trip, even when the first FLOW_DEALLOC is lost.
#include "harness.hpp"

#include <ipcp/wire.hpp>

#include <gtest/gtest.h>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;
using test::TestNode;

struct Timeline {
    Instant server_dealloc{};
    std::vector<std::string> lines;
};

class SeedScenario : public ::testing::Test {
protected:
    FakeClock clock;
    LoopbackNetwork net{clock, 11};
    TestNode client{clock, net, "client"};
    TestNode server{clock, net, "server"};
    Timeline timeline;

    void SetUp() override {
        net.set_faults(LinkFaults{10ms, 0ms, 0.0, 0.0});  // RTT 20 ms
        server.serve("oecho");
        // The oecho server: echo one message, then deallocate.
        server.on_sdu = [this](Eid eid, const std::string& msg) {
            server.write(clock.now(), eid, msg);
            timeline.server_dealloc = clock.now();
            server.engine().dealloc(clock.now(), eid);
        };
    }

    // Runs the client; returns the time its second read failed and the error.
    test::ReadResult run_client() {
        const Eid eid = client.alloc(clock.now(), "oecho", server.address());
        EXPECT_TRUE(net.run_until_condition(
            [&] { return client.engine().find(eid) &&
                         client.engine().find(eid)->fsm.state() == FlowState::allocated; },
            1s));
        EXPECT_EQ(client.write(clock.now(), eid, "Client says hi!"), 0);
        client.read(clock.now(), eid);
        EXPECT_TRUE(net.run_until_condition([&] { return client.flow(eid).reads.size() == 1; }, 1s));
        timeline.lines.push_back("Server replied with " + client.flow(eid).reads[0].data);
        client.read(clock.now(), eid);  // blocks: the server has gone
        EXPECT_TRUE(net.run_until_condition([&] { return client.flow(eid).reads.size() == 2; }, 5s));
        const test::ReadResult r = client.flow(eid).reads.at(1);
        timeline.lines.push_back("Failed to read packet: " + std::to_string(r.error) + ".");
        client.engine().dealloc(clock.now(), eid);
        net.run_for(1s);
        return r;
    }
};

TEST_F(SeedScenario, ClientSeesPeerDeallocWithinOneRoundTrip) {
    const auto r = run_client();
    ASSERT_EQ(timeline.lines.size(), 2U);
    EXPECT_EQ(timeline.lines[0], "Server replied with Client says hi!");
    EXPECT_EQ(timeline.lines[1], "Failed to read packet: -1006.");
    EXPECT_EQ(r.error, -EFLOWPEER);
    EXPECT_LE(r.at - timeline.server_dealloc, 20ms);
    EXPECT_EQ(client.engine().flow_count(), 0U);
    EXPECT_EQ(server.engine().flow_count(), 0U);
}

TEST_F(SeedScenario, FirstDeallocLostStillWithinOneRoundTrip) {
    int deallocs = 0;
    net.set_filter([&](auto&, auto&, std::span<const std::byte> m) {
        const bool is_dealloc = m.size() > 1 && m[1] == std::byte{3};
        return !(is_dealloc && deallocs++ == 0);
    });
    const auto r = run_client();
    EXPECT_EQ(r.error, -EFLOWPEER);
    EXPECT_LE(r.at - timeline.server_dealloc, 20ms);
    EXPECT_GE(deallocs, 2);
    EXPECT_EQ(server.engine().flow_count(), 0U);
}

TEST_F(SeedScenario, AllDeallocCopiesLostRecoveredByRetransmission) {
    int deallocs = 0;
    net.set_filter([&](auto&, auto&, std::span<const std::byte> m) {
        const bool is_dealloc = m.size() > 1 && m[1] == std::byte{3};
        return !(is_dealloc && deallocs++ < 2);  // both copies of the first transmission
    });
    const auto r = run_client();
    EXPECT_EQ(r.error, -EFLOWPEER);
    // One retransmission timeout (at most the initial 200 ms) plus the one-way delay.
    EXPECT_LE(r.at - timeline.server_dealloc, flow::FsmConfig{}.rto_initial + 10ms);
    EXPECT_EQ(server.engine().flow_count(), 0U);
}

TEST_F(SeedScenario, SilentServerDetectedByTimeout) {
    server.on_sdu = [this](Eid eid, const std::string& msg) {
        server.write(clock.now(), eid, msg);
        timeline.server_dealloc = clock.now();
        net.set_filter([](auto&, auto&, auto) { return false; });  // the server host dies
    };
    qosspec_t qos = qos_raw;
    qos.timeout = 1000;
    const Eid eid = client.alloc(clock.now(), "oecho", server.address(), qos);
    net.run_for(100ms);
    client.write(clock.now(), eid, "Client says hi!");
    net.run_for(100ms);
    client.read(clock.now(), eid);
    client.read(clock.now(), eid);
    net.run_for(3s);
    ASSERT_EQ(client.flow(eid).reads.size(), 2U);
    const auto& r = client.flow(eid).reads[1];
    EXPECT_EQ(r.error, -EFLOWPEER);
    const Duration after = r.at - timeline.server_dealloc;
    EXPECT_GE(after, 1000ms - 2 * net.faults().delay);  // last packet left the server then
    EXPECT_LE(after, 1250ms);
    EXPECT_EQ(client.engine().find(eid)->fsm.state(), FlowState::peer_timed_out);
}

}  // namespace
}  // namespace ogw::ipcp
