// SPDX-License-Identifier: BSD-3-Clause
// Builds the IPCP driver for one [ipcp.NAME] section.
#pragma once

#include "config/config.hpp"

#include <flowlib/result.hpp>
#include <ipcp/ipcp.hpp>

#include <memory>

namespace ogw::gw {

// An IPCP of cfg's type that serves node_name, reporting to user; not started yet. Errors name
// the section ("ipcp.NAME: ..."). `security`: the node's keys and policy (null: off); a udp
// IPCP adds its static directory to find the key of a destination address.
Result<std::unique_ptr<ipcp::Ipcp>> make_ipcp(
    const IpcpConfig& cfg, const std::string& node_name, ipcp::EngineUser& user,
    std::shared_ptr<const ipcp::EngineSecurity> security = nullptr);

}  // namespace ogw::gw
