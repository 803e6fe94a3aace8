// SPDX-License-Identifier: BSD-3-Clause
// The TAP bridge, sans I/O: a learning bridge between the local side (the TAP device) and the
// peer gateways (those named in route lines), deciding for one frame at a time.
//
// - From the local side: a unicast frame to an address learnt behind a peer goes to that peer;
//   broadcast, multicast and unknown unicast are flooded to every peer, within a rate limit;
//   a frame to an address learnt on the local side is dropped (the local segment has it).
// - From a peer: the frame goes to the local side only, unless its unicast destination was
//   learnt behind a peer. Split horizon: a gateway never forwards between two peers, so
//   nothing loops inside the overlay, and sites that must reach each other need route lines
//   naming each other (a full mesh). A peer may only send IP packets and ARP messages
//   whose source lies in the prefixes routed to it; unspecified and link-local sources are
//   exempt, since DHCP, duplicate address detection and neighbour discovery need them and
//   they are never routed off the segment.
// - A frame teaches the table where its source lives only after passing its origin's checks
//   (parse, source address); drops for reasons of destination, size or rate come later and
//   still teach it.
// - The table does not look at VLAN tags (one table for all VLANs: shared VLAN learning).
// - Reserved link-local groups 01:80:c2:00:00:00 to :0f are never bridged (802.1D).
#pragma once

#include "bridge/bridge_decision.hpp"
#include "bridge/flood_limiter.hpp"
#include "bridge/mac_table.hpp"

#include <flowlib/clock.hpp>
#include <flowlib/inet.hpp>

#include <cstddef>
#include <optional>
#include <span>

namespace ogw::gw {

// What a peer may send: the daemon answers from its route table.
class PeerSourceFilter {
public:
    virtual ~PeerSourceFilter() = default;
    virtual bool allows(PeerIndex peer, const IpAddress& source) const = 0;
};

struct TapBridgeConfig {
    std::size_t max_frame = 1514;  // the largest frame a flow carries (the flows' largest SDU)
    MacTableConfig macs;
    FloodLimiterConfig flood;
};

class TapBridge {
public:
    // The filter must outlive the bridge.
    TapBridge(const TapBridgeConfig& config, const MacHashKey& key, const PeerSourceFilter& filter);

    BridgeDecision on_local_frame(Instant now, std::span<const std::byte> frame);
    BridgeDecision on_peer_frame(Instant now, PeerIndex peer, std::span<const std::byte> frame);

    // The peer's flows died: forgets the addresses behind it; returns how many.
    std::size_t on_peer_down(PeerIndex peer, Instant now) { return macs_.flush_peer(peer, now); }
    // Removes aged-out table entries, a bounded number per call.
    void on_timer(Instant now) { macs_.expire(now); }
    std::optional<Instant> next_deadline() const { return macs_.next_deadline(); }

    const MacTable& macs() const { return macs_; }
    const FloodLimiter& flood_limiter() const { return flood_; }
    const BridgeCounters& counters() const { return counters_; }
    const TapBridgeConfig& config() const { return config_; }

private:
    bool parse(std::span<const std::byte> bytes, BridgeDecision& d);
    std::optional<BridgeDrop> check_sender(PeerIndex peer, const BridgeDecision& d) const;
    BridgeDecision& drop(BridgeDecision& d, BridgeDrop reason);

    TapBridgeConfig config_;
    const PeerSourceFilter& filter_;
    MacTable macs_;
    FloodLimiter flood_;
    BridgeCounters counters_;
};

}  // namespace ogw::gw
