// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/ipcp_factory.hpp"

#include <ipcp/eth_ipcp.hpp>
#include <ipcp/udp_address.hpp>
#include <ipcp/udp_ipcp.hpp>

#include <map>

namespace ogw::gw {
namespace {

// The node's security settings plus this IPCP's static directory (name -> address).
std::shared_ptr<const ipcp::EngineSecurity> with_directory(
    const std::shared_ptr<const ipcp::EngineSecurity>& security, const UdpIpcpConfig& udp) {
    if (!security || !security->enabled()) {
        return security;
    }
    auto own = std::make_shared<ipcp::EngineSecurity>(*security);
    std::map<std::string, ipcp::PeerAddress, std::less<>> directory;
    for (const auto& peer : udp.peers) {
        directory.emplace(peer.name, ipcp::udp_peer_address(peer.address));
    }
    own->lookup = [directory = std::move(directory)](
                      std::string_view name) -> std::optional<ipcp::PeerAddress> {
        const auto it = directory.find(name);
        return it == directory.end() ? std::nullopt : std::optional(it->second);
    };
    return own;
}

Result<std::unique_ptr<ipcp::Ipcp>> make_udp(
    const IpcpConfig& cfg, const UdpIpcpConfig& udp, const std::string& node_name,
    ipcp::EngineUser& user, const std::shared_ptr<const ipcp::EngineSecurity>& security) {
    ipcp::UdpIpcpConfig ucfg;
    ucfg.name = cfg.name;
    ucfg.layer = cfg.layer;
    ucfg.bind = udp.bind;
    for (const auto& peer : udp.peers) {
        ucfg.directory.emplace_back(peer.name, peer.address);
    }
    ucfg.engine.local_name = node_name;
    ucfg.engine.security = with_directory(security, udp);
    auto made = ipcp::UdpIpcp::create(std::move(ucfg), user);
    if (!made) {
        return unexpected(made.error());
    }
    return std::unique_ptr<ipcp::Ipcp>(std::move(*made));
}

Result<std::unique_ptr<ipcp::Ipcp>> make_eth(
    const IpcpConfig& cfg, const EthIpcpConfig& eth, const std::string& node_name,
    ipcp::EngineUser& user, const std::shared_ptr<const ipcp::EngineSecurity>& security) {
    ipcp::EthIpcpConfig ecfg;
    ecfg.name = cfg.name;
    ecfg.layer = cfg.layer;
    ecfg.dev = eth.dev;
    ecfg.ethertype = eth.ethertype;
    ecfg.engine.local_name = node_name;
    ecfg.engine.security = security;
    auto made = ipcp::EthIpcp::create(std::move(ecfg), user);
    if (!made) {
        return unexpected(made.error());
    }
    return std::unique_ptr<ipcp::Ipcp>(std::move(*made));
}

}  // namespace

Result<std::unique_ptr<ipcp::Ipcp>> make_ipcp(
    const IpcpConfig& cfg, const std::string& node_name, ipcp::EngineUser& user,
    std::shared_ptr<const ipcp::EngineSecurity> security) {
    Result<std::unique_ptr<ipcp::Ipcp>> made = unexpected(
        Error{std::make_error_code(std::errc::not_supported),
              "type " + std::string(ipcp_type_name(cfg.type())) + " is not available in this build"});
    if (const auto* udp = std::get_if<UdpIpcpConfig>(&cfg.shim)) {
        made = make_udp(cfg, *udp, node_name, user, security);
    } else if (const auto* eth = std::get_if<EthIpcpConfig>(&cfg.shim)) {
        made = make_eth(cfg, *eth, node_name, user, security);
    }
    if (!made) {
        return unexpected(Error{made.error().code, "ipcp." + cfg.name + ": " + made.error().where});
    }
    return made;
}

}  // namespace ogw::gw
