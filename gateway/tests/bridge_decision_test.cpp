// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/tap_bridge.hpp"
#include "bridge_test_support.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <utility>
#include <vector>

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;
using testing::arp_request;
using testing::Bytes;
using testing::bytes;
using testing::echo6;
using testing::ethernet;
using testing::mac;
using testing::Tag;
using testing::udp4;

const MacHashKey test_key{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};

// Peer 1 serves 10.0.1.0/24 and fd00:1::/64, peer 2 serves 10.0.2.0/24.
class FakeRoutes final : public PeerSourceFilter {
public:
    bool allows(PeerIndex peer, const IpAddress& source) const override {
        ++asked;
        for (const auto& [prefix, owner] : routes_) {
            if (owner == peer && prefix.contains(source)) {
                return true;
            }
        }
        return false;
    }
    mutable int asked = 0;

private:
    std::vector<std::pair<IpPrefix, PeerIndex>> routes_{
        {IpPrefix::parse("10.0.1.0/24").value(), 1},
        {IpPrefix::parse("fd00:1::/64").value(), 1},
        {IpPrefix::parse("10.0.2.0/24").value(), 2},
    };
};

// Hosts: a and b on the local side (10.0.0.0/24), x behind peer 1, y behind peer 2.
const MacAddress a = mac(0xa);
const MacAddress b = mac(0xb);
const MacAddress x = mac(0x1);
const MacAddress y = mac(0x2);
constexpr std::array<std::uint8_t, 4> ip_a{10, 0, 0, 10};
constexpr std::array<std::uint8_t, 4> ip_x{10, 0, 1, 1};
constexpr std::array<std::uint8_t, 4> ip_y{10, 0, 2, 2};

class BridgeDecisionTest : public ::testing::Test {
protected:
    explicit BridgeDecisionTest(TapBridgeConfig config = {}) : bridge(config, test_key, routes) {}

    BridgeDecision local(const Bytes& frame) { return bridge.on_local_frame(now, frame); }
    BridgeDecision from(PeerIndex peer, const Bytes& frame) {
        return bridge.on_peer_frame(now, peer, frame);
    }
    // x and y make themselves known (say, by answering ARP).
    void learn_remote_hosts() {
        ASSERT_EQ(from(1, ethernet(a, x, ethertype::ipv4, udp4(ip_x, ip_a))).action,
                  BridgeAction::deliver_local);
        ASSERT_EQ(from(2, ethernet(a, y, ethertype::ipv4, udp4(ip_y, ip_a))).action,
                  BridgeAction::deliver_local);
    }
    std::uint64_t dropped(BridgeDrop d) const { return bridge.counters().dropped(d); }
    std::uint64_t total_drops() const {
        const auto& d = bridge.counters().drops;
        return std::accumulate(d.begin(), d.end(), std::uint64_t{0});
    }

    FakeRoutes routes;
    TapBridge bridge;
    Instant now = Instant(std::chrono::hours(1000));
};

TEST_F(BridgeDecisionTest, LocalUnknownUnicastIsFloodedAndItsSourceLearnt) {
    const BridgeDecision d = local(ethernet(x, a, ethertype::ipv4, udp4(ip_a, ip_x)));
    EXPECT_EQ(d.action, BridgeAction::flood);
    ASSERT_TRUE(d.ip.has_value());
    EXPECT_EQ(d.ip->tuple.dst, IpAddress::v4(ip_x));
    EXPECT_EQ(bridge.macs().lookup(a, now), MacOwner::local());
    EXPECT_EQ(bridge.counters().flooded, 1U);
    EXPECT_EQ(bridge.counters().unknown_unicast, 1U);
    EXPECT_EQ(bridge.macs().counters().learnt, 1U);
}

TEST_F(BridgeDecisionTest, LocalBroadcastAndMulticastAreFlooded) {
    EXPECT_EQ(
        local(ethernet(MacAddress::broadcast(), a, ethertype::arp, arp_request(a, ip_a, ip_x)))
            .action,
        BridgeAction::flood);
    EXPECT_EQ(
        local(ethernet(mac("33:33:00:00:00:01"), a, ethertype::ipv6, echo6("fd00::10"))).action,
        BridgeAction::flood);
    EXPECT_EQ(bridge.counters().flooded, 2U);
    EXPECT_EQ(bridge.counters().unknown_unicast, 0U);
}

TEST_F(BridgeDecisionTest, PeerFramesAreLearntAndDelivered) {
    const BridgeDecision d = from(1, ethernet(a, x, ethertype::ipv4, udp4(ip_x, ip_a)));
    EXPECT_EQ(d.action, BridgeAction::deliver_local);
    EXPECT_EQ(bridge.macs().lookup(x, now), MacOwner::peer(1));
    EXPECT_EQ(bridge.counters().delivered, 1U);
    EXPECT_EQ(routes.asked, 1);
}

TEST_F(BridgeDecisionTest, KnownUnicastGoesToItsPeerOnly) {
    learn_remote_hosts();
    const BridgeDecision to_x = local(ethernet(x, a, ethertype::ipv4, udp4(ip_a, ip_x)));
    EXPECT_EQ(to_x.action, BridgeAction::to_peer);
    EXPECT_EQ(to_x.peer, 1U);
    ASSERT_TRUE(to_x.ip.has_value());
    EXPECT_EQ(to_x.ip->tuple.src, IpAddress::v4(ip_a));
    EXPECT_EQ(to_x.ip->kind, PacketKind::udp);
    const BridgeDecision to_y = local(ethernet(y, a, ethertype::arp, arp_request(a, ip_a, ip_y)));
    EXPECT_EQ(to_y.action, BridgeAction::to_peer);
    EXPECT_EQ(to_y.peer, 2U);
    EXPECT_FALSE(to_y.ip.has_value());
    EXPECT_EQ(bridge.counters().to_peer, 2U);
    EXPECT_EQ(bridge.counters().flooded, 0U);
}

TEST_F(BridgeDecisionTest, LocalFramesToLocalHostsStayLocal) {
    ASSERT_EQ(local(ethernet(MacAddress::broadcast(), b, 0x88b5, bytes({}))).action,
              BridgeAction::flood);
    const BridgeDecision d = local(ethernet(b, a, 0x88b5, bytes({})));
    EXPECT_EQ(d.action, BridgeAction::drop);
    EXPECT_EQ(d.drop, BridgeDrop::local_destination);
    EXPECT_EQ(bridge.macs().lookup(a, now), MacOwner::local());
}

TEST_F(BridgeDecisionTest, SplitHorizonNeverForwardsBetweenPeers) {
    learn_remote_hosts();
    const BridgeDecision y_to_x = from(2, ethernet(x, y, ethertype::ipv4, udp4(ip_y, ip_x)));
    EXPECT_EQ(y_to_x.action, BridgeAction::drop);
    EXPECT_EQ(y_to_x.drop, BridgeDrop::peer_destination);
    const BridgeDecision hairpin = from(1, ethernet(x, x, 0x88b5, bytes({})));
    EXPECT_EQ(hairpin.drop, BridgeDrop::peer_destination);
    // Broadcast and unknown unicast from a peer only go to the local side.
    EXPECT_EQ(from(1, ethernet(MacAddress::broadcast(), x, 0x88b5, bytes({}))).action,
              BridgeAction::deliver_local);
    EXPECT_EQ(from(1, ethernet(mac(0x77), x, 0x88b5, bytes({}))).action,
              BridgeAction::deliver_local);
    EXPECT_EQ(bridge.counters().flooded, 0U);
    EXPECT_EQ(bridge.counters().to_peer, 0U);
    EXPECT_EQ(dropped(BridgeDrop::peer_destination), 2U);
}

TEST_F(BridgeDecisionTest, PeerFramesToLocalHostsAreDelivered) {
    ASSERT_EQ(local(ethernet(MacAddress::broadcast(), a, 0x88b5, bytes({}))).action,
              BridgeAction::flood);
    EXPECT_EQ(from(1, ethernet(a, x, ethertype::ipv4, udp4(ip_x, ip_a))).action,
              BridgeAction::deliver_local);
}

TEST_F(BridgeDecisionTest, AHostMovingIsFollowedAndCounted) {
    learn_remote_hosts();
    // x shows up on the local side.
    ASSERT_EQ(local(ethernet(MacAddress::broadcast(), x, 0x88b5, bytes({}))).action,
              BridgeAction::flood);
    EXPECT_EQ(bridge.macs().lookup(x, now), MacOwner::local());
    EXPECT_EQ(bridge.macs().counters().moved, 1U);
    EXPECT_EQ(from(2, ethernet(x, y, 0x88b5, bytes({}))).action, BridgeAction::deliver_local);
    // y moves from peer 2 to peer 1 (not IP, so no prefix check).
    EXPECT_EQ(from(1, ethernet(a, y, 0x88b5, bytes({}))).action, BridgeAction::deliver_local);
    EXPECT_EQ(bridge.macs().lookup(y, now), MacOwner::peer(1));
    EXPECT_EQ(bridge.macs().counters().moved, 2U);
}

TEST_F(BridgeDecisionTest, PeersMaySendOnlyFromTheirPrefixes) {
    const BridgeDecision d = from(2, ethernet(a, x, ethertype::ipv4, udp4(ip_x, ip_a)));
    EXPECT_EQ(d.action, BridgeAction::drop);
    EXPECT_EQ(d.drop, BridgeDrop::spoofed);
    EXPECT_EQ(bridge.macs().lookup(x, now), std::nullopt);  // not learnt
    EXPECT_EQ(from(1, ethernet(a, x, ethertype::ipv6, echo6("fd00:1::5"))).action,
              BridgeAction::deliver_local);
    EXPECT_EQ(from(2, ethernet(a, y, ethertype::ipv6, echo6("fd00:1::5"))).drop,
              BridgeDrop::spoofed);
    // Through VLAN tags too.
    EXPECT_EQ(
        from(2, ethernet(a, y, ethertype::ipv4, udp4(ip_x, ip_a), {Tag{0x88a8, 1}, Tag{0x8100, 2}}))
            .drop,
        BridgeDrop::spoofed);
    EXPECT_EQ(dropped(BridgeDrop::spoofed), 3U);
    EXPECT_EQ(bridge.macs().lookup(y, now), std::nullopt);
}

TEST_F(BridgeDecisionTest, LinkLocalAndUnspecifiedSourcesAreNotChecked) {
    EXPECT_EQ(
        from(2, ethernet(mac("33:33:ff:00:00:01"), y, ethertype::ipv6, echo6("fe80::2"))).action,
        BridgeAction::deliver_local);
    EXPECT_EQ(from(2, ethernet(MacAddress::broadcast(), y, ethertype::ipv6, echo6("::"))).action,
              BridgeAction::deliver_local);
    EXPECT_EQ(from(2, ethernet(MacAddress::broadcast(), y, ethertype::ipv4,
                               udp4({0, 0, 0, 0}, {255, 255, 255, 255})))
                  .action,
              BridgeAction::deliver_local);
    EXPECT_EQ(from(2, ethernet(MacAddress::broadcast(), y, ethertype::ipv4,
                               udp4({169, 254, 3, 4}, {10, 0, 0, 10})))
                  .action,
              BridgeAction::deliver_local);
    EXPECT_EQ(routes.asked, 0);
}

TEST_F(BridgeDecisionTest, ArpFromPeersIsCheckedBySenderAddress) {
    EXPECT_EQ(
        from(1, ethernet(MacAddress::broadcast(), x, ethertype::arp, arp_request(x, ip_x, ip_a)))
            .action,
        BridgeAction::deliver_local);
    EXPECT_EQ(
        from(1, ethernet(MacAddress::broadcast(), x, ethertype::arp, arp_request(x, ip_y, ip_a)))
            .drop,
        BridgeDrop::spoofed);
    // An ARP probe (RFC 5227) has no sender address yet.
    EXPECT_EQ(from(2, ethernet(MacAddress::broadcast(), y, ethertype::arp,
                               arp_request(y, {0, 0, 0, 0}, ip_y)))
                  .action,
              BridgeAction::deliver_local);
    Bytes short_arp = arp_request(x, ip_x, ip_a);
    short_arp.resize(27);
    EXPECT_EQ(from(1, ethernet(MacAddress::broadcast(), x, ethertype::arp, short_arp)).drop,
              BridgeDrop::arp_malformed);
    Bytes other_protocol = arp_request(x, ip_x, ip_a);
    other_protocol[3] = std::byte{0xdd};  // ptype 0x08dd
    EXPECT_EQ(from(1, ethernet(MacAddress::broadcast(), x, ethertype::arp, other_protocol)).drop,
              BridgeDrop::arp_malformed);
    // From the local side ARP is not checked.
    EXPECT_EQ(local(ethernet(MacAddress::broadcast(), a, ethertype::arp, short_arp)).action,
              BridgeAction::flood);
}

TEST_F(BridgeDecisionTest, OtherEthertypesFromPeersPassUnchecked) {
    EXPECT_EQ(from(2, ethernet(a, y, 0x88b5, bytes({1, 2, 3}))).action,
              BridgeAction::deliver_local);
    EXPECT_EQ(routes.asked, 0);
}

TEST_F(BridgeDecisionTest, MalformedFramesAreCountedByReason) {
    const BridgeDecision runt = local(bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(runt.action, BridgeAction::drop);
    EXPECT_EQ(runt.drop, BridgeDrop::malformed);
    EXPECT_EQ(runt.frame.error, FrameError::too_short);
    Bytes cut_tag = ethernet(a, x, ethertype::ipv4, bytes({}), {Tag{0x8100, 1}});
    cut_tag.resize(16);
    EXPECT_EQ(from(1, cut_tag).frame.error, FrameError::truncated_tag);
    EXPECT_EQ(from(1, ethernet(a, x, 46, bytes({0xaa, 0xaa, 0x03}))).frame.error,
              FrameError::length_field);
    const auto& c = bridge.counters();
    EXPECT_EQ(c.dropped(BridgeDrop::malformed), 3U);
    EXPECT_EQ(c.malformed[static_cast<std::size_t>(FrameError::too_short)], 1U);
    EXPECT_EQ(c.malformed[static_cast<std::size_t>(FrameError::truncated_tag)], 1U);
    EXPECT_EQ(c.malformed[static_cast<std::size_t>(FrameError::length_field)], 1U);
    EXPECT_EQ(bridge.macs().size(), 0U);
}

TEST_F(BridgeDecisionTest, MalformedIpIsCountedByReason) {
    Bytes bad_checksum = udp4(ip_a, ip_x);
    bad_checksum[10] ^= std::byte{1};
    const BridgeDecision d = local(ethernet(x, a, ethertype::ipv4, bad_checksum));
    EXPECT_EQ(d.drop, BridgeDrop::ip_malformed);
    ASSERT_TRUE(d.ip.has_value());
    EXPECT_EQ(d.ip->error, ParseError::bad_checksum);
    // An IPv6 packet under the IPv4 Ethertype, and the other way round.
    EXPECT_EQ(local(ethernet(x, a, ethertype::ipv4, echo6("fd00::10"))).ip->error,
              ParseError::bad_version);
    EXPECT_EQ(from(1, ethernet(a, x, ethertype::ipv6, udp4(ip_x, ip_a))).ip->error,
              ParseError::bad_version);
    EXPECT_EQ(from(1, ethernet(a, x, ethertype::ipv4, bytes({0x45}))).ip->error,
              ParseError::too_short);
    const auto& c = bridge.counters();
    EXPECT_EQ(c.dropped(BridgeDrop::ip_malformed), 4U);
    EXPECT_EQ(c.ip_malformed[static_cast<std::size_t>(ParseError::bad_checksum)], 1U);
    EXPECT_EQ(c.ip_malformed[static_cast<std::size_t>(ParseError::bad_version)], 2U);
    EXPECT_EQ(c.ip_malformed[static_cast<std::size_t>(ParseError::too_short)], 1U);
    EXPECT_EQ(bridge.macs().size(), 0U);
    EXPECT_EQ(routes.asked, 0);
}

TEST_F(BridgeDecisionTest, GroupAndZeroSourcesAreDroppedAndNotLearnt) {
    EXPECT_EQ(local(ethernet(x, MacAddress::broadcast(), 0x88b5, bytes({}))).drop,
              BridgeDrop::invalid_source);
    EXPECT_EQ(from(1, ethernet(a, mac("01:00:5e:00:00:01"), 0x88b5, bytes({}))).drop,
              BridgeDrop::invalid_source);
    EXPECT_EQ(from(1, ethernet(a, MacAddress(), 0x88b5, bytes({}))).drop,
              BridgeDrop::invalid_source);
    EXPECT_EQ(dropped(BridgeDrop::invalid_source), 3U);
    EXPECT_EQ(bridge.macs().size(), 0U);
    EXPECT_EQ(bridge.counters().flooded, 0U);
}

TEST_F(BridgeDecisionTest, ReservedGroupsAreNeverBridged) {
    for (const char* group : {"01:80:c2:00:00:00", "01:80:c2:00:00:03", "01:80:c2:00:00:0e"}) {
        EXPECT_EQ(local(ethernet(mac(group), a, 0x88cc, bytes({}))).drop,
                  BridgeDrop::reserved_group)
            << group;
        EXPECT_EQ(from(1, ethernet(mac(group), x, 0x88cc, bytes({}))).drop,
                  BridgeDrop::reserved_group)
            << group;
    }
    EXPECT_EQ(bridge.macs().lookup(a, now), MacOwner::local());  // still learnt
    EXPECT_EQ(local(ethernet(mac("01:80:c2:00:00:10"), a, 0x88cc, bytes({}))).action,
              BridgeAction::flood);
    EXPECT_EQ(dropped(BridgeDrop::reserved_group), 6U);
}

class BridgeDecisionSmallMtu : public BridgeDecisionTest {
protected:
    static TapBridgeConfig small() {
        TapBridgeConfig c;
        c.max_frame = 100;
        return c;
    }
    BridgeDecisionSmallMtu() : BridgeDecisionTest(small()) {}
};

TEST_F(BridgeDecisionSmallMtu, FramesThatDoNotFitAFlowAreDropped) {
    learn_remote_hosts();
    const BridgeDecision big = local(ethernet(x, a, 0x88b5, Bytes(87)));
    EXPECT_EQ(big.action, BridgeAction::drop);
    EXPECT_EQ(big.drop, BridgeDrop::too_big);
    EXPECT_EQ(bridge.macs().lookup(a, now), MacOwner::local());
    EXPECT_EQ(local(ethernet(x, a, 0x88b5, Bytes(86))).action, BridgeAction::to_peer);
    EXPECT_EQ(local(ethernet(MacAddress::broadcast(), a, 0x88b5, Bytes(87))).drop,
              BridgeDrop::too_big);
    EXPECT_EQ(dropped(BridgeDrop::too_big), 2U);
}

class BridgeDecisionFloodLimit : public BridgeDecisionTest {
protected:
    static TapBridgeConfig limited() {
        TapBridgeConfig c;
        c.flood = {10, 2};
        return c;
    }
    BridgeDecisionFloodLimit() : BridgeDecisionTest(limited()) {}
};

TEST_F(BridgeDecisionFloodLimit, FloodsAreLimitedAcrossTime) {
    learn_remote_hosts();
    const Bytes broadcast = ethernet(MacAddress::broadcast(), a, 0x88b5, bytes({}));
    const Bytes unknown = ethernet(mac(0x66), a, 0x88b5, bytes({}));
    EXPECT_EQ(local(broadcast).action, BridgeAction::flood);
    EXPECT_EQ(local(unknown).action, BridgeAction::flood);
    const BridgeDecision third = local(broadcast);
    EXPECT_EQ(third.action, BridgeAction::drop);
    EXPECT_EQ(third.drop, BridgeDrop::flood_limited);
    EXPECT_EQ(local(unknown).drop, BridgeDrop::flood_limited);
    // Known unicast is not a flood.
    EXPECT_EQ(local(ethernet(x, a, 0x88b5, bytes({}))).action, BridgeAction::to_peer);
    now += 99ms;
    EXPECT_EQ(local(broadcast).drop, BridgeDrop::flood_limited);
    now += 1ms;
    EXPECT_EQ(local(broadcast).action, BridgeAction::flood);
    EXPECT_EQ(local(broadcast).drop, BridgeDrop::flood_limited);
    now += 10s;
    EXPECT_EQ(local(broadcast).action, BridgeAction::flood);
    EXPECT_EQ(local(broadcast).action, BridgeAction::flood);
    EXPECT_EQ(local(broadcast).drop, BridgeDrop::flood_limited);
    const auto& c = bridge.counters();
    EXPECT_EQ(c.flooded, 5U);
    EXPECT_EQ(c.dropped(BridgeDrop::flood_limited), 5U);
    EXPECT_EQ(c.unknown_unicast, 2U);  // one flooded, one limited
    EXPECT_EQ(bridge.flood_limiter().refused(), 5U);
    // Frames from peers are not limited here (their sender limited them).
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(from(1, ethernet(MacAddress::broadcast(), x, 0x88b5, bytes({}))).action,
                  BridgeAction::deliver_local);
    }
}

TEST_F(BridgeDecisionTest, APeerGoingDownFlushesItsAddresses) {
    learn_remote_hosts();
    ASSERT_EQ(from(1, ethernet(a, mac(0x3), 0x88b5, bytes({}))).action,
              BridgeAction::deliver_local);
    EXPECT_EQ(bridge.on_peer_down(1, now), 2U);
    EXPECT_EQ(bridge.macs().counters().flushed, 2U);
    EXPECT_EQ(local(ethernet(x, a, 0x88b5, bytes({}))).action, BridgeAction::flood);
    EXPECT_EQ(local(ethernet(y, a, 0x88b5, bytes({}))).action, BridgeAction::to_peer);
}

TEST_F(BridgeDecisionTest, AgedAddressesAreFloodedAgain) {
    learn_remote_hosts();
    EXPECT_EQ(bridge.next_deadline(), now + 300s);
    now += 300s;
    EXPECT_EQ(local(ethernet(x, a, 0x88b5, bytes({}))).action, BridgeAction::flood);
    bridge.on_timer(now);
    EXPECT_EQ(bridge.macs().size(), 1U);  // a, just learnt
    EXPECT_EQ(bridge.macs().counters().aged_out, 2U);
    EXPECT_EQ(bridge.next_deadline(), now + 300s);
}

TEST_F(BridgeDecisionTest, EveryFrameHasExactlyOneOutcome) {
    learn_remote_hosts();
    local(ethernet(x, a, ethertype::ipv4, udp4(ip_a, ip_x)));
    local(ethernet(MacAddress::broadcast(), a, 0x88b5, bytes({})));
    local(bytes({1, 2, 3}));
    from(2, ethernet(x, y, 0x88b5, bytes({})));
    from(1, ethernet(a, x, ethertype::ipv4, udp4(ip_y, ip_a)));
    const auto& c = bridge.counters();
    EXPECT_EQ(c.local_frames, 3U);
    EXPECT_EQ(c.peer_frames, 4U);
    EXPECT_EQ(c.to_peer, 1U);
    EXPECT_EQ(c.flooded, 1U);
    EXPECT_EQ(c.delivered, 2U);
    EXPECT_EQ(total_drops(), 3U);
    EXPECT_EQ(c.local_frames + c.peer_frames, c.to_peer + c.flooded + c.delivered + total_drops());
    EXPECT_EQ(c.local_bytes, 14U + testing::udp_v4.size() + 14U + 3U);
}

TEST(BridgeDecisionNames, AreStable) {
    EXPECT_EQ(to_string(BridgeAction::drop), "drop");
    EXPECT_EQ(to_string(BridgeAction::to_peer), "to_peer");
    EXPECT_EQ(to_string(BridgeAction::flood), "flood");
    EXPECT_EQ(to_string(BridgeAction::deliver_local), "deliver_local");
    const std::vector<std::string_view> names{
        "malformed",      "ip_malformed", "arp_malformed",     "spoofed",          "invalid_source",
        "reserved_group", "too_big",      "local_destination", "peer_destination", "flood_limited"};
    ASSERT_EQ(names.size(), bridge_drop_count);
    for (std::size_t i = 0; i < bridge_drop_count; ++i) {
        EXPECT_EQ(to_string(static_cast<BridgeDrop>(i)), names[i]);
    }
}

}  // namespace
}  // namespace ogw::gw
