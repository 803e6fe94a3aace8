// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/daemon.hpp"

#include "daemon/gateway_host.hpp"
#include "daemon/ipcp_factory.hpp"
#include "daemon/privileges.hpp"
#include "daemon/sd_notify.hpp"

#include <flowlib/log.hpp>
#include <flowlib/version.hpp>
#include <ipcp/secure/key_file.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>

#include <unistd.h>

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

// After setup nothing needs more than CAP_NET_ADMIN (link state, addresses, routes) and
// CAP_NET_RAW (AF_PACKET); with [node] user = NAME, ogwd also stops being root.
Result<void> Daemon::drop_privileges_after_setup() {
    std::optional<UserIds> user;
    if (!config_.node.user.empty()) {
        auto u = lookup_user(config_.node.user);
        if (!u) {
            return unexpected(Error{u.error().code, "[node] user = " + config_.node.user +
                                                        ": no such user"});
        }
        user = std::move(*u);
    }
    auto dropped = drop_privileges(user);
    if (!dropped) {
        return unexpected(Error{dropped.error().code,
                                "dropping privileges: " + dropped.error().where});
    }
    switched_user_ = dropped->switched_user;
    OGW_LOG(info, "ogwd") << "dropped privileges: "
                          << (user ? "user " + user->name + " (uid " + std::to_string(user->uid) +
                                         ", gid " + std::to_string(user->gid) + ")"
                                   : "uid " + std::to_string(::geteuid()))
                          << ", capabilities " << capability_names(dropped->effective);
    return {};
}

// [security]: the identity and peer keys every IPCP's engine gets (docs/security.md §9).
Result<void> Daemon::load_security() {
    const SecurityConfig& sc = config_.security;
    if (!sc.enabled()) {
        return {};
    }
    auto key = ipcp::secure::load_private_key(sc.private_key);
    if (!key) {
        return unexpected(key.error());
    }
    auto s = std::make_shared<ipcp::EngineSecurity>();
    s->mode = sc.encryption == EncryptionMode::required ? ipcp::EncryptionMode::required
                                                        : ipcp::EncryptionMode::optional;
    s->identity = std::make_shared<const ipcp::secure::Identity>(std::move(*key));
    for (const auto& peer : sc.peer_keys) {
        auto pk = ipcp::secure::PublicKey::from_base64(peer.key);
        if (pk) {  // checked when the config was read
            s->peers.emplace_back(peer.name, *pk);
        }
    }
    s->unix_ns = [] {
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
    };
    s->rng = std::make_shared<ipcp::secure::SodiumRng>();
    s->limits.rekey_after_time = std::chrono::milliseconds(sc.rekey_after_ms);
    s->limits.reject_after_time = s->limits.rekey_after_time + ipcp::rekey_grace;
    OGW_LOG(info, "ogwd") << "encryption " << encryption_mode_name(sc.encryption)
                          << ": public key " << s->identity->public_key() << ", "
                          << s->peers.size() << " peer key(s)";
    security_ = std::move(s);
    return {};
}

Result<void> Daemon::start() {
    if (auto r = load_security(); !r) {
        return r;
    }
    if (!config_.node.user.empty()) {
        if (auto u = lookup_user(config_.node.user); !u) {  // fail before any setup
            return unexpected(Error{u.error().code, "[node] user = " + config_.node.user +
                                                        ": no such user"});
        }
    }
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
    if (auto r = drop_privileges_after_setup(); !r) {
        return r;
    }
    if (gateway_) {
        if (auto r = gateway_->start_workers(); !r) {
            return r;
        }
    }
    OGW_LOG(info, "ogwd") << "ogwd " << ogw::version << " node '" << config_.node.name
                          << "' ready: " << node_->ipcps().size() << " IPCP(s), control socket "
                          << config_.node.socket_path;
    sd_notify("READY=1\nSTATUS=running");
    start_watchdog();
    return {};
}

void Daemon::start_watchdog() {
    const auto every =
        sd_watchdog_interval(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid());
    if (!every) {
        return;
    }
    // Sent from the event loop: a loop that hangs stops it, and systemd restarts the daemon.
    OGW_LOG(info, "ogwd") << "systemd watchdog: WATCHDOG=1 every " << to_ms(*every) << " ms";
    sd_notify("WATCHDOG=1");
    watchdog_ = loop_->add_timer(loop_->now() + *every, [this, every = *every] {
        sd_notify("WATCHDOG=1");
        loop_->reschedule(watchdog_, loop_->now() + every);
    });
}

Result<void> Daemon::start_gateway() {
    if (config_.gateway.mode == GatewayMode::off) {
        for (const char* op : {"sessions", "session_kill", "peers", "stats", "macs"}) {
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
    auto made = make_ipcp(cfg, config_.node.name, user, security_);
    if (!made) {
        return unexpected(made.error());
    }
    OGW_LOG(info, "ogwd") << "ipcp." << cfg.name << ": " << (*made)->type() << ", layer "
                          << cfg.layer << ", on " << (*made)->address() << ", largest SDU "
                          << (*made)->engine().max_sdu()
                          << ((*made)->engine().encryption_enabled() ? " (sealed)" : "");
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
    // After switching user the private key (0600, root's) is not readable: its path cannot
    // change on reload anyway (below), so it is not checked again then.
    ParseOutcome outcome;
    if (switched_user_) {
        std::ifstream file(config_path_, std::ios::binary);
        outcome = file ? parse_config(file, config_path_)
                       : load_config(config_path_);  // reports why it cannot be opened
    } else {
        outcome = load_config(config_path_);
    }
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
        next.node.socket_path != config_.node.socket_path || next.node.user != config_.node.user ||
        next.security != config_.security) {
        OGW_LOG(warn, "ogwd") << "reload: changes to [node] name/socket/user, [ipcp.*] and "
                                 "[security] take effect at the next restart";
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
