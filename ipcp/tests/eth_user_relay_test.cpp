// SPDX-License-Identifier: BSD-3-Clause
// EthUserRelay: upcalls pass through unchanged; a failed allocation is reported with the name
// and address it was made to, a successful or cancelled one is not.
#include <ipcp/eth_user_relay.hpp>

#include "harness.hpp"

#include <gtest/gtest.h>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;

class CountingUser final : public EngineUser {
public:
    int on_flow_request(Eid, const NameHash&, const qosspec_t&, const PeerAddress&) override {
        ++requests;
        return -ENAME;
    }
    void on_flow_state(Eid, std::uint64_t, FlowState, FlowState to, int) override {
        states.push_back(to);
    }
    void on_data(Eid, std::uint64_t, std::span<std::byte>) override { ++data; }
    bool serves(const NameHash& name) const override { return name == NameHash::of("mine"); }

    int requests = 0;
    int data = 0;
    std::vector<FlowState> states;
};

struct Failure {
    NameHash name;
    PeerAddress to;
    int error = 0;
};

class EthUserRelayTest : public ::testing::Test {
protected:
    FakeClock clock;
    LoopbackNetwork net{clock, 3};
    CountingUser user;
    std::vector<Failure> failures;
    EthUserRelay relay{user, [this](const NameHash& n, const PeerAddress& to, int e) {
                           failures.push_back({n, to, e});
                       }};
    LoopbackIpcp a{net, "a", relay};
    test::TestNode b{clock, net, "b"};

    void SetUp() override {
        relay.attach(a.engine());
        b.serve("oecho");
    }
};

TEST_F(EthUserRelayTest, ReportsAFailedAllocationWithItsNameAndAddress) {
    const auto eid = a.engine().alloc(clock.now(), NameHash::of("nobody"), qos_raw, b.address(),
                                      1s, 0);
    ASSERT_TRUE(eid);
    EXPECT_EQ(relay.allocations_in_progress(), 1U);
    net.run_for(100ms);  // b refuses with -ENAME
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures[0].name, NameHash::of("nobody"));
    EXPECT_EQ(failures[0].to, b.address());
    EXPECT_EQ(failures[0].error, -ENAME);
    EXPECT_EQ(relay.allocations_in_progress(), 0U);
    EXPECT_EQ(user.states, (std::vector{FlowState::alloc_pending, FlowState::closed}));
}

TEST_F(EthUserRelayTest, ReportsATimedOutAllocation) {
    const PeerAddress nowhere = PeerAddress::from_bytes(std::vector<std::byte>(6));
    ASSERT_TRUE(a.engine().alloc(clock.now(), NameHash::of("oecho"), qos_raw, nowhere, 1s, 0));
    net.run_for(1100ms);
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures[0].to, nowhere);
    EXPECT_EQ(failures[0].error, -ETIMEDOUT);
}

TEST_F(EthUserRelayTest, ASuccessfulAllocationIsNotReported) {
    const auto eid = a.engine().alloc(clock.now(), NameHash::of("oecho"), qos_raw, b.address(),
                                      1s, 0);
    ASSERT_TRUE(eid);
    net.run_for(100ms);
    EXPECT_EQ(a.engine().find(*eid)->fsm.state(), FlowState::allocated);
    EXPECT_TRUE(failures.empty());
    EXPECT_EQ(relay.allocations_in_progress(), 0U);
}

TEST_F(EthUserRelayTest, AnAllocationCancelledByItsOwnerIsNotReported) {
    const auto eid = a.engine().alloc(clock.now(), NameHash::of("oecho"), qos_raw, b.address(),
                                      1s, 0);
    ASSERT_TRUE(eid);
    a.engine().dealloc(clock.now(), *eid);
    net.run_for(100ms);
    EXPECT_EQ(user.states.back(), FlowState::closed);
    EXPECT_TRUE(failures.empty());
    EXPECT_EQ(relay.allocations_in_progress(), 0U);
}

TEST_F(EthUserRelayTest, PassesRequestsDataAndServedNamesThrough) {
    const Eid eb = b.alloc(clock.now(), "x", a.address());
    ASSERT_NE(eb, no_eid);
    net.run_for(100ms);
    EXPECT_EQ(user.requests, 1);
    EXPECT_TRUE(relay.serves(NameHash::of("mine")));
    EXPECT_FALSE(relay.serves(NameHash::of("other")));
}

}  // namespace
}  // namespace ogw::ipcp
