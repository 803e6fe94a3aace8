// SPDX-License-Identifier: BSD-3-Clause
// The JSON the control socket returns for flows and IPCPs (docs/control-protocol.md).
#pragma once

#include "node/node.hpp"

#include <flowlib/json.hpp>

namespace ogw::gw {

json::Value flow_view(const NodeFlow& flow, Instant now, bool with_timeline = false);
json::Value ipcp_view(const ipcp::Ipcp& ipcp, std::size_t flows);

}  // namespace ogw::gw
