// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary bytes as one Ethernet frame read from the TAP device. Its parse must stay inside
// the bytes and agree with the parse of every prefix (each an exact-size copy, so that an
// over-read shows). The frame then goes through a TapBridge with a tiny table and flood
// budget: from the local side, back from a peer with its addresses swapped, from another
// peer, and again after ageing and a peer going down. Every decision must agree with the
// table (split horizon included), and every frame must be counted exactly once.
#include "bridge/ethernet_frame.hpp"
#include "bridge/tap_bridge.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <span>
#include <vector>

namespace {

using namespace ogw;
using namespace ogw::gw;
using namespace std::chrono_literals;

constexpr PeerIndex peer_count = 3;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

bool same_header(const EthernetFrame& a, const EthernetFrame& b) {
    return a.dst == b.dst && a.src == b.src && a.ethertype == b.ethertype &&
           a.vlan_tags == b.vlan_tags && a.vlan_ids == b.vlan_ids &&
           a.payload_offset == b.payload_offset;
}

void check_parse(std::span<const std::byte> bytes, const EthernetFrame& f) {
    if (!f.ok()) {
        require(f.payload.empty() && f.payload_offset == 0 && f.vlan_tags == 0);
        require(f.error != FrameError::too_short || bytes.size() < ethernet_header_size);
        return;
    }
    require(f.vlan_tags <= max_vlan_tags);
    require(f.payload_offset == ethernet_header_size + vlan_tag_size * f.vlan_tags);
    require(f.payload.data() == bytes.data() + f.payload_offset);
    require(f.payload_offset + f.payload.size() == bytes.size());
    require(f.ethertype >= ethertype::min_type && f.ethertype != ethertype::vlan &&
            f.ethertype != ethertype::qinq && f.ethertype != ethertype::qinq_legacy);
    for (std::size_t i = 0; i < max_vlan_tags; ++i) {
        require(f.vlan_ids[i] <= 0x0fff && (i < f.vlan_tags || f.vlan_ids[i] == 0));
    }
}

void check_prefixes(std::span<const std::byte> bytes, const EthernetFrame& whole) {
    const std::size_t longest = std::min<std::size_t>(bytes.size(), 32);
    for (std::size_t n = 0; n <= longest; ++n) {
        const std::vector<std::byte> cut(bytes.begin(),
                                         bytes.begin() + static_cast<std::ptrdiff_t>(n));
        const EthernetFrame f = parse_ethernet(cut);
        check_parse(cut, f);
        if (whole.ok() && n >= whole.payload_offset) {
            require(f.ok() && same_header(f, whole));
        }
        if (f.ok()) {
            require(whole.ok() && same_header(f, whole));
        }
    }
}

// Peers may send from addresses whose last byte has their parity.
class ParityFilter final : public PeerSourceFilter {
public:
    bool allows(PeerIndex peer, const IpAddress& source) const override {
        return source.bytes().back() % 2 == peer % 2;
    }
};

// What a decision claims must be what the table says right after it.
void check_decision(const TapBridge& bridge, const BridgeDecision& d, std::optional<PeerIndex> peer,
                    Instant now) {
    if (d.action == BridgeAction::drop) {
        require(d.drop != BridgeDrop::count_);
        return;
    }
    require(d.frame.ok());
    require(!d.frame.src.is_multicast() && !d.frame.src.is_zero());
    require(d.ip.has_value() == d.frame.is_ip() && (!d.ip || d.ip->ok()));
    const MacTable& macs = bridge.macs();
    require(macs.lookup(d.frame.src, now) == (peer ? MacOwner::peer(*peer) : MacOwner::local()));
    const auto dst_owner =
        d.frame.dst.is_multicast() ? std::nullopt : macs.lookup(d.frame.dst, now);
    switch (d.action) {
        case BridgeAction::to_peer:
            require(!peer && dst_owner == MacOwner::peer(d.peer) && d.peer < peer_count);
            break;
        case BridgeAction::flood:
            require(!peer && !dst_owner);
            break;
        case BridgeAction::deliver_local:
            require(peer && (!dst_owner || dst_owner->is_local()));
            break;
        case BridgeAction::drop:
            break;
    }
}

void check_counters(const TapBridge& bridge) {
    const BridgeCounters& c = bridge.counters();
    const std::uint64_t drops = std::accumulate(c.drops.begin(), c.drops.end(), std::uint64_t{0});
    require(c.local_frames + c.peer_frames == c.to_peer + c.flooded + c.delivered + drops);
    require(c.unknown_unicast <= c.flooded + c.dropped(BridgeDrop::flood_limited));
    require(bridge.macs().size() <= bridge.config().macs.capacity);
}

std::vector<std::byte> swapped(std::span<const std::byte> frame) {
    std::vector<std::byte> out(frame.begin(), frame.end());
    if (out.size() >= 2 * mac_address_size) {
        std::swap_ranges(out.begin(), out.begin() + mac_address_size,
                         out.begin() + mac_address_size);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> frame(reinterpret_cast<const std::byte*>(data), size);
    const EthernetFrame whole = parse_ethernet(frame);
    check_parse(frame, whole);
    check_prefixes(frame, whole);

    const ParityFilter filter;
    TapBridgeConfig config;
    config.max_frame = 256;
    config.macs.capacity = 2;
    config.macs.ageing_time = 1s;
    config.flood = {1, 2};
    TapBridge bridge(config, MacHashKey{}, filter);
    Instant now = Instant(std::chrono::hours(1000));
    const PeerIndex first = size > 0 ? data[0] % peer_count : 0;
    const PeerIndex second = (first + 1) % peer_count;
    const std::vector<std::byte> reply = swapped(frame);

    auto local = [&] { check_decision(bridge, bridge.on_local_frame(now, frame), {}, now); };
    auto from = [&](PeerIndex peer, std::span<const std::byte> bytes) {
        check_decision(bridge, bridge.on_peer_frame(now, peer, bytes), peer, now);
    };
    local();
    from(first, reply);
    local();
    now += 1ms;
    from(second, frame);
    from(first, reply);
    local();
    now += 999ms;
    local();
    bridge.on_timer(now);
    from(second, reply);
    (void)bridge.on_peer_down(second, now);
    require(!bridge.macs().lookup(whole.src, now).has_value() ||
            !bridge.macs().lookup(whole.src, now)->is_peer(second));
    local();
    check_counters(bridge);
    return 0;
}
