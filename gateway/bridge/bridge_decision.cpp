// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/bridge_decision.hpp"

namespace ogw::gw {

std::string_view to_string(BridgeAction action) {
    switch (action) {
    case BridgeAction::drop: return "drop";
    case BridgeAction::to_peer: return "to_peer";
    case BridgeAction::flood: return "flood";
    case BridgeAction::deliver_local: return "deliver_local";
    }
    return "?";
}

std::string_view to_string(BridgeDrop drop) {
    switch (drop) {
    case BridgeDrop::malformed: return "malformed";
    case BridgeDrop::ip_malformed: return "ip_malformed";
    case BridgeDrop::arp_malformed: return "arp_malformed";
    case BridgeDrop::spoofed: return "spoofed";
    case BridgeDrop::invalid_source: return "invalid_source";
    case BridgeDrop::reserved_group: return "reserved_group";
    case BridgeDrop::too_big: return "too_big";
    case BridgeDrop::local_destination: return "local_destination";
    case BridgeDrop::peer_destination: return "peer_destination";
    case BridgeDrop::flood_limited: return "flood_limited";
    case BridgeDrop::count_: break;
    }
    return "?";
}

}  // namespace ogw::gw
