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
#include <memory>
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

// What a flow allocated here needs until its allocation completes (freed then).
struct AllocRequest {
    qosspec_t qos{};  // what the owner asked for
    // Held while the name is resolved; then it rides on the flow request, or, too big for
    // that, it is sent as the first data once allocated.
    std::vector<std::byte> first_sdu;
};

struct NodeFlow {
    std::uint64_t id = 0;
    ipcp::Ipcp* ipcp = nullptr;
    ipcp::Eid eid = ipcp::no_eid;
    pid_t owner_pid = 0;
    std::string remote_name;  // allocated here: the destination; accepted: the requesting node
    std::string local_name;   // accepted here: the name that was requested
    FlowOwner* owner = nullptr;
    std::optional<std::uint64_t> session_id;
    std::unique_ptr<AllocRequest> alloc_request;  // allocated here, until allocated
    StateTimeline timeline;
    static constexpr std::size_t max_timeline = StateTimeline::max_entries;
    bool gateway_owned = false;
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
