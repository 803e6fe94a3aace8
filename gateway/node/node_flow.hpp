// SPDX-License-Identifier: BSD-3-Clause
// A flow as the node (the daemon's flow allocator) knows it: which IPCP and eid carry it, who
// owns it, and its history.
#pragma once

#include "node/state_timeline.hpp"

#include <flowlib/clock.hpp>
#include <flowlib/flow_state.hpp>
#include <ipcp/ipcp.hpp>

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ogw::gw {

struct NodeFlow;

// Whoever uses a flow's data: an application's flow socket, or the gateway.
class FlowOwner {
public:
    virtual ~FlowOwner() = default;
    virtual void on_flow_data(NodeFlow& flow, std::span<std::byte> sdu) = 0;
    virtual void on_flow_state(NodeFlow& flow, flow::FlowState from, flow::FlowState to) = 0;
};

struct NodeFlow {
    std::uint64_t id = 0;
    ipcp::Ipcp* ipcp = nullptr;
    ipcp::Eid eid = ipcp::no_eid;
    std::string remote_name;  // allocated here: the destination; accepted: the requesting node
    std::string local_name;   // accepted here: the name that was requested
    FlowOwner* owner = nullptr;
    bool gateway_owned = false;
    pid_t owner_pid = 0;
    std::optional<std::uint64_t> session_id;
    qosspec_t requested_qos{};  // allocated here: what the owner asked for
    StateTimeline timeline;
    static constexpr std::size_t max_timeline = StateTimeline::max_entries;
    std::vector<std::byte> deferred_first;  // a first SDU too big to ride on the request
    bool closed = false;

    void note_state(Instant at, flow::FlowState state) { timeline.note(at, state); }

    const ipcp::FlowRecord* record() const {
        return ipcp != nullptr ? ipcp->engine().find(eid) : nullptr;
    }
    flow::FlowState state() const {
        if (ipcp == nullptr || eid == ipcp::no_eid) {
            return closed ? flow::FlowState::closed : flow::FlowState::alloc_pending;
        }
        const auto* r = record();
        return r != nullptr ? r->fsm.state() : flow::FlowState::closed;
    }
};

}  // namespace ogw::gw
