// SPDX-License-Identifier: BSD-3-Clause
// GatewayHost: the TUN/TAP gateway inside ogwd. Opens the device, puts the [gateway] addresses,
// MTU and routes (TUN only) on it through rtnetlink, runs the Gateway on it, answers the
// gateway's control ops (sessions, session_kill, peers, stats, macs) and takes it all down again.
#pragma once

#include "config/config.hpp"
#include "control/control_server.hpp"
#include "gw/gateway.hpp"
#include "node/node.hpp"
#include "tun/rtnl.hpp"
#include "tun/tun_device.hpp"
#include "tun/tun_queue_workers.hpp"
#include "tun/tun_setup.hpp"

#include <flowlib/sys/event_loop.hpp>

#include <memory>

namespace ogw::gw {

class GatewayHost {
public:
    // The IPCPs must be added to the node already: mtu = auto takes the smallest largest SDU.
    static Result<std::unique_ptr<GatewayHost>> start(Node& node, EventLoop& loop,
                                                      const GatewayConfig& config);
    ~GatewayHost();
    GatewayHost(const GatewayHost&) = delete;
    GatewayHost& operator=(const GatewayHost&) = delete;

    void add_control_ops(ControlServer& control);
    // With queues > 1: starts a worker thread per queue. Called once the daemon has dropped
    // its privileges, which on Linux are per thread.
    Result<void> start_workers();
    // SIGHUP: new routes and timers. Device name, mode, addresses and MTU need a restart.
    void reload(const GatewayConfig& config);
    // Resets local TCP sessions, releases the gateway's flows and removes what was put on the
    // device. The device itself goes with this object.
    void stop();

    Gateway& gateway() { return *gateway_; }

private:
    GatewayHost(GatewayConfig config) : config_(std::move(config)) {}
    Result<void> open_device(Node& node, EventLoop& loop);

    GatewayConfig config_;
    std::unique_ptr<TunDevice> device_;
    std::unique_ptr<TunQueueWorkers> workers_;  // queues > 1; stops before the device closes
    std::unique_ptr<Rtnl> rtnl_;
    std::unique_ptr<TunSetup> setup_;
    std::unique_ptr<Gateway> gateway_;
    bool stopped_ = false;
};

// [gateway] queues with auto (0) resolved: the CPUs this process may run on.
std::size_t resolve_queue_count(std::uint32_t configured);

// The flows' largest SDU: the smallest largest SDU of the node's IPCPs (nullopt without any).
// mtu = auto derives the device MTU from it (auto_device_mtu).
std::optional<std::uint32_t> smallest_max_sdu(const Node& node);

}  // namespace ogw::gw
