// SPDX-License-Identifier: BSD-3-Clause
// The TAP bridge as `ogw --json` shows it: its counters (under `tap` in `stats`) and its MAC
// table (`macs`).
#pragma once

#include "bridge/tap_bridge.hpp"

#include <flowlib/clock.hpp>
#include <flowlib/json.hpp>

#include <string>
#include <vector>

namespace ogw::gw {

json::Value tap_stats_to_json(const BridgeCounters& counters, const MacTable& macs);

// One object per live entry, most recently seen first: mac, owner ("local" or "peer"), peer
// (the peer's name, null for local) and age_ms. peer_names is indexed by PeerIndex.
json::Value macs_to_json(const MacTable& macs, Instant now,
                         const std::vector<std::string>& peer_names);

}  // namespace ogw::gw
