// SPDX-License-Identifier: BSD-3-Clause
// Allocation and deallocation converge under loss, duplication and reordering: after many
// cycles nothing is left pending or allocated on either side.
#include "harness.hpp"

#include <gtest/gtest.h>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;
using test::TestNode;

TEST(Convergence, TenThousandCyclesUnderLossDuplicationReordering) {
    FakeClock clock;
    LoopbackNetwork net(clock, 2024);
    net.set_faults(LinkFaults{5ms, 10ms, 0.10, 0.10});
    TestNode client(clock, net, "client");
    TestNode server(clock, net, "server");
    server.serve("svc");
    qosspec_t qos = qos_raw;
    qos.timeout = 2000;

    // The server application releases its end when the peer has gone.
    server.on_state = [&](Eid eid, FlowState, FlowState to) {
        if (to == FlowState::peer_deallocated || to == FlowState::peer_timed_out) {
            server.engine().dealloc(clock.now(), eid);
        }
    };
    int done = 0;
    int allocated = 0;
    client.on_state = [&](Eid eid, FlowState from, FlowState to) {
        if (to == FlowState::allocated) {
            ++allocated;
            client.engine().dealloc(clock.now(), eid);
        }
        if (to == FlowState::closed && from != FlowState::dealloc_pending) {
            ++done;  // allocation failed
        } else if (to == FlowState::dealloc_pending) {
            ++done;
        }
    };

    constexpr int cycles = 10000;
    constexpr int concurrency = 50;
    int started = 0;
    while (done < cycles) {
        while (started < cycles && started - done < concurrency) {
            client.alloc(clock.now(), "svc", server.address(), qos, 3s);
            ++started;
        }
        net.run_for(5ms);
    }
    net.run_for(60s);  // let retransmissions, keepalives and timeouts settle

    EXPECT_EQ(client.engine().flow_count(), 0U);
    EXPECT_EQ(server.engine().flow_count(), 0U);
    EXPECT_GT(allocated, cycles * 9 / 10);
    EXPECT_FALSE(client.engine().next_deadline().has_value() &&
                 client.engine().flow_count() > 0);
    EXPECT_EQ(net.in_flight(), 0U);
}

}  // namespace
}  // namespace ogw::ipcp
