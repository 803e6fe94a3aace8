// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/gateway_host.hpp"

#include <flowlib/log.hpp>

#include <linux/if_tun.h>
#include <sched.h>

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

// TUN offloads (docs/performance.md): TSO super-packets in, split here. OGW_TUN_OFFLOAD=0
// turns them off; a kernel that refuses them gets the plain device. options says what is on.
Result<std::unique_ptr<TunDevice>> open_tun(const std::string& dev, TunOptions& options) {
    const char* offload_env = std::getenv("OGW_TUN_OFFLOAD");
    const bool want_offload = offload_env == nullptr || std::string_view(offload_env) != "0";
    const std::size_t queues = options.queues;
    options = {};
    options.queues = queues;
    if (want_offload) {
        TunOptions offload = options;
        offload.vnet_hdr = true;
        offload.offload_flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
        auto device = TunDevice::open(dev, TunMode::tun, offload);
        if (device) {
            options = offload;
            return device;
        }
        OGW_LOG(info, "gateway") << device.error().message() << ": TUN offloads off";
    }
    return TunDevice::open(dev, TunMode::tun, options);
}

// The largest packet or frame a queue slot takes: a GSO super-packet of up to 64 KiB, or a
// frame with its Ethernet header and VLAN tags.
constexpr std::size_t max_queue_packet = 65536 + 64;

}  // namespace

std::size_t resolve_queue_count(std::uint32_t configured) {
    if (configured != 0) {
        return configured;
    }
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    if (::sched_getaffinity(0, sizeof cpus, &cpus) != 0) {
        return 1;
    }
    return static_cast<std::size_t>(std::max(CPU_COUNT(&cpus), 1));
}

std::optional<std::uint32_t> smallest_max_sdu(const Node& node) {
    std::optional<std::uint32_t> sdu;
    for (const auto& ipcp : node.ipcps()) {
        const auto max_sdu = static_cast<std::uint32_t>(ipcp->engine().max_sdu());
        sdu = sdu ? std::min(*sdu, max_sdu) : max_sdu;
    }
    return sdu;
}

Result<std::unique_ptr<GatewayHost>> GatewayHost::start(Node& node, EventLoop& loop,
                                                        const GatewayConfig& config) {
    std::unique_ptr<GatewayHost> host(new GatewayHost(config));
    if (auto r = host->open_device(node, loop); !r) {
        host->stop();
        return unexpected(r.error());
    }
    return host;
}

Result<void> GatewayHost::open_device(Node& node, EventLoop& loop) {
    const bool tap = config_.mode == GatewayMode::tap;
    const std::optional<std::uint32_t> max_sdu = smallest_max_sdu(node);
    if (auto r = check_device_mtu(config_, max_sdu); !r) {
        return unexpected(r.error());
    }
    // TAP: frames as they are (IFF_NO_PI), no virtio-net header, so no offloads.
    TunOptions options;
    options.queues = resolve_queue_count(config_.queues);
    auto device = tap ? TunDevice::open(config_.dev, TunMode::tap, options)
                      : open_tun(config_.dev, options);
    if (!device) {
        return unexpected(device.error());
    }
    device_ = std::move(*device);
    if (options.queues > 1) {
        TunQueueWorkers::Options wo;
        wo.slot_size = (options.vnet_hdr ? vnet_hdr_size : 0) + max_queue_packet;
        auto workers = TunQueueWorkers::create(device_->queue_fds(), wo);
        if (!workers) {
            return unexpected(workers.error());
        }
        workers_ = std::move(*workers);
    }
    auto rtnl = Rtnl::open();
    if (!rtnl) {
        return unexpected(rtnl.error());
    }
    rtnl_ = std::move(*rtnl);
    setup_ = std::make_unique<TunSetup>(*rtnl_, device_->ifindex());
    const SetupReport report = setup_->apply(config_, auto_device_mtu(config_.mode, max_sdu));
    log_report(report, device_->name());
    if (!report.ok()) {
        return unexpected(report.errors.front());
    }
    auto link = rtnl_->link_info(device_->ifindex());
    if (!link) {
        return unexpected(link.error());
    }
    auto gateway = Gateway::create(node, loop, config_, device_->fd(), link->mtu, options.vnet_hdr,
                                   workers_.get());
    if (!gateway) {
        return unexpected(gateway.error());
    }
    gateway_ = std::move(*gateway);
    OGW_LOG(info, "gateway") << device_->name() << ": up, " << (tap ? "tap" : "tun") << ", MTU "
                             << link->mtu << ", " << config_.routes.size() << " route(s)"
                             << (tap ? " naming bridge peers" : "") << ", flow-mapping "
                             << (config_.flow_mapping == FlowMapping::peer ? "peer" : "session")
                             << (options.vnet_hdr ? ", offloads csum tso4 tso6" : "")
                             << (workers_ ? ", " + std::to_string(workers_->queue_count()) +
                                                " queues with a worker each"
                                          : std::string());
    return {};
}

Result<void> GatewayHost::start_workers() {
    if (!workers_ || stopped_) {
        return {};
    }
    return workers_->start();
}

GatewayHost::~GatewayHost() {
    stop();
}

void GatewayHost::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    if (gateway_) {
        gateway_->stop();
    }
    if (workers_) {
        workers_->stop();  // after writing what the gateway's stop queued (TCP resets)
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
        config.addresses != config_.addresses || config.mtu != config_.mtu ||
        config.queues != config_.queues) {
        OGW_LOG(warn, "gateway") << "reload: changes to mode, dev, address, mtu and queues take "
                                    "effect at the next restart";
    }
    if (config.mac_ageing_ms != config_.mac_ageing_ms || config.max_macs != config_.max_macs ||
        config.flood_rate != config_.flood_rate || config.flood_burst != config_.flood_burst) {
        OGW_LOG(warn, "gateway") << "reload: changes to mac-ageing, max-macs, flood-rate and "
                                    "flood-burst take effect at the next restart";
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
    control.add_op("sessions",
                   [this](Connection& c, std::uint64_t request, const json::Value& req) {
                       c.reply_list(request, "sessions", gateway_->sessions_json(req));
                   });
    control.add_op("session_kill", [this](Connection& c, std::uint64_t request,
                                          const json::Value& req) {
        const auto id = req.get_uint("session_id");
        if (!id || !gateway_->kill_session(*id)) {
            c.reply_error(request, -ENOENT,
                          "no session with id " + (id ? std::to_string(*id) : std::string("?")));
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
    control.add_op("macs", [this](Connection& c, std::uint64_t request, const json::Value&) {
        if (config_.mode != GatewayMode::tap) {
            c.reply_error(request, -EOPNOTSUPP,
                          "the gateway is not in tap mode ([gateway] mode = tun)");
            return;
        }
        c.reply_list(request, "macs", gateway_->macs_json());
    });
}

}  // namespace ogw::gw
