// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/ipcp_factory.hpp"

#include <ipcp/eth_ipcp.hpp>
#include <ipcp/udp_ipcp.hpp>

namespace ogw::gw {
namespace {

Result<std::unique_ptr<ipcp::Ipcp>> make_udp(const IpcpConfig& cfg, const UdpIpcpConfig& udp,
                                             const std::string& node_name,
                                             ipcp::EngineUser& user) {
    ipcp::UdpIpcpConfig ucfg;
    ucfg.name = cfg.name;
    ucfg.layer = cfg.layer;
    ucfg.bind = udp.bind;
    for (const auto& peer : udp.peers) {
        ucfg.directory.emplace_back(peer.name, peer.address);
    }
    ucfg.engine.local_name = node_name;
    auto made = ipcp::UdpIpcp::create(std::move(ucfg), user);
    if (!made) {
        return unexpected(made.error());
    }
    return std::unique_ptr<ipcp::Ipcp>(std::move(*made));
}

Result<std::unique_ptr<ipcp::Ipcp>> make_eth(const IpcpConfig& cfg, const EthIpcpConfig& eth,
                                             const std::string& node_name,
                                             ipcp::EngineUser& user) {
    ipcp::EthIpcpConfig ecfg;
    ecfg.name = cfg.name;
    ecfg.layer = cfg.layer;
    ecfg.dev = eth.dev;
    ecfg.ethertype = eth.ethertype;
    ecfg.engine.local_name = node_name;
    auto made = ipcp::EthIpcp::create(std::move(ecfg), user);
    if (!made) {
        return unexpected(made.error());
    }
    return std::unique_ptr<ipcp::Ipcp>(std::move(*made));
}

}  // namespace

Result<std::unique_ptr<ipcp::Ipcp>> make_ipcp(const IpcpConfig& cfg, const std::string& node_name,
                                              ipcp::EngineUser& user) {
    Result<std::unique_ptr<ipcp::Ipcp>> made = unexpected(
        Error{std::make_error_code(std::errc::not_supported),
              "type " + std::string(ipcp_type_name(cfg.type())) + " is not available in this build"});
    if (const auto* udp = std::get_if<UdpIpcpConfig>(&cfg.shim)) {
        made = make_udp(cfg, *udp, node_name, user);
    } else if (const auto* eth = std::get_if<EthIpcpConfig>(&cfg.shim)) {
        made = make_eth(cfg, *eth, node_name, user);
    }
    if (!made) {
        return unexpected(Error{made.error().code, "ipcp." + cfg.name + ": " + made.error().where});
    }
    return made;
}

}  // namespace ogw::gw
