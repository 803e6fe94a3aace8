// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/tap_bridge.hpp"

#include <flowlib/bytes.hpp>

namespace ogw::gw {
namespace {

// RFC 826 for Ethernet and IPv4: htype 1, ptype 0x0800, hlen 6, plen 4, then op, sha, spa,
// tha, tpa.
constexpr std::size_t arp_ipv4_size = 28;
constexpr std::size_t arp_spa_offset = 14;

std::optional<IpAddress> arp_sender(std::span<const std::byte> arp) {
    if (arp.size() < arp_ipv4_size || be::load16(&arp[0]) != 1 ||
        be::load16(&arp[2]) != ethertype::ipv4 || be::load8(&arp[4]) != mac_address_size ||
        be::load8(&arp[5]) != 4) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 4> spa{};
    for (std::size_t i = 0; i < spa.size(); ++i) {
        spa[i] = be::load8(&arp[arp_spa_offset + i]);
    }
    return IpAddress::v4(spa);
}

bool is_reserved_group(const MacAddress& mac) {
    const auto& b = mac.bytes();
    return b[0] == 0x01 && b[1] == 0x80 && b[2] == 0xc2 && b[3] == 0 && b[4] == 0 &&
           (b[5] & 0xf0) == 0;
}

bool exempt_source(const IpAddress& source) {
    return source.is_unspecified() || source.is_link_local();
}

template <class E, std::size_t N>
void count(std::array<std::uint64_t, N>& counters, E e) {
    ++counters[static_cast<std::size_t>(e)];
}

}  // namespace

TapBridge::TapBridge(const TapBridgeConfig& config, const MacHashKey& key,
                     const PeerSourceFilter& filter)
    : config_(config), filter_(filter), macs_(config.macs, key), flood_(config.flood) {}

BridgeDecision TapBridge::on_local_frame(Instant now, std::span<const std::byte> frame) {
    ++counters_.local_frames;
    counters_.local_bytes += frame.size();
    BridgeDecision d;
    if (!parse(frame, d)) {
        return d;
    }
    if (macs_.learn(d.frame.src, MacOwner::local(), now) == LearnResult::invalid_source) {
        return drop(d, BridgeDrop::invalid_source);
    }
    if (is_reserved_group(d.frame.dst)) {
        return drop(d, BridgeDrop::reserved_group);
    }
    if (frame.size() > config_.max_frame) {
        return drop(d, BridgeDrop::too_big);
    }
    if (!d.frame.dst.is_multicast()) {
        if (const auto owner = macs_.lookup(d.frame.dst, now)) {
            if (owner->is_local()) {
                return drop(d, BridgeDrop::local_destination);
            }
            d.action = BridgeAction::to_peer;
            d.peer = owner->peer_index();
            ++counters_.to_peer;
            return d;
        }
        ++counters_.unknown_unicast;
    }
    if (!flood_.allow(now)) {
        return drop(d, BridgeDrop::flood_limited);
    }
    d.action = BridgeAction::flood;
    ++counters_.flooded;
    return d;
}

BridgeDecision TapBridge::on_peer_frame(Instant now, PeerIndex peer,
                                        std::span<const std::byte> frame) {
    ++counters_.peer_frames;
    counters_.peer_bytes += frame.size();
    BridgeDecision d;
    if (!parse(frame, d)) {
        return d;
    }
    if (const auto reason = check_sender(peer, d)) {
        return drop(d, *reason);
    }
    if (macs_.learn(d.frame.src, MacOwner::peer(peer), now) == LearnResult::invalid_source) {
        return drop(d, BridgeDrop::invalid_source);
    }
    if (is_reserved_group(d.frame.dst)) {
        return drop(d, BridgeDrop::reserved_group);
    }
    if (!d.frame.dst.is_multicast()) {
        const auto owner = macs_.lookup(d.frame.dst, now);
        if (owner && !owner->is_local()) {
            return drop(d, BridgeDrop::peer_destination);
        }
    }
    d.action = BridgeAction::deliver_local;
    ++counters_.delivered;
    return d;
}

bool TapBridge::parse(std::span<const std::byte> bytes, BridgeDecision& d) {
    d.frame = parse_ethernet(bytes);
    if (!d.frame.ok()) {
        count(counters_.malformed, d.frame.error);
        drop(d, BridgeDrop::malformed);
        return false;
    }
    if (!d.frame.is_ip()) {
        return true;
    }
    d.ip = parse_ip(d.frame.payload);
    if (d.ip->ok() && d.ip->tuple.src.is_v6() != (d.frame.ethertype == ethertype::ipv6)) {
        d.ip->error = ParseError::bad_version;
    }
    if (!d.ip->ok()) {
        count(counters_.ip_malformed, d.ip->error);
        drop(d, BridgeDrop::ip_malformed);
        return false;
    }
    return true;
}

std::optional<BridgeDrop> TapBridge::check_sender(PeerIndex peer, const BridgeDecision& d) const {
    std::optional<IpAddress> source;
    if (d.ip) {
        source = d.ip->tuple.src;
    } else if (d.frame.ethertype == ethertype::arp) {
        source = arp_sender(d.frame.payload);
        if (!source) {
            return BridgeDrop::arp_malformed;
        }
    } else {
        return std::nullopt;
    }
    if (exempt_source(*source) || filter_.allows(peer, *source)) {
        return std::nullopt;
    }
    return BridgeDrop::spoofed;
}

BridgeDecision& TapBridge::drop(BridgeDecision& d, BridgeDrop reason) {
    d.action = BridgeAction::drop;
    d.drop = reason;
    count(counters_.drops, reason);
    return d;
}

}  // namespace ogw::gw
