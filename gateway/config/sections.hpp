// SPDX-License-Identifier: BSD-3-Clause
// Interpretation of the [ipcp.NAME], [gateway] and [security] sections (internal to the config parser).
#pragma once

#include "config/config.hpp"
#include "config/value_reader.hpp"

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace ogw::gw::detail {

// What the gateway checks need to know about the IPCPs.
struct IpcpFacts {
    std::unordered_set<std::string> static_peers;               // names of every udp "peer" entry
    std::vector<std::pair<std::string, std::string>> eth_devs;  // (dev, IPCP name)
};

std::vector<IpcpConfig> read_ipcps(ValueReader& reader, const std::string& node_name,
                                   IpcpFacts& facts);

GatewayConfig read_gateway(ValueReader& reader, const std::string& node_name,
                           const IpcpFacts& facts);

SecurityConfig read_security(ValueReader& reader, bool check_files);

}  // namespace ogw::gw::detail
