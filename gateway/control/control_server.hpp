// SPDX-License-Identifier: BSD-3-Clause
// The control socket (docs/control-protocol.md): applications register names and allocate or
// accept flows through it; the CLI inspects and manages the node.
#pragma once

#include "control/access.hpp"
#include "control/app_flow.hpp"
#include "control/connection.hpp"
#include "node/node.hpp"

#include <flowlib/json.hpp>
#include <flowlib/sys/event_loop.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ogw::gw {

class ControlServer {
public:
    // Extra operator ops (e.g. the gateway's) answered by the daemon's other parts.
    using OpHandler = std::function<void(Connection&, std::uint64_t request, const json::Value&)>;

    static Result<std::unique_ptr<ControlServer>> create(Node& node, EventLoop& loop,
                                                        const std::string& path);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    void add_op(const std::string& op, OpHandler handler) { extra_ops_[op] = std::move(handler); }
    const std::string& path() const { return path_; }
    std::size_t connections() const { return connections_.size(); }

private:
    class AppProcess;
    friend class AppProcess;

    ControlServer(Node& node, EventLoop& loop, std::string path, UniqueFd listener);
    void on_listener();
    void on_connection(std::uint64_t id, std::uint32_t events);
    void close_connection(std::uint64_t id);
    Connection* find_connection(std::uint64_t id);
    void handle(Connection& c, const json::Value& req);
    void dispatch(Connection& c, std::uint64_t request, const std::string& op,
                  const json::Value& req);
    void finish_blocking(Connection& c);

    void op_register(Connection& c, std::uint64_t request, const json::Value& req, bool add);
    void op_flow_alloc(Connection& c, std::uint64_t request, const json::Value& req);
    void op_flow_accept(Connection& c, std::uint64_t request, const json::Value& req);
    void op_status(Connection& c, std::uint64_t request);
    void op_flows(Connection& c, std::uint64_t request, const json::Value& req);
    void op_flow_show(Connection& c, std::uint64_t request, const json::Value& req);
    void op_flow_dealloc(Connection& c, std::uint64_t request, const json::Value& req);

    // Hands an accepted or allocated flow to the client: a flow socket and the reply.
    bool hand_over(Connection& c, std::uint64_t request, NodeFlow& flow, bool accept);
    AppProcess& process_for(pid_t pid);
    void reap();

    Node& node_;
    EventLoop& loop_;
    std::string path_;
    UniqueFd listener_;
    std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
    std::unordered_map<pid_t, std::unique_ptr<AppProcess>> processes_;
    std::unordered_map<std::uint64_t, std::unique_ptr<AppFlow>> app_flows_;
    std::map<std::string, OpHandler> extra_ops_;
    std::vector<std::unique_ptr<Connection>> dead_connections_;
    std::vector<std::uint64_t> dead_flows_;
    std::uint64_t next_connection_ = 1;
    std::optional<gid_t> ogw_gid_;  // group of the socket and of allowed operators
};

}  // namespace ogw::gw
