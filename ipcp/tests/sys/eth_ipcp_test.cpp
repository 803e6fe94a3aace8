// SPDX-License-Identifier: BSD-3-Clause
// The Ethernet shim IPCP on a real veth pair inside a network namespace of its own: each test
// moves the test thread into a new namespace (unshare(CLONE_NEWNET)), creates the veth pair
// there with ip(8), runs two EthIpcps (a on va, b on vb) on one loop and moves back at the end;
// the namespace and its interfaces disappear with the last socket. Needs root (skipped
// otherwise). Every wait is a run_once() loop capped in wall-clock time.
#include <ipcp/eth_address.hpp>
#include <ipcp/eth_frame.hpp>
#include <ipcp/eth_ipcp.hpp>

#include <flowlib/sys/event_loop.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;

class TestUser final : public EngineUser {
public:
    int on_flow_request(Eid eid, const NameHash& name, const qosspec_t&,
                        const PeerAddress&) override {
        if (!serves(name)) {
            return -ENAME;
        }
        accepted.push_back(eid);
        return 0;
    }
    void on_flow_state(Eid eid, std::uint64_t, FlowState, FlowState to, int result) override {
        states[eid].push_back(to);
        results[eid] = result;
    }
    void on_data(Eid eid, std::uint64_t, std::span<std::byte> sdu) override {
        data.emplace_back(eid, std::string(reinterpret_cast<const char*>(sdu.data()), sdu.size()));
    }
    bool serves(const NameHash& name) const override { return served.contains(name.hex()); }

    std::set<std::string> served;
    std::vector<Eid> accepted;
    std::map<Eid, std::vector<FlowState>> states;
    std::map<Eid, int> results;
    std::vector<std::pair<Eid, std::string>> data;
};

bool run_until(EventLoop& loop, const std::function<bool()>& done,
               std::chrono::milliseconds cap = 3000ms) {
    const auto end = std::chrono::steady_clock::now() + cap;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= end || !loop.run_once(5ms)) {
            return false;
        }
    }
    return true;
}

void run_for(EventLoop& loop, std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
        (void)loop.run_once(5ms);
    }
}

int sh(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str());
}

FlowState state_of(const EthIpcp& ipcp, Eid eid) {
    const FlowRecord* rec = ipcp.engine().find(eid);
    return rec == nullptr ? FlowState::closed : rec->fsm.state();
}

int write_sdu(EthIpcp& ipcp, Instant now, Eid eid, std::string_view sdu) {
    const auto slot = ipcp.tx_slot();
    const std::size_t header = ipcp.engine().data_header_size();
    std::memcpy(slot.data() + header, sdu.data(), sdu.size());
    const auto frame = slot.first(header + sdu.size());
    const DataDestination d = ipcp.engine().prepare_data(now, eid, frame);
    if (d.error != 0) {
        return d.error;
    }
    ipcp.queue_tx(*d.to, frame.size());
    return 0;
}

// A third station on an interface: sends whatever frames it is given, receives nothing.
class RawStation {
public:
    explicit RawStation(const char* dev)
        : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)), ifindex_(::if_nametoindex(dev)) {
        sockaddr_ll a{};
        a.sll_family = AF_PACKET;
        a.sll_ifindex = static_cast<int>(ifindex_);
        ok_ = fd_ && ifindex_ != 0 &&
              ::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
    }
    bool ok() const { return ok_; }
    bool send(std::span<const std::byte> frame) {
        return ::send(fd_.get(), frame.data(), frame.size(), 0) ==
               static_cast<ssize_t>(frame.size());
    }

private:
    UniqueFd fd_;
    unsigned ifindex_;
    bool ok_ = false;
};

std::vector<std::byte> eth_frame(const MacAddress& dst, const MacAddress& src,
                                 std::uint16_t ethertype, std::span<const std::byte> payload) {
    std::vector<std::byte> f(eth_header_size + payload.size());
    write_eth_header(f, EthHeader{dst, src, ethertype});
    std::memcpy(f.data() + eth_header_size, payload.data(), payload.size());
    return f;
}

std::vector<std::byte> data_message(Eid dst, std::string_view sdu) {
    const CodecV1 codec;
    std::vector<std::byte> m(codec.data_header_size() + sdu.size());
    codec.write_data_header(std::span(m).first(codec.data_header_size()), dst, sdu.size());
    std::memcpy(m.data() + codec.data_header_size(), sdu.data(), sdu.size());
    return m;
}

// ------------------------------------------------------------------------- the rig

class EthIpcpTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "needs root (a network namespace and a veth pair)";
        }
        original_ns_ = UniqueFd(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
        ASSERT_TRUE(original_ns_);
        if (::unshare(CLONE_NEWNET) != 0) {
            GTEST_SKIP() << "unshare(CLONE_NEWNET): " << std::strerror(errno);
        }
        moved_ = true;
        ASSERT_EQ(sh("ip link set lo up && ip link add va type veth peer name vb && "
                     "ip link set va up && ip link set vb up"),
                  0);
        auto created = EventLoop::create();
        ASSERT_TRUE(created);
        loop = std::move(*created);
    }

    void TearDown() override {
        a.reset();
        b.reset();
        loop.reset();
        if (moved_) {
            EXPECT_EQ(::setns(original_ns_.get(), CLONE_NEWNET), 0) << std::strerror(errno);
        }
    }

    std::unique_ptr<EthIpcp> make(const char* name, const char* dev, TestUser& user,
                                  std::uint16_t ethertype = wire::default_ethertype) {
        EthIpcpConfig cfg;
        cfg.name = name;
        cfg.layer = "test";
        cfg.dev = dev;
        cfg.ethertype = ethertype;
        cfg.engine.local_name = name;
        auto made = EthIpcp::create(cfg, user);
        EXPECT_TRUE(made) << made.error().message();
        if (!made) {
            return nullptr;
        }
        EXPECT_TRUE((*made)->start(*loop));
        return std::move(*made);
    }

    // a on va, b on vb (b serves "oecho"), both links up.
    void start_both(std::uint16_t type_a = wire::default_ethertype,
                    std::uint16_t type_b = wire::default_ethertype) {
        user_b.served.insert(NameHash::of("oecho").hex());
        a = make("a", "va", user_a, type_a);
        b = make("b", "vb", user_b, type_b);
        ASSERT_TRUE(a && b);
        ASSERT_TRUE(run_until(*loop, [&] { return a->link_up() && b->link_up(); }));
    }

    std::optional<PeerAddress> resolve(EthIpcp& from, std::string_view name) {
        bool done = false;
        std::optional<PeerAddress> found;
        from.resolve(loop->now(), name, [&](std::optional<PeerAddress> r) {
            done = true;
            found = r;
        });
        EXPECT_TRUE(run_until(*loop, [&] { return done; }));
        return found;
    }

    // Resolves "oecho" from a and allocates a flow to it; both ends' eids.
    std::pair<Eid, Eid> allocate(qosspec_t qos = qos_raw) {
        const auto to = resolve(*a, "oecho");
        EXPECT_TRUE(to);
        if (!to) {
            return {no_eid, no_eid};
        }
        auto r = a->engine().alloc(loop->now(), NameHash::of("oecho"), qos, *to, 1s, 0);
        EXPECT_TRUE(r);
        if (!r) {
            return {no_eid, no_eid};
        }
        const Eid ea = *r;
        EXPECT_TRUE(run_until(*loop, [&] { return state_of(*a, ea) == FlowState::allocated; }));
        const Eid eb = user_b.accepted.empty() ? no_eid : user_b.accepted.back();
        EXPECT_EQ(state_of(*b, eb), FlowState::allocated);
        return {ea, eb};
    }

    std::unique_ptr<EventLoop> loop;
    TestUser user_a;
    TestUser user_b;
    std::unique_ptr<EthIpcp> a;
    std::unique_ptr<EthIpcp> b;

private:
    UniqueFd original_ns_;
    bool moved_ = false;
};

TEST_F(EthIpcpTest, ResolvesByBroadcastAndCarriesDataBothWays) {
    start_both();
    const auto to = resolve(*a, "oecho");
    ASSERT_TRUE(to);
    EXPECT_EQ(eth_mac(*to), b->mac());
    EXPECT_EQ(b->name_queries_answered(), 1U);
    ASSERT_EQ(a->directory().size(), 1U);
    EXPECT_EQ(a->directory()[0].name, "oecho");
    EXPECT_EQ(a->directory()[0].address, b->mac().to_string());

    const auto [ea, eb] = allocate();
    ASSERT_NE(eb, no_eid);
    EXPECT_EQ(a->resolver().counters().queries_sent, 1U);  // the second resolve hit the cache
    ASSERT_EQ(write_sdu(*a, loop->now(), ea, "ping"), 0);
    ASSERT_EQ(write_sdu(*b, loop->now(), eb, "pong"), 0);
    ASSERT_TRUE(run_until(*loop, [&] { return !user_a.data.empty() && !user_b.data.empty(); }));
    EXPECT_EQ(user_b.data[0].second, "ping");  // a 12-byte message, padded to 60 on the wire
    EXPECT_EQ(user_a.data[0].second, "pong");
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
    EXPECT_EQ(b->engine().counters().total_drops(), 0U);
}

TEST_F(EthIpcpTest, CarriesTheLargestSduAndRefusesALargerOne) {
    start_both();
    const auto [ea, eb] = allocate();
    ASSERT_NE(eb, no_eid);
    EXPECT_EQ(a->engine().max_sdu(), 1500U - 8U);
    const std::string big(a->engine().max_sdu(), 'x');
    ASSERT_EQ(write_sdu(*a, loop->now(), ea, big), 0);
    ASSERT_TRUE(run_until(*loop, [&] { return !user_b.data.empty(); }));
    EXPECT_EQ(user_b.data[0].second, big);

    std::vector<std::byte> frame(a->engine().data_header_size() + a->engine().max_sdu() + 1);
    EXPECT_EQ(a->engine().prepare_data(loop->now(), ea, frame).error, -EMSGSIZE);
}

TEST_F(EthIpcpTest, UnservedNameIsUnresolvedAfterABoundedWait) {
    start_both();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(resolve(*a, "nobody"), std::nullopt);
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, 1400ms);
    EXPECT_LE(waited, 2500ms);
    EXPECT_EQ(a->resolver().counters().queries_sent, 4U);
    EXPECT_EQ(b->name_queries_answered(), 0U);
}

TEST_F(EthIpcpTest, AFailedAllocationMakesTheNextResolveQueryAgain) {
    start_both();
    ASSERT_TRUE(resolve(*a, "oecho"));
    user_b.served.clear();  // b stops serving: the flow request is refused with -ENAME
    const auto to = a->lookup("oecho");
    ASSERT_TRUE(to);
    auto r = a->engine().alloc(loop->now(), NameHash::of("oecho"), qos_raw, *to, 1s, 0);
    ASSERT_TRUE(r);
    ASSERT_TRUE(run_until(*loop, [&] { return state_of(*a, *r) == FlowState::closed; }));
    EXPECT_EQ(user_a.results[*r], -ENAME);
    EXPECT_EQ(a->lookup("oecho"), std::nullopt);  // forgotten
    EXPECT_EQ(a->resolver().counters().forgotten, 1U);
}

TEST_F(EthIpcpTest, KernelFilterPassesOnlyOurEthertypeAndForeignFramesAreCounted) {
    start_both();
    RawStation stranger("va");  // frames leave va and arrive at vb
    ASSERT_TRUE(stranger.ok());
    const MacAddress spoof({0x02, 0x99, 0x00, 0x00, 0x00, 0x01});
    const auto query = std::vector<std::byte>(44);
    // 200 frames of other Ethertypes, to b and broadcast: never copied to b's socket.
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(stranger.send(eth_frame(b->mac(), spoof, 0x0800, query)));
        ASSERT_TRUE(stranger.send(eth_frame(MacAddress::broadcast(), spoof, 0xa001, query)));
    }
    // Our Ethertype but garbage, to b: received, counted and dropped.
    const std::vector<std::byte> junk(30, std::byte{0xee});
    ASSERT_TRUE(stranger.send(eth_frame(b->mac(), spoof, wire::default_ethertype, junk)));
    // Our Ethertype from a multicast source: counted by kind.
    const MacAddress group({0x01, 0x00, 0x5e, 0x00, 0x00, 0x01});
    ASSERT_TRUE(stranger.send(eth_frame(b->mac(), group, wire::default_ethertype, junk)));
    ASSERT_TRUE(run_until(*loop, [&] { return b->underlay_counters().rx_datagrams >= 2; }));
    run_for(*loop, 100ms);
    EXPECT_EQ(b->underlay_counters().rx_datagrams, 2U);
    EXPECT_EQ(b->engine().counters().drops[static_cast<std::size_t>(DropReason::bad_version)],
              1U);
    EXPECT_EQ(b->frame_drops()[static_cast<std::size_t>(EthFrameKind::bad_src)], 1U);
    EXPECT_EQ(b->engine().counters().total_drops(), 2U);
}

TEST_F(EthIpcpTest, DataIsAcceptedOnlyFromTheFlowsPeerMac) {
    start_both();
    const auto [ea, eb] = allocate();
    ASSERT_NE(eb, no_eid);
    RawStation stranger("va");
    ASSERT_TRUE(stranger.ok());
    const MacAddress spoof({0x02, 0x99, 0x00, 0x00, 0x00, 0x02});
    ASSERT_TRUE(stranger.send(eth_frame(b->mac(), spoof, wire::default_ethertype,
                                        data_message(eb, "forged"))));
    ASSERT_TRUE(stranger.send(eth_frame(b->mac(), a->mac(), wire::default_ethertype,
                                        data_message(eb, "genuine"))));
    ASSERT_TRUE(run_until(*loop, [&] { return !user_b.data.empty(); }));
    run_for(*loop, 50ms);
    ASSERT_EQ(user_b.data.size(), 1U);
    EXPECT_EQ(user_b.data[0].second, "genuine");
    EXPECT_EQ(b->engine().counters().drops[static_cast<std::size_t>(DropReason::wrong_peer)], 1U);
}

TEST_F(EthIpcpTest, LinkDownTurnsFlowsDownAndUpBringsThemBack) {
    start_both();
    qosspec_t qos = qos_raw;
    qos.timeout = 10'000;
    const auto [ea, eb] = allocate(qos);
    ASSERT_NE(eb, no_eid);

    ASSERT_EQ(sh("ip link set va down"), 0);
    // a: administratively down; b: no carrier.
    ASSERT_TRUE(run_until(*loop, [&] {
        return state_of(*a, ea) == FlowState::down && state_of(*b, eb) == FlowState::down;
    }, 200ms));
    EXPECT_FALSE(a->link_up());
    EXPECT_FALSE(b->link_up());
    // A write on a down flow is taken, and the interface refuses the frame: counted.
    const auto refused = a->underlay_counters().tx_errors;
    EXPECT_EQ(write_sdu(*a, loop->now(), ea, "lost"), 0);
    a->flush();
    EXPECT_EQ(a->underlay_counters().tx_errors, refused + 1);

    ASSERT_EQ(sh("ip link set va up"), 0);
    ASSERT_TRUE(run_until(*loop, [&] {
        return state_of(*a, ea) == FlowState::allocated &&
               state_of(*b, eb) == FlowState::allocated;
    }));
    EXPECT_EQ(user_a.states[ea].back(), FlowState::allocated);
    ASSERT_EQ(write_sdu(*a, loop->now(), ea, "again"), 0);
    ASSERT_TRUE(run_until(*loop, [&] { return !user_b.data.empty(); }));
    EXPECT_EQ(user_b.data.back().second, "again");
    EXPECT_EQ(user_a.states[ea],
              (std::vector{FlowState::alloc_pending, FlowState::allocated, FlowState::down,
                           FlowState::allocated}));
}

TEST_F(EthIpcpTest, LinkDownLongerThanThePeerTimeoutTimesTheFlowOut) {
    start_both();
    qosspec_t qos = qos_raw;
    qos.timeout = 300;
    const auto [ea, eb] = allocate(qos);
    ASSERT_NE(eb, no_eid);
    ASSERT_EQ(sh("ip link set vb down"), 0);
    ASSERT_TRUE(run_until(*loop, [&] {
        return state_of(*a, ea) == FlowState::peer_timed_out &&
               state_of(*b, eb) == FlowState::peer_timed_out;
    }, 1000ms));
    EXPECT_EQ(user_a.states[ea].back(), FlowState::peer_timed_out);
}

TEST_F(EthIpcpTest, FollowsMtuChanges) {
    start_both();
    ASSERT_EQ(sh("ip link set va mtu 1400"), 0);
    ASSERT_TRUE(run_until(*loop, [&] { return a->mtu() == 1400; }));
    EXPECT_EQ(a->engine().max_sdu(), 1392U);
    EXPECT_EQ(a->tx_slot().size(), 1400U);
    // Still works at the new size.
    b->set_mtu(1400);
    const auto [ea, eb] = allocate();
    ASSERT_NE(eb, no_eid);
    const std::string big(1392, 'y');
    ASSERT_EQ(write_sdu(*a, loop->now(), ea, big), 0);
    ASSERT_TRUE(run_until(*loop, [&] { return !user_b.data.empty(); }));
    EXPECT_EQ(user_b.data[0].second.size(), 1392U);
}

TEST_F(EthIpcpTest, DifferentEthertypesOnOneSegmentDoNotSeeEachOther) {
    start_both(0xa000, 0xa001);
    EXPECT_EQ(resolve(*a, "oecho"), std::nullopt);
    EXPECT_EQ(b->underlay_counters().rx_datagrams, 0U);
    EXPECT_EQ(b->name_queries_answered(), 0U);
}

TEST_F(EthIpcpTest, ErrorsNameTheDevice) {
    TestUser user;
    EthIpcpConfig cfg;
    cfg.name = "x";
    cfg.dev = "nosuchdev";
    auto made = EthIpcp::create(cfg, user);
    ASSERT_FALSE(made);
    EXPECT_NE(made.error().message().find("nosuchdev"), std::string::npos)
        << made.error().message();
    cfg.dev = "lo";
    made = EthIpcp::create(cfg, user);
    ASSERT_FALSE(made);
    EXPECT_NE(made.error().message().find("not an Ethernet device"), std::string::npos)
        << made.error().message();
}

// Drops CAP_NET_RAW in a child process and tries to open the IPCP there.
TEST_F(EthIpcpTest, WithoutCapNetRawTheErrorSaysSo) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        std::array<__user_cap_data_struct, 2> caps{};
        if (::syscall(SYS_capget, &header, caps.data()) != 0) {
            ::_exit(2);
        }
        caps[0].effective &= ~(1U << CAP_NET_RAW);
        if (::syscall(SYS_capset, &header, caps.data()) != 0) {
            ::_exit(3);
        }
        TestUser user;
        EthIpcpConfig cfg;
        cfg.name = "x";
        cfg.dev = "va";
        const auto made = EthIpcp::create(cfg, user);
        const bool says_so = !made &&
                             made.error().message().find("CAP_NET_RAW") != std::string::npos &&
                             made.error().message().find("va") != std::string::npos;
        ::_exit(says_so ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace ogw::ipcp
