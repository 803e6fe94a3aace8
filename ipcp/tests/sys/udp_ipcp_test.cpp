// SPDX-License-Identifier: BSD-3-Clause
// The UDP shim IPCP on real sockets, loopback only (127.0.0.1 and ::1, kernel-chosen ports).
// Every wait is a run_once() loop capped at two seconds of wall-clock time.
#include <ipcp/udp_address.hpp>
#include <ipcp/udp_ipcp.hpp>

#include <flowlib/sys/event_loop.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;

class AcceptAll final : public EngineUser {
public:
    int on_flow_request(Eid eid, const NameHash&, const qosspec_t&, const PeerAddress&) override {
        accepted.push_back(eid);
        return 0;
    }
    void on_flow_state(Eid eid, std::uint64_t, FlowState, FlowState to, int) override {
        states[eid].push_back(to);
    }
    void on_data(Eid eid, std::uint64_t, std::span<std::byte> sdu) override {
        data.emplace_back(eid, std::string(reinterpret_cast<const char*>(sdu.data()), sdu.size()));
    }

    std::vector<Eid> accepted;
    std::map<Eid, std::vector<FlowState>> states;
    std::vector<std::pair<Eid, std::string>> data;
};

SocketAddress address_of(std::string_view text) {
    auto r = SocketAddress::parse(text);
    EXPECT_TRUE(r) << text;
    return r ? *r : SocketAddress{};
}

UdpIpcpConfig config_for(std::string name, const SocketAddress& bind,
                         std::vector<std::pair<std::string, SocketAddress>> directory = {}) {
    UdpIpcpConfig cfg;
    cfg.name = std::move(name);
    cfg.layer = "test";
    cfg.bind = bind;
    cfg.directory = std::move(directory);
    return cfg;
}

// Runs the loop until done() holds or `cap` of wall-clock time has passed.
bool run_until(EventLoop& loop, const std::function<bool()>& done,
               std::chrono::milliseconds cap = 2000ms) {
    const auto end = std::chrono::steady_clock::now() + cap;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= end || !loop.run_once(10ms)) {
            return false;
        }
    }
    return true;
}

FlowState state_of(const UdpIpcp& ipcp, Eid eid) {
    const FlowRecord* rec = ipcp.engine().find(eid);
    return rec == nullptr ? FlowState::closed : rec->fsm.state();
}

// The SDU goes into the batch slot behind the header room; the engine writes the header.
bool send_in_slot(UdpIpcp& ipcp, Instant now, Eid eid, std::string_view sdu) {
    const auto slot = ipcp.tx_slot();
    const std::size_t header = ipcp.engine().data_header_size();
    if (slot.size() < header + sdu.size()) {
        return false;
    }
    std::memcpy(slot.data() + header, sdu.data(), sdu.size());
    const auto frame = slot.first(header + sdu.size());
    const DataDestination d = ipcp.engine().prepare_data(now, eid, frame);
    if (d.error != 0 || d.to == nullptr) {
        return false;
    }
    ipcp.queue_tx(*d.to, frame.size());
    return true;
}

int write_sdu(UdpIpcp& ipcp, Instant now, Eid eid, std::string_view sdu) {
    std::vector<std::byte> frame(ipcp.engine().data_header_size() + sdu.size());
    std::memcpy(frame.data() + ipcp.engine().data_header_size(), sdu.data(), sdu.size());
    return ipcp.engine().write(now, eid, frame);
}

// A DATA message as protocol v1 lays it out.
std::vector<std::byte> data_message(Eid dst, std::string_view sdu) {
    const std::size_t n = 8 + sdu.size();
    std::vector<std::byte> m(n);
    m[0] = std::byte{1};
    m[1] = std::byte{0};
    m[2] = static_cast<std::byte>(n >> 8);
    m[3] = static_cast<std::byte>(n & 0xFF);
    for (std::size_t i = 0; i < 4; ++i) {
        m[4 + i] = static_cast<std::byte>(dst >> (24 - 8 * i));
    }
    std::memcpy(m.data() + 8, sdu.data(), sdu.size());
    return m;
}

// A plain socket of the same family: a third party on loopback.
class Stranger {
public:
    explicit Stranger(const SocketAddress& like)
        : fd_(::socket(like.ip().is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
    bool send_to(const SocketAddress& to, std::span<const std::byte> bytes) {
        const SockAddr sa = to.to_sockaddr();
        const auto n = ::sendto(fd_.get(), bytes.data(), bytes.size(), 0, sa.get(), sa.length);
        return n == static_cast<ssize_t>(bytes.size());
    }

private:
    UniqueFd fd_;
};

std::uint32_t loopback_mtu() {
    std::ifstream in("/sys/class/net/lo/mtu");
    std::uint32_t mtu = 0;
    in >> mtu;
    return mtu;
}

// ------------------------------------------------------------------------- two IPCPs

// Two IPCPs a and b on one loop; the fixtures below bind them.
class TwoUdpIpcps : public ::testing::TestWithParam<const char*> {
protected:
    Instant now() const { return loop->now(); }

    // Allocates a flow from `from` to `name` of from's directory, which `to` accepts; returns
    // both ends' eids.
    std::pair<Eid, Eid> allocate(UdpIpcp& from, UdpIpcp& to, const AcceptAll& to_user,
                                 std::string_view name, qosspec_t qos = qos_raw) {
        const auto peer = from.lookup(name);
        EXPECT_TRUE(peer);
        if (!peer) {
            return {no_eid, no_eid};
        }
        auto r = from.engine().alloc(now(), NameHash::of(std::string(name)), qos, *peer, 1s, 0);
        EXPECT_TRUE(r);
        if (!r) {
            return {no_eid, no_eid};
        }
        const Eid e = *r;
        EXPECT_TRUE(run_until(*loop, [&] { return state_of(from, e) == FlowState::allocated; }));
        EXPECT_EQ(to_user.accepted.size(), 1U);
        const Eid other = to_user.accepted.empty() ? no_eid : to_user.accepted.back();
        EXPECT_EQ(state_of(to, other), FlowState::allocated);
        return {e, other};
    }
    // A flow from a to b.
    std::pair<Eid, Eid> allocate(qosspec_t qos = qos_raw) {
        return allocate(*a, *b, user_b, "b", qos);
    }

    // "ping" from a through the batch slot, "pong" back from b through engine().write(), on
    // the flow (ea, eb): each is the first SDU its receiver gets.
    void ping_pong(Eid ea, Eid eb) {
        ASSERT_TRUE(send_in_slot(*a, now(), ea, "ping"));
        a->flush();
        ASSERT_TRUE(run_until(*loop, [&] { return user_b.data.size() == 1; }));
        EXPECT_EQ(user_b.data[0], std::make_pair(eb, std::string("ping")));

        EXPECT_EQ(write_sdu(*b, now(), eb, "pong"), 0);
        ASSERT_TRUE(run_until(*loop, [&] { return user_a.data.size() == 1; }));
        EXPECT_EQ(user_a.data[0], std::make_pair(ea, std::string("pong")));
    }

    std::unique_ptr<EventLoop> loop;  // declared first: the IPCPs go before the loop
    AcceptAll user_a;
    AcceptAll user_b;
    std::unique_ptr<UdpIpcp> a;
    std::unique_ptr<UdpIpcp> b;
};

// Both on loopback of the parameter's family.
class UdpIpcpTest : public TwoUdpIpcps {
protected:
    void SetUp() override {
        auto created = EventLoop::create();
        ASSERT_TRUE(created);
        loop = std::move(*created);
        auto rb = UdpIpcp::create(config_for("b", any_port()), user_b);
        if (!rb && is_v6() &&
            (rb.error().code.value() == EADDRNOTAVAIL || rb.error().code.value() == EAFNOSUPPORT)) {
            GTEST_SKIP() << "no IPv6 loopback: " << rb.error().message();
        }
        ASSERT_TRUE(rb) << rb.error().message();
        b = std::move(*rb);
        auto ra = UdpIpcp::create(config_for("a", any_port(), {{"b", b->local_address()}}), user_a);
        ASSERT_TRUE(ra) << ra.error().message();
        a = std::move(*ra);
        ASSERT_TRUE(a->start(*loop));
        ASSERT_TRUE(b->start(*loop));
    }

    bool is_v6() const { return std::string_view(GetParam()).find(':') != std::string::npos; }
    SocketAddress any_port() const {
        return SocketAddress(IpAddress::parse(GetParam()).value(), 0);
    }
};

TEST_P(UdpIpcpTest, AllocatesAFlowAndCarriesDataBothWays) {
    const auto [ea, eb] = allocate();
    // One FLOW_REQ out, one FLOW_REPLY (16 bytes) back.
    const UnderlayCounters ua0 = a->underlay_counters();
    EXPECT_EQ(ua0.tx_datagrams, 1U);
    EXPECT_EQ(ua0.rx_datagrams, 1U);
    EXPECT_EQ(ua0.rx_bytes, 16U);
    EXPECT_EQ(b->underlay_counters().rx_bytes, ua0.tx_bytes);

    ASSERT_NO_FATAL_FAILURE(ping_pong(ea, eb));

    // Each DATA is the 8-byte header and 4 bytes of SDU.
    const auto& ua = a->underlay_counters();
    EXPECT_EQ(ua.tx_datagrams, 2U);
    EXPECT_EQ(ua.tx_bytes, ua0.tx_bytes + 12);
    EXPECT_EQ(ua.rx_datagrams, 2U);
    EXPECT_EQ(ua.rx_bytes, 16U + 12);
    const auto& ub = b->underlay_counters();
    EXPECT_EQ(ub.rx_datagrams, 2U);
    EXPECT_EQ(ub.rx_bytes, ua.tx_bytes);
    EXPECT_EQ(ub.tx_datagrams, 2U);
    EXPECT_EQ(ub.tx_bytes, ua.rx_bytes);
    for (const auto* u : {&ua, &ub}) {
        EXPECT_EQ(u->tx_errors + u->tx_dropped + u->rx_truncated, 0U);
    }
    EXPECT_EQ(a->engine().find(ea)->counters.tx_packets, 1U);
    EXPECT_EQ(a->engine().find(ea)->counters.rx_bytes, 4U);
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
    EXPECT_EQ(b->engine().counters().total_drops(), 0U);
}

TEST_P(UdpIpcpTest, PeerDeallocationReachesTheOtherEndWithinOneLoopTurn) {
    const auto [ea, eb] = allocate();
    b->engine().dealloc(now(), eb);
    int turns = 0;
    while (state_of(*a, ea) != FlowState::peer_deallocated && turns < 10) {
        ASSERT_TRUE(loop->run_once(100ms));
        ++turns;
    }
    EXPECT_EQ(state_of(*a, ea), FlowState::peer_deallocated);
    EXPECT_LE(turns, 2);
    EXPECT_EQ(write_sdu(*a, now(), ea, "anyone?"), -EFLOWPEER);
    // a acknowledged, so b's end is released.
    EXPECT_TRUE(run_until(*loop, [&] { return b->engine().find(eb) == nullptr; }));
}

TEST_P(UdpIpcpTest, DataQueuedBeforeADeallocArrivesFirst) {
    const auto [ea, eb] = allocate();
    ASSERT_TRUE(send_in_slot(*a, now(), ea, "last words"));
    a->engine().dealloc(now(), ea);
    ASSERT_TRUE(run_until(*loop, [&] { return state_of(*b, eb) == FlowState::peer_deallocated; }));
    ASSERT_EQ(user_b.data.size(), 1U);
    EXPECT_EQ(user_b.data[0].second, "last words");
}

TEST_P(UdpIpcpTest, ManagementMessagesLeaveAFilledSlotAlone) {
    const auto [ea, eb] = allocate();
    const std::size_t header = a->engine().data_header_size();
    const auto slot = a->tx_slot();
    std::memcpy(slot.data() + header, "kept", 4);
    // 70 FLOW_REQs, copied into the batch and flushed once it fills, while the slot is out.
    for (int i = 0; i < 70; ++i) {
        ASSERT_TRUE(a->engine().alloc(now(), NameHash::of("b"), qos_raw, *a->lookup("b"), 1s, 0));
    }
    EXPECT_EQ(a->tx_slot().data(), slot.data());
    const auto frame = slot.first(header + 4);
    const DataDestination d = a->engine().prepare_data(now(), ea, frame);
    ASSERT_EQ(d.error, 0);
    ASSERT_NE(d.to, nullptr);
    a->queue_tx(*d.to, frame.size());
    ASSERT_TRUE(
        run_until(*loop, [&] { return !user_b.data.empty() && user_b.accepted.size() == 71; }));
    ASSERT_EQ(user_b.data.size(), 1U);
    EXPECT_EQ(user_b.data[0], std::make_pair(eb, std::string("kept")));
    EXPECT_EQ(a->underlay_counters().tx_errors, 0U);
}

TEST_P(UdpIpcpTest, DropsDataFromAThirdAddressAsWrongPeer) {
    const auto [ea, eb] = allocate();
    Stranger stranger(a->local_address());
    ASSERT_TRUE(stranger.send_to(a->local_address(), data_message(ea, "evil")));
    const auto wrong_peer = static_cast<std::size_t>(DropReason::wrong_peer);
    ASSERT_TRUE(run_until(*loop, [&] { return a->engine().counters().drops[wrong_peer] == 1; }));
    EXPECT_TRUE(user_a.data.empty());
    EXPECT_EQ(state_of(*a, ea), FlowState::allocated);
    // The same message from the flow's peer is data.
    ASSERT_TRUE(send_in_slot(*b, now(), eb, "good"));
    ASSERT_TRUE(run_until(*loop, [&] { return user_a.data.size() == 1; }));
    EXPECT_EQ(user_a.data[0].second, "good");
}

TEST_P(UdpIpcpTest, CountsADatagramLargerThanTheReceiveBufferAsTruncated) {
    a->set_mtu(1500);
    const std::size_t max_message = is_v6() ? 1500 - 48 : 1500 - 28;
    EXPECT_EQ(a->max_message_size(), max_message);
    EXPECT_EQ(a->engine().max_sdu(), max_message - 8);
    EXPECT_EQ(a->tx_slot().size(), max_message);

    Stranger stranger(a->local_address());
    ASSERT_TRUE(stranger.send_to(a->local_address(), std::vector<std::byte>(3000)));
    ASSERT_TRUE(run_until(*loop, [&] { return a->underlay_counters().rx_truncated == 1; }));
    const auto too_big = static_cast<std::size_t>(DropReason::too_big);
    EXPECT_EQ(a->engine().counters().drops[too_big], 1U);
    EXPECT_EQ(a->underlay_counters().rx_bytes, 3000U);
    // 2000 bytes fit the 2048-byte buffer: not truncated (the decoder drops the zeros).
    ASSERT_TRUE(stranger.send_to(a->local_address(), std::vector<std::byte>(2000)));
    ASSERT_TRUE(run_until(*loop, [&] { return a->underlay_counters().rx_datagrams == 2; }));
    EXPECT_EQ(a->underlay_counters().rx_truncated, 1U);
    EXPECT_EQ(a->engine().counters().drops[too_big], 1U);
}

TEST_P(UdpIpcpTest, LargestMessageFollowsTheLoopbackMtu) {
    const std::uint32_t mtu = loopback_mtu();
    ASSERT_GT(mtu, 0U);
    const std::size_t expected = is_v6() ? std::min<std::size_t>(mtu - 40, 65535) - 8
                                         : std::min<std::size_t>(mtu, 65535) - 28;
    EXPECT_EQ(a->mtu(), mtu);
    EXPECT_EQ(a->max_message_size(), expected);
    EXPECT_EQ(a->engine().max_sdu(), expected - 8);
    ASSERT_EQ(a->tx_slot().size(), expected);

    // The largest SDU crosses loopback in one datagram.
    const auto [ea, eb] = allocate();
    const std::string big(a->engine().max_sdu(), 'x');
    ASSERT_TRUE(send_in_slot(*a, now(), ea, big));
    ASSERT_TRUE(run_until(*loop, [&] { return user_b.data.size() == 1; }));
    EXPECT_EQ(user_b.data[0].second.size(), big.size());
    EXPECT_EQ(a->underlay_counters().tx_errors, 0U);
}

TEST_P(UdpIpcpTest, DeliversABatchOf200QueuedFrames) {
    const auto [ea, eb] = allocate();
    const auto sent_before = a->underlay_counters().tx_datagrams;
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(send_in_slot(*a, now(), ea, "frame " + std::to_string(i)));
    }
    a->flush();
    run_until(*loop, [&] { return user_b.data.size() == 200; });
    EXPECT_EQ(a->underlay_counters().tx_datagrams - sent_before, 200U);
    EXPECT_EQ(a->underlay_counters().tx_dropped, 0U);
    ASSERT_EQ(user_b.data.size(), 200U);  // loopback with 4 MiB buffers loses nothing
    for (std::size_t i = 0; i < 200; ++i) {
        EXPECT_EQ(user_b.data[i], std::make_pair(eb, "frame " + std::to_string(i)));
    }
}

// With UDP GSO and GRO (on unless OGW_UDP_OFFLOAD=0), runs of equal frames leave as one
// message and arrive as one; a shorter frame ends a run, a longer one starts the next.
TEST_P(UdpIpcpTest, KeepsOrderAcrossRunsOfEqualAndUnequalFrames) {
    const auto [ea, eb] = allocate();
    std::vector<std::string> sent;
    for (int i = 0; i < 150; ++i) {
        const auto size = static_cast<std::size_t>(i < 50    ? 1000
                                                   : i == 50 ? 10
                                                   : i < 100 ? 1200
                                                             : 1 + i % 7);
        std::string frame(size, static_cast<char>('a' + i % 26));
        frame.replace(0, std::min<std::size_t>(size, 3), std::to_string(i).substr(0, size));
        sent.push_back(frame);
        ASSERT_TRUE(send_in_slot(*a, now(), ea, frame));
    }
    a->flush();
    run_until(*loop, [&] { return user_b.data.size() == sent.size(); });
    ASSERT_EQ(user_b.data.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(user_b.data[i], std::make_pair(eb, sent[i])) << i;
    }
    EXPECT_EQ(b->underlay_counters().rx_datagrams, a->underlay_counters().tx_datagrams);
}

TEST_P(UdpIpcpTest, KeepalivesAndPeerTimeoutRunOnTheLoopTimer) {
    qosspec_t qos = qos_raw;
    qos.timeout = 200;
    const auto [ea, eb] = allocate(qos);
    ASSERT_TRUE(run_until(*loop, [&] {
        const FlowRecord* rb = b->engine().find(eb);
        return rb != nullptr && rb->counters.keepalives_received >= 1;
    }));
    b->stop();  // b falls silent
    ASSERT_TRUE(run_until(*loop, [&] { return state_of(*a, ea) == FlowState::peer_timed_out; }));
}

TEST_P(UdpIpcpTest, LinkStateTakesFlowsDownAndUp) {
    const auto [ea, eb] = allocate();
    EXPECT_TRUE(a->link_up());
    a->set_link_up(false, now());
    EXPECT_FALSE(a->link_up());
    EXPECT_EQ(state_of(*a, ea), FlowState::down);
    a->set_link_up(true, now());
    EXPECT_TRUE(a->link_up());
    EXPECT_EQ(state_of(*a, ea), FlowState::allocated);
    EXPECT_EQ(state_of(*b, eb), FlowState::allocated);
}

TEST_P(UdpIpcpTest, DescribesItselfAndLooksUpTheDirectory) {
    EXPECT_EQ(a->type(), "udp");
    EXPECT_EQ(a->name(), "a");
    EXPECT_EQ(a->layer(), "test");
    EXPECT_NE(a->local_address().port(), 0);
    EXPECT_EQ(a->address(), a->local_address().to_string());
    EXPECT_EQ(a->lookup("b"), udp_peer_address(b->local_address()));
    EXPECT_FALSE(a->lookup("c"));
    const auto dir = a->directory();
    ASSERT_EQ(dir.size(), 1U);
    EXPECT_EQ(dir[0].name, "b");
    EXPECT_EQ(dir[0].address, b->local_address().to_string());
    EXPECT_EQ(a->format(*a->lookup("b")), b->local_address().to_string());
    EXPECT_TRUE(b->directory().empty());
}

TEST_P(UdpIpcpTest, StartsOnceAndLeavesTheLoopWhenDestroyed) {
    EXPECT_FALSE(a->start(*loop));
    const auto [ea, eb] = allocate();
    ASSERT_TRUE(loop->run_once(0ms));
    const std::size_t timers = loop->timer_count();
    b.reset();  // the loop runs on without it
    EXPECT_EQ(loop->timer_count(), timers - 1);
    EXPECT_EQ(write_sdu(*a, now(), ea, "anyone?"), 0);
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(loop->run_once(1ms));
    }
    EXPECT_EQ(a->underlay_counters().tx_datagrams, 2U);
}

INSTANTIATE_TEST_SUITE_P(Loopback, UdpIpcpTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                             return std::string(param.param) == "::1" ? "Ipv6" : "Ipv4";
                         });

// ------------------------------------------------------------------------- dual stack

// b is bound to [::] (dual stack); a to loopback of the parameter's family, and each lists the
// other. For IPv4 the kernel shows b a's datagrams as from ::ffff:127.0.0.1, and b sends to a
// v4-mapped destination: b must still know a as 127.0.0.1.
class UdpDualStackTest : public TwoUdpIpcps {
protected:
    void SetUp() override {
        auto created = EventLoop::create();
        ASSERT_TRUE(created);
        loop = std::move(*created);
        const IpAddress loopback = IpAddress::parse(GetParam()).value();
        auto ra = UdpIpcp::create(config_for("a", SocketAddress(loopback, 0)), user_a);
        if (!ra && loopback.is_v6()) {
            GTEST_SKIP() << "no IPv6 loopback: " << ra.error().message();
        }
        ASSERT_TRUE(ra) << ra.error().message();
        auto rb = UdpIpcp::create(
            config_for("b", address_of("[::]:0"), {{"a", (*ra)->local_address()}}), user_b);
        if (!rb && rb.error().code.value() == EAFNOSUPPORT) {
            GTEST_SKIP() << "no IPv6: " << rb.error().message();
        }
        ASSERT_TRUE(rb) << rb.error().message();
        b = std::move(*rb);
        ASSERT_TRUE(b->dual_stack());
        // a reaches b on a's own loopback address; a is rebuilt with that directory.
        const SocketAddress b_address(loopback, b->local_address().port());
        const SocketAddress a_bind = (*ra)->local_address();
        ra->reset();
        ra = UdpIpcp::create(config_for("a", a_bind, {{"b", b_address}}), user_a);
        ASSERT_TRUE(ra) << ra.error().message();
        a = std::move(*ra);
        ASSERT_TRUE(a->start(*loop));
        ASSERT_TRUE(b->start(*loop));
    }

    void expect_no_errors() {
        for (const auto* ipcp : {a.get(), b.get()}) {
            const auto& u = ipcp->underlay_counters();
            EXPECT_EQ(u.tx_errors + u.tx_dropped + u.rx_truncated, 0U) << ipcp->name();
            EXPECT_EQ(ipcp->engine().counters().total_drops(), 0U) << ipcp->name();
        }
    }
};

TEST_P(UdpDualStackTest, AcceptsAFlowAndKnowsThePeerInItsOwnFamily) {
    const auto [ea, eb] = allocate();
    const FlowRecord* rb = b->engine().find(eb);
    ASSERT_NE(rb, nullptr);
    EXPECT_EQ(rb->peer, udp_peer_address(a->local_address()));
    EXPECT_EQ(b->format(rb->peer), a->local_address().to_string());  // 127.0.0.1:PORT, not mapped
    EXPECT_EQ(*b->lookup("a"), rb->peer);

    ASSERT_NO_FATAL_FAILURE(ping_pong(ea, eb));
    expect_no_errors();
}

TEST_P(UdpDualStackTest, AllocatesAFlowToAPeerOfTheDirectory) {
    const auto [eb, ea] = allocate(*b, *a, user_a, "a");
    ASSERT_TRUE(send_in_slot(*b, now(), eb, "from the dual stack"));
    b->flush();
    ASSERT_TRUE(run_until(*loop, [&] { return user_a.data.size() == 1; }));
    EXPECT_EQ(user_a.data[0], std::make_pair(ea, std::string("from the dual stack")));
    expect_no_errors();
}

// UDP GSO runs from the dual-stack end (v4-mapped destinations for IPv4), GRO into it.
TEST_P(UdpDualStackTest, KeepsOrderOfRunsBothWays) {
    const auto [ea, eb] = allocate();
    std::vector<std::string> sent;
    for (int i = 0; i < 150; ++i) {
        const auto size = static_cast<std::size_t>(i < 70 ? 1000 : i < 140 ? 1200 : 1 + i % 7);
        std::string frame(size, static_cast<char>('a' + i % 26));
        frame.replace(0, std::min<std::size_t>(size, 3), std::to_string(i).substr(0, size));
        sent.push_back(frame);
        ASSERT_TRUE(send_in_slot(*b, now(), eb, frame));
        ASSERT_TRUE(send_in_slot(*a, now(), ea, frame));
    }
    b->flush();
    a->flush();
    run_until(*loop, [&] {
        return user_a.data.size() == sent.size() && user_b.data.size() == sent.size();
    });
    ASSERT_EQ(user_a.data.size(), sent.size());
    ASSERT_EQ(user_b.data.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(user_a.data[i], std::make_pair(ea, sent[i])) << i;
        EXPECT_EQ(user_b.data[i], std::make_pair(eb, sent[i])) << i;
    }
    expect_no_errors();
}

INSTANTIATE_TEST_SUITE_P(Loopback, UdpDualStackTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                             return std::string(param.param) == "::1" ? "Ipv6Peer" : "Ipv4Peer";
                         });

// ------------------------------------------------------------------------- creation

TEST(UdpIpcpCreate, BindErrorsNameTheAddress) {
    AcceptAll user;
    auto first = UdpIpcp::create(config_for("a", address_of("127.0.0.1:0")), user);
    ASSERT_TRUE(first);
    const SocketAddress taken = (*first)->local_address();
    auto again = UdpIpcp::create(config_for("b", taken), user);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message(), "bind " + taken.to_string() + ": Address already in use");

    auto foreign = UdpIpcp::create(config_for("c", address_of("192.0.2.1:3435")), user);
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error().message(), "bind 192.0.2.1:3435: Cannot assign requested address");

    auto zone = UdpIpcp::create(config_for("d", address_of("[fe80::1%nosuchif0]:3435")), user);
    ASSERT_FALSE(zone);
    EXPECT_EQ(zone.error().message(), "bind [fe80::1%nosuchif0]:3435: No such device");
}

TEST(UdpIpcpCreate, UnspecifiedAddressAssumesMtu1500) {
    AcceptAll user;
    auto v4 = UdpIpcp::create(config_for("a", address_of("0.0.0.0:0")), user);
    ASSERT_TRUE(v4);
    EXPECT_EQ((*v4)->mtu(), 1500U);
    EXPECT_EQ((*v4)->engine().max_sdu(), 1500U - 20 - 8 - 8);
    auto v6 = UdpIpcp::create(config_for("b", address_of("[::]:0")), user);
    ASSERT_TRUE(v6) << v6.error().message();
    EXPECT_EQ((*v6)->engine().max_sdu(), 1500U - 40 - 8 - 8);
}

TEST(UdpIpcpCreate, OnlyTheIpv6WildcardTakesIpv4Peers) {
    AcceptAll user;
    const SocketAddress v4_peer = address_of("127.0.0.2:3435");
    auto dual = UdpIpcp::create(config_for("a", address_of("[::]:0"), {{"x", v4_peer}}), user);
    if (!dual && dual.error().code.value() == EAFNOSUPPORT) {
        GTEST_SKIP() << "no IPv6: " << dual.error().message();
    }
    ASSERT_TRUE(dual) << dual.error().message();
    EXPECT_TRUE((*dual)->dual_stack());
    EXPECT_EQ((*dual)->lookup("x"), udp_peer_address(v4_peer));
    EXPECT_EQ((*dual)->format(*(*dual)->lookup("x")), "127.0.0.2:3435");

    auto v6_only = UdpIpcp::create(config_for("b", address_of("[::1]:0"), {{"x", v4_peer}}), user);
    ASSERT_FALSE(v6_only);
    EXPECT_EQ(v6_only.error().code.value(), EAFNOSUPPORT);
    EXPECT_NE(v6_only.error().where.find("only a bind to [::] reaches both families"),
              std::string::npos)
        << v6_only.error().where;
    auto mapped = UdpIpcp::create(
        config_for("c", address_of("[::1]:0"), {{"x", address_of("[::ffff:127.0.0.2]:3435")}}),
        user);
    ASSERT_FALSE(mapped);
    EXPECT_EQ(mapped.error().code.value(), EAFNOSUPPORT);

    auto v6 = UdpIpcp::create(config_for("d", address_of("[::1]:0")), user);
    ASSERT_TRUE(v6) << v6.error().message();
    EXPECT_FALSE((*v6)->dual_stack());
    auto v4 = UdpIpcp::create(
        config_for("e", address_of("0.0.0.0:0"), {{"x", address_of("[::ffff:127.0.0.2]:3435")}}),
        user);
    ASSERT_TRUE(v4) << v4.error().message();
    EXPECT_FALSE((*v4)->dual_stack());
    EXPECT_EQ((*v4)->lookup("x"), udp_peer_address(v4_peer));  // the IPv4 peer, however written
}

// Sending counts the IPv6 header for every peer; receiving takes what an IPv4 peer on a link of
// the same MTU sends.
TEST(UdpIpcpCreate, DualStackSendsIpv6SizesAndTakesIpv4Sizes) {
    auto created = EventLoop::create();  // first: the IPCP goes before the loop
    ASSERT_TRUE(created);
    auto loop = std::move(*created);
    AcceptAll user;
    auto dual = UdpIpcp::create(config_for("a", address_of("[::]:0")), user);
    if (!dual && dual.error().code.value() == EAFNOSUPPORT) {
        GTEST_SKIP() << "no IPv6: " << dual.error().message();
    }
    ASSERT_TRUE(dual) << dual.error().message();
    auto& ipcp = **dual;
    ASSERT_TRUE(ipcp.start(*loop));
    ipcp.set_mtu(9000);
    EXPECT_EQ(ipcp.max_message_size(), 9000U - 40 - 8);

    const SocketAddress to(IpAddress::parse("127.0.0.1").value(), ipcp.local_address().port());
    Stranger v4(to);
    ASSERT_TRUE(v4.send_to(to, std::vector<std::byte>(9000 - 20 - 8)));
    ASSERT_TRUE(run_until(*loop, [&] { return ipcp.underlay_counters().rx_datagrams == 1; }));
    EXPECT_EQ(ipcp.underlay_counters().rx_truncated, 0U);
    // The buffer holds one byte more, to tell a datagram that did not fit.
    ASSERT_TRUE(v4.send_to(to, std::vector<std::byte>(9000 - 20 - 8 + 2)));
    ASSERT_TRUE(run_until(*loop, [&] { return ipcp.underlay_counters().rx_datagrams == 2; }));
    EXPECT_EQ(ipcp.underlay_counters().rx_truncated, 1U);
}

TEST(UdpIpcpCreate, RejectsDirectoryEntriesItCannotReach) {
    AcceptAll user;
    auto other_family = UdpIpcp::create(
        config_for("a", address_of("127.0.0.1:0"), {{"x", address_of("[::1]:3435")}}), user);
    ASSERT_FALSE(other_family);
    EXPECT_EQ(other_family.error().code.value(), EAFNOSUPPORT);
    EXPECT_EQ(other_family.error().where.rfind("peer x [::1]:3435", 0), 0U);

    auto no_port = UdpIpcp::create(
        config_for("a", address_of("127.0.0.1:0"), {{"x", address_of("127.0.0.2:0")}}), user);
    ASSERT_FALSE(no_port);
    EXPECT_EQ(no_port.error().where, "peer x 127.0.0.2:0");
}

// ------------------------------------------------------------------------- addresses

std::vector<std::uint8_t> bytes_of(const PeerAddress& a) {
    std::vector<std::uint8_t> out;
    for (std::byte b : a.bytes()) {
        out.push_back(static_cast<std::uint8_t>(b));
    }
    return out;
}

// PeerAddress -> sockaddr -> PeerAddress, and PeerAddress -> SocketAddress.
void expect_round_trip(const SocketAddress& s) {
    const PeerAddress p = udp_peer_address(s);
    UdpSockaddr sa{};
    const socklen_t length = udp_sockaddr(p, sa);
    ASSERT_NE(length, 0U);
    EXPECT_EQ(udp_peer_address(&sa.any, length), p);
    EXPECT_EQ(udp_socket_address(p), s);
}

TEST(UdpAddress, Ipv4IsFamilyPortAndAddress) {
    const SocketAddress s = address_of("10.0.0.2:3435");
    EXPECT_EQ(bytes_of(udp_peer_address(s)),
              (std::vector<std::uint8_t>{4, 0x0d, 0x6b, 10, 0, 0, 2}));
    expect_round_trip(s);
    EXPECT_EQ(format_udp_peer(udp_peer_address(s)), "10.0.0.2:3435");
}

TEST(UdpAddress, Ipv6AddsTheScopeId) {
    const SocketAddress s = address_of("[fd00::2]:3435");
    EXPECT_EQ(bytes_of(udp_peer_address(s)),
              (std::vector<std::uint8_t>{6, 0x0d, 0x6b, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0,
                                         0, 0,    0,    0,    0, 0, 2, 0, 0, 0, 0}));
    expect_round_trip(s);
    EXPECT_EQ(format_udp_peer(udp_peer_address(s)), "[fd00::2]:3435");

    const SocketAddress scoped = address_of("[fe80::2%258]:3435");
    const auto b = bytes_of(udp_peer_address(scoped));
    ASSERT_EQ(b.size(), 23U);
    EXPECT_EQ((std::vector<std::uint8_t>(b.end() - 4, b.end())),
              (std::vector<std::uint8_t>{0, 0, 1, 2}));
    expect_round_trip(scoped);
    EXPECT_NE(udp_peer_address(scoped), udp_peer_address(address_of("[fe80::2%259]:3435")));
}

TEST(UdpAddress, ScopedAddressPrintsTheInterfaceName) {
    const SocketAddress s = address_of("[fe80::2]:3435").with_scope_id(1);  // lo
    EXPECT_EQ(format_udp_peer(udp_peer_address(s)), "[fe80::2%lo]:3435");
}

// A dual-stack socket reports IPv4 senders v4-mapped: they are the IPv4 peers of the directory.
TEST(UdpAddress, V4MappedAddressIsTheIpv4Address) {
    const PeerAddress v4 = udp_peer_address(address_of("10.0.0.2:3435"));
    EXPECT_EQ(udp_peer_address(address_of("[::ffff:10.0.0.2]:3435")), v4);

    sockaddr_in6 sin6{};  // as recvmmsg writes it
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(3435);
    ASSERT_EQ(::inet_pton(AF_INET6, "::ffff:10.0.0.2", &sin6.sin6_addr), 1);
    UdpSockaddr sa{};
    sa.v6 = sin6;
    EXPECT_EQ(udp_peer_address(&sa.any, sizeof sin6), v4);
    EXPECT_EQ(format_udp_peer(v4), "10.0.0.2:3435");

    // Not v4-mapped: IPv6, however close.
    const PeerAddress compat = udp_peer_address(address_of("[::10.0.0.2]:3435"));
    EXPECT_EQ(bytes_of(compat).size(), 23U);
    EXPECT_EQ(bytes_of(udp_peer_address(address_of("[::fffe:10.0.0.2]:3435"))).size(), 23U);
}

TEST(UdpAddress, DualStackDestinationsAreV4Mapped) {
    const PeerAddress v4 = udp_peer_address(address_of("10.0.0.2:3435"));
    UdpSockaddr sa{};
    ASSERT_EQ(udp_sockaddr_v6(v4, sa), sizeof(sockaddr_in6));
    EXPECT_EQ(sa.v6.sin6_family, AF_INET6);
    EXPECT_EQ(ntohs(sa.v6.sin6_port), 3435);
    EXPECT_EQ(sa.v6.sin6_scope_id, 0U);
    sockaddr_in6 expected{};
    ASSERT_EQ(::inet_pton(AF_INET6, "::ffff:10.0.0.2", &expected.sin6_addr), 1);
    EXPECT_EQ(std::memcmp(&sa.v6.sin6_addr, &expected.sin6_addr, 16), 0);
    // ... and what comes back from there is the IPv4 peer again.
    EXPECT_EQ(udp_peer_address(&sa.any, sizeof(sockaddr_in6)), v4);

    // IPv6 destinations are written as udp_sockaddr() writes them.
    const PeerAddress v6 = udp_peer_address(address_of("[fe80::2%7]:3435"));
    UdpSockaddr plain{};
    UdpSockaddr dual{};
    ASSERT_EQ(udp_sockaddr(v6, plain), sizeof(sockaddr_in6));
    ASSERT_EQ(udp_sockaddr_v6(v6, dual), sizeof(sockaddr_in6));
    EXPECT_EQ(std::memcmp(&plain.v6, &dual.v6, sizeof(sockaddr_in6)), 0);

    const auto* text = reinterpret_cast<const std::byte*>("node-a");
    EXPECT_EQ(udp_sockaddr_v6(PeerAddress::from_bytes({text, 6}), dual), 0U);
}

TEST(UdpAddress, OnlyTheIpv6WildcardIsDualStack) {
    const auto reaches = [](std::string_view bind, std::string_view peer) {
        return udp_bind_reaches(address_of(bind), address_of(peer).ip());
    };
    EXPECT_TRUE(udp_dual_stack(address_of("[::]:3435")));
    EXPECT_FALSE(udp_dual_stack(address_of("[::1]:3435")));
    EXPECT_FALSE(udp_dual_stack(address_of("0.0.0.0:3435")));
    EXPECT_TRUE(reaches("[::]:3435", "10.0.0.2:3435"));
    EXPECT_TRUE(reaches("[::]:3435", "[fd00::2]:3435"));
    EXPECT_TRUE(reaches("[fd00::1]:3435", "[fd00::2]:3435"));
    EXPECT_FALSE(reaches("[fd00::1]:3435", "10.0.0.2:3435"));
    EXPECT_FALSE(reaches("[fd00::1]:3435", "[::ffff:10.0.0.2]:3435"));  // IPv4, written as IPv6
    EXPECT_TRUE(reaches("10.0.0.1:3435", "[::ffff:10.0.0.2]:3435"));
    EXPECT_FALSE(reaches("10.0.0.1:3435", "[fd00::2]:3435"));
    EXPECT_FALSE(reaches("0.0.0.0:3435", "[fd00::2]:3435"));
}

TEST(UdpAddress, RejectsBytesItDidNotMake) {
    const auto* text = reinterpret_cast<const std::byte*>("node-a");
    const PeerAddress other = PeerAddress::from_bytes({text, 6});
    UdpSockaddr sa{};
    EXPECT_EQ(udp_sockaddr(other, sa), 0U);
    EXPECT_FALSE(udp_socket_address(other));
    EXPECT_EQ(format_udp_peer(other), "(not a udp address)");
    EXPECT_FALSE(udp_peer_address(nullptr, 0));
}

}  // namespace
}  // namespace ogw::ipcp
