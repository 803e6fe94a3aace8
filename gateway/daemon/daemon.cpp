// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/daemon.hpp"

#include "daemon/gateway_host.hpp"
#include "daemon/ipcp_factory.hpp"
#include "daemon/sd_notify.hpp"

#include <flowlib/log.hpp>
#include <flowlib/version.hpp>

#include <cerrno>
#include <csignal>

namespace ogw::gw {
namespace {

constexpr auto shutdown_grace = std::chrono::milliseconds(1000);

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::create(Config config, std::string config_path) {
    auto loop = EventLoop::create();
    if (!loop) {
        return unexpected(loop.error());
    }
    std::unique_ptr<Daemon> d(new Daemon(std::move(config), std::move(config_path),
                                         std::move(*loop)));
    if (auto r = d->start(); !r) {
        return unexpected(r.error());
    }
    return d;
}

Daemon::Daemon(Config config, std::string config_path, std::unique_ptr<EventLoop> loop)
    : config_(std::move(config)), config_path_(std::move(config_path)), loop_(std::move(loop)) {}

Daemon::~Daemon() {
    gateway_.reset();
    control_.reset();
    node_.reset();
}

Result<void> Daemon::start() {
    node_ = std::make_unique<Node>(config_.node.name, *loop_);
    for (const auto& ipcp : config_.ipcps) {
        if (auto r = add_ipcp(ipcp); !r) {
            return r;
        }
    }
    auto control = ControlServer::create(*node_, *loop_, config_.node.socket_path);
    if (!control) {
        return unexpected(control.error());
    }
    control_ = std::move(*control);
    if (auto r = start_gateway(); !r) {
        return r;
    }

    for (int sig : {SIGTERM, SIGINT}) {
        if (auto r = loop_->on_signal(sig, [this, sig] {
                begin_shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
            });
            !r) {
            return r;
        }
    }
    if (auto r = loop_->on_signal(SIGHUP, [this] { reload(); }); !r) {
        return r;
    }
    OGW_LOG(info, "ogwd") << "ogwd " << ogw::version << " node '" << config_.node.name
                          << "' ready: " << node_->ipcps().size() << " IPCP(s), control socket "
                          << config_.node.socket_path;
    sd_notify("READY=1\nSTATUS=running");
    return {};
}

Result<void> Daemon::start_gateway() {
    if (config_.gateway.mode == GatewayMode::off) {
        for (const char* op : {"sessions", "session_kill", "peers", "stats"}) {
            control_->add_op(op, [](Connection& c, std::uint64_t request, const json::Value&) {
                c.reply_error(request, -ENODEV,
                              "the gateway is off on this node ([gateway] mode = off)");
            });
        }
        return {};
    }
    auto host = GatewayHost::start(*node_, *loop_, config_.gateway);
    if (!host) {
        return unexpected(host.error());
    }
    gateway_ = std::move(*host);
    gateway_->add_control_ops(*control_);
    return {};
}

Result<void> Daemon::add_ipcp(const IpcpConfig& cfg) {
    ipcp::EngineUser& user = node_->new_ipcp_user();
    auto made = make_ipcp(cfg, config_.node.name, user);
    if (!made) {
        return unexpected(made.error());
    }
    OGW_LOG(info, "ogwd") << "ipcp." << cfg.name << ": " << (*made)->type() << ", layer "
                          << cfg.layer << ", on " << (*made)->address() << ", largest SDU "
                          << (*made)->engine().max_sdu();
    return node_->add_ipcp(user, std::move(*made));
}

void Daemon::begin_shutdown(const char* why) {
    if (stopping_) {
        return;
    }
    stopping_ = true;
    OGW_LOG(info, "ogwd") << why << ": deallocating " << node_->flow_count()
                          << " flow(s) and stopping";
    sd_notify("STOPPING=1");
    if (gateway_) {
        gateway_->stop();
    }
    node_->shutdown();
    const Instant deadline = loop_->now() + shutdown_grace;
    loop_->add_timer(deadline, [this] { loop_->stop(); });
    loop_->add_before_wait([this] {
        if (node_->idle()) {
            loop_->stop();
        }
    });
}

void Daemon::reload() {
    OGW_LOG(info, "ogwd") << "SIGHUP: reloading " << config_path_;
    ParseOutcome outcome = load_config(config_path_);
    for (const auto& w : outcome.warnings) {
        OGW_LOG(warn, "config") << w;
    }
    if (!outcome.ok()) {
        for (const auto& e : outcome.errors) {
            OGW_LOG(error, "config") << e;
        }
        OGW_LOG(error, "ogwd") << "reload failed; keeping the running configuration";
        return;
    }
    Config next = std::move(*outcome.config);
    if (next.node.log_level != config_.node.log_level) {
        log::set_level(next.node.log_level);
    }
    if (next.node.name != config_.node.name || next.ipcps != config_.ipcps ||
        next.node.socket_path != config_.node.socket_path) {
        OGW_LOG(warn, "ogwd") << "reload: changes to [node] name/socket and [ipcp.*] sections "
                                 "take effect at the next restart";
    }
    config_.node.log_level = next.node.log_level;
    if (gateway_) {
        gateway_->reload(next.gateway);
    } else if (next.gateway.mode != GatewayMode::off) {
        OGW_LOG(warn, "ogwd") << "reload: turning the gateway on takes effect at the next restart";
    }
    config_.gateway = next.gateway;
    OGW_LOG(info, "ogwd") << "configuration reloaded";
}

int Daemon::run() {
    if (auto r = loop_->run(); !r) {
        OGW_LOG(error, "ogwd") << r.error().message();
        return 1;
    }
    OGW_LOG(info, "ogwd") << "stopped; " << node_->flow_count() << " flow(s) left";
    return 0;
}

}  // namespace ogw::gw
