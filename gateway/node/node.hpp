// SPDX-License-Identifier: BSD-3-Clause
// The node: the daemon's flow allocator. It owns the IPCPs, knows which names are served here
// and by whom, gives every flow a node-wide id, and routes each flow's data and state changes
// to its owner.
#pragma once

#include "node/node_flow.hpp"

#include <flowlib/sys/event_loop.hpp>
#include <ipcp/ipcp.hpp>
#include <ipcp/name_hash.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ogw::gw {

// Something that serves a name here: an application process, or the gateway.
class NameServer {
public:
    virtual ~NameServer() = default;
    // Whether a flow_accept is waiting, so a new flow can be handed over at once.
    virtual bool ready() const = 0;
    // A flow to a served name arrived. Call Node::accept() (then return 0), keep it waiting
    // (return ipcp::accept_later) or refuse it (return a negative errno).
    virtual int on_flow_request(NodeFlow& flow) = 0;
    // A flow that was kept waiting went away before being accepted.
    virtual void on_request_gone(NodeFlow& flow) = 0;
};

class Node {
public:
    Node(std::string name, EventLoop& loop);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    const std::string& name() const { return name_; }

    // IPCPs are created with the EngineUser that new_ipcp_user() returns, then added.
    ipcp::EngineUser& new_ipcp_user();
    Result<void> add_ipcp(ipcp::EngineUser& user, std::unique_ptr<ipcp::Ipcp> ipcp);
    const std::vector<std::unique_ptr<ipcp::Ipcp>>& ipcps() const { return ipcps_; }

    // Allocation completes later: done(0, flow) once allocated, done(-errno, nullptr) on
    // failure (also for failures found at once). Returns the flow id, or 0 on failure.
    using AllocDone = std::function<void(int error, NodeFlow* flow)>;
    // first_sdu, if any, rides on the flow request and reaches the peer with it.
    std::uint64_t alloc(const std::string& dst_name, const qosspec_t& qos, Duration timeout,
                        FlowOwner* owner, pid_t owner_pid, AllocDone done,
                        std::span<const std::byte> first_sdu = {});
    void accept(NodeFlow& flow, FlowOwner* owner, pid_t owner_pid);
    void reject(NodeFlow& flow, int error);
    void dealloc(std::uint64_t flow_id,
                 flow::DeallocReason reason = flow::DeallocReason::closed);
    // Detaches an owner that is going away; its flows must already be deallocated.
    void forget_owner(std::uint64_t flow_id);

    // Zero-copy send: put the SDU at slot.subspan(header) of tx_slot(), then send_slot().
    std::span<std::byte> tx_slot(NodeFlow& flow) { return flow.ipcp->tx_slot(); }
    std::size_t header_size(const NodeFlow& flow) const {
        return flow.ipcp->engine().data_header_size();
    }
    int send_slot(NodeFlow& flow, std::size_t sdu_size);
    // Sends an SDU from any buffer: copied into the flow's tx slot unless it already is there.
    int send(NodeFlow& flow, std::span<const std::byte> sdu);

    Result<void> register_name(const std::string& name, NameServer* server);
    void unregister_name(const std::string& name, NameServer* server);
    std::size_t served_names() const { return names_.size(); }

    NodeFlow* find(std::uint64_t flow_id);
    template <class F>
    void for_each_flow(F&& f) {
        for (auto& [id, flow] : flows_) {
            if (!flow.closed) {
                f(flow);
            }
        }
    }
    std::size_t flow_count() const;

    // Deallocates every flow (reason shutdown). Returns true once none is left.
    void shutdown();
    bool idle() const { return flow_count() == 0; }

    Instant started() const { return started_; }
    Instant now() const { return loop_.now(); }

private:
    class IpcpUser;
    struct Served {
        std::string name;
        std::vector<NameServer*> servers;
        std::size_t next = 0;
    };

    int on_flow_request(ipcp::Ipcp& ipcp, ipcp::Eid eid, const ipcp::NameHash& hash);
    void on_flow_state(ipcp::Ipcp& ipcp, ipcp::Eid eid, std::uint64_t id, flow::FlowState from,
                       flow::FlowState to, int alloc_result);
    void on_data(std::uint64_t id, std::span<std::byte> sdu);
    NodeFlow& new_flow(ipcp::Ipcp* ipcp);
    void resolve_from(std::uint64_t id, std::size_t first_ipcp, const qosspec_t& qos,
                      Duration timeout);
    void start_alloc(NodeFlow& flow, ipcp::Ipcp& ipcp, const ipcp::PeerAddress& to,
                     const qosspec_t& qos, Duration timeout);
    void fail_alloc(NodeFlow& flow, int error);
    void close_flow(NodeFlow& flow);
    void reap();
    NameServer* pick_server(Served& served);

    std::string name_;
    EventLoop& loop_;
    Instant started_;
    std::vector<std::unique_ptr<IpcpUser>> users_;
    std::vector<std::unique_ptr<ipcp::Ipcp>> ipcps_;
    std::map<std::uint64_t, NodeFlow> flows_;  // in the node: stable, one allocation each
    std::unordered_map<std::uint64_t, AllocDone> pending_allocs_;
    std::unordered_map<std::uint64_t, NameServer*> waiting_accepts_;  // flow id -> server
    std::unordered_map<ipcp::NameHash, Served, ipcp::NameHashHasher> names_;
    std::vector<std::uint64_t> graveyard_;
    std::uint64_t next_flow_id_ = 1;
};

inline constexpr Duration accept_wait = std::chrono::seconds(10);

}  // namespace ogw::gw
