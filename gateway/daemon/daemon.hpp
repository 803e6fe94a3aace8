// SPDX-License-Identifier: BSD-3-Clause
// The composition root: builds the event loop, the node, its IPCPs and the control socket from
// a Config, and runs until SIGTERM/SIGINT (SIGHUP reloads).
#pragma once

#include "config/config.hpp"
#include "control/control_server.hpp"
#include "daemon/gateway_host.hpp"
#include "node/node.hpp"

#include <flowlib/sys/event_loop.hpp>

#include <memory>
#include <string>

namespace ogw::gw {

class Daemon {
public:
    static Result<std::unique_ptr<Daemon>> create(Config config, std::string config_path);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until stopped by a signal; returns the process exit code.
    int run();

private:
    Daemon(Config config, std::string config_path, std::unique_ptr<EventLoop> loop);
    Result<void> start();
    Result<void> add_ipcp(const IpcpConfig& cfg);
    Result<void> start_gateway();
    void begin_shutdown(const char* why);
    void reload();
    Result<void> drop_privileges_after_setup();
    Result<void> load_security();
    void start_watchdog();

    Config config_;
    std::string config_path_;
    std::unique_ptr<EventLoop> loop_;
    std::unique_ptr<Node> node_;
    std::unique_ptr<ControlServer> control_;
    std::unique_ptr<GatewayHost> gateway_;
    bool stopping_ = false;
    TimerId watchdog_ = TimerId::none;
    bool switched_user_ = false;  // the private key may no longer be readable
    std::shared_ptr<const ipcp::EngineSecurity> security_;  // null: encryption off
};

}  // namespace ogw::gw
