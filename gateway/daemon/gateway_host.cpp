// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/gateway_host.hpp"

#include <flowlib/log.hpp>

#include <linux/if_tun.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace ogw::gw {
namespace {

void log_report(const SetupReport& report, const std::string& dev) {
    for (const auto& step : report.done) {
        OGW_LOG(info, "gateway") << dev << ": " << step;
    }
    for (const auto& step : report.skipped) {
        OGW_LOG(info, "gateway") << dev << ": skipped " << step;
    }
    for (const auto& error : report.errors) {
        OGW_LOG(error, "gateway") << error.message();
    }
}

}  // namespace

std::optional<std::uint32_t> auto_mtu(const Node& node) {
    std::optional<std::uint32_t> mtu;
    for (const auto& ipcp : node.ipcps()) {
        const auto sdu = static_cast<std::uint32_t>(ipcp->engine().max_sdu());
        mtu = mtu ? std::min(*mtu, sdu) : sdu;
    }
    if (mtu) {
        mtu = std::min<std::uint32_t>(*mtu, 65535);
    }
    return mtu;
}

Result<std::unique_ptr<GatewayHost>> GatewayHost::start(Node& node, EventLoop& loop,
                                                        const GatewayConfig& config) {
    if (config.mode == GatewayMode::tap) {
        return unexpected(Error{std::make_error_code(std::errc::not_supported),
                                "gateway: mode = tap is not available in this build (use tun)"});
    }
    std::unique_ptr<GatewayHost> host(new GatewayHost(config));
    if (auto r = host->open_device(node, loop); !r) {
        host->stop();
        return unexpected(r.error());
    }
    return host;
}

Result<void> GatewayHost::open_device(Node& node, EventLoop& loop) {
    // TUN offloads (docs/performance.md): TSO super-packets in, split here. OGW_TUN_OFFLOAD=0
    // turns them off; a kernel that refuses them gets the plain device.
    const char* offload_env = std::getenv("OGW_TUN_OFFLOAD");
    const bool want_offload = offload_env == nullptr || std::string_view(offload_env) != "0";
    TunOptions options;
    options.vnet_hdr = true;
    options.offload_flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    auto device = want_offload ? TunDevice::open(config_.dev, TunMode::tun, options)
                               : TunDevice::open(config_.dev, TunMode::tun);
    if (!device && want_offload) {
        OGW_LOG(info, "gateway") << device.error().message() << ": TUN offloads off";
        options = {};
        device = TunDevice::open(config_.dev, TunMode::tun);
    } else if (!want_offload) {
        options = {};
    }
    if (!device) {
        return unexpected(device.error());
    }
    device_ = std::move(*device);
    auto rtnl = Rtnl::open();
    if (!rtnl) {
        return unexpected(rtnl.error());
    }
    rtnl_ = std::move(*rtnl);
    setup_ = std::make_unique<TunSetup>(*rtnl_, device_->ifindex());
    const SetupReport report = setup_->apply(config_, auto_mtu(node));
    log_report(report, device_->name());
    if (!report.ok()) {
        return unexpected(report.errors.front());
    }
    auto link = rtnl_->link_info(device_->ifindex());
    if (!link) {
        return unexpected(link.error());
    }
    auto gateway =
        Gateway::create(node, loop, config_, device_->fd(), link->mtu, options.vnet_hdr);
    if (!gateway) {
        return unexpected(gateway.error());
    }
    gateway_ = std::move(*gateway);
    OGW_LOG(info, "gateway") << device_->name() << ": up, MTU " << link->mtu << ", "
                             << config_.routes.size() << " route(s), flow-mapping "
                             << (config_.flow_mapping == FlowMapping::peer ? "peer" : "session")
                             << (options.vnet_hdr ? ", offloads csum tso4 tso6" : "");
    return {};
}

GatewayHost::~GatewayHost() { stop(); }

void GatewayHost::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    if (gateway_) {
        gateway_->stop();
    }
    if (setup_) {
        log_report(setup_->teardown(), device_ ? device_->name() : config_.dev);
    }
}

void GatewayHost::reload(const GatewayConfig& config) {
    if (gateway_ == nullptr || stopped_) {
        return;
    }
    if (config.mode != config_.mode || config.dev != config_.dev ||
        config.addresses != config_.addresses || config.mtu != config_.mtu) {
        OGW_LOG(warn, "gateway") << "reload: changes to mode, dev, address and mtu take effect "
                                    "at the next restart";
    }
    log_report(setup_->apply_route_changes(config_.routes, config.routes), device_->name());
    gateway_->reload(config);
    config_.routes = config.routes;
    config_.flow_mapping = config.flow_mapping;
    config_.qos = config.qos;
    config_.peer_timeout_ms = config.peer_timeout_ms;
    config_.idle_timeout_ms = config.idle_timeout_ms;
    config_.alloc_timeout_ms = config.alloc_timeout_ms;
    config_.max_sessions = config.max_sessions;
}

void GatewayHost::add_control_ops(ControlServer& control) {
    control.add_op("sessions", [this](Connection& c, std::uint64_t request, const json::Value& req) {
        c.reply_list(request, "sessions", gateway_->sessions_json(req));
    });
    control.add_op("session_kill",
                   [this](Connection& c, std::uint64_t request, const json::Value& req) {
                       const auto id = req.get_uint("session_id");
                       if (!id || !gateway_->kill_session(*id)) {
                           c.reply_error(request, -ENOENT,
                                         "no session with id " +
                                             (id ? std::to_string(*id) : std::string("?")));
                           return;
                       }
                       c.reply_ok(request, json::Object{});
                   });
    control.add_op("peers", [this](Connection& c, std::uint64_t request, const json::Value&) {
        c.reply_list(request, "peers", gateway_->peers_json());
    });
    control.add_op("stats", [this](Connection& c, std::uint64_t request, const json::Value&) {
        c.reply_ok(request, json::Object{{"stats", gateway_->stats_json()}});
    });
}

}  // namespace ogw::gw
