// SPDX-License-Identifier: BSD-3-Clause
// Flow states as the CLI shows them, and what each means to an application.
#pragma once

#include <ogw/errno.h>
#include <ogw/fqueue.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ogw::flow {

enum class FlowState : std::uint8_t {
    alloc_pending,     // FLOW_REQ sent, no reply yet
    accept_pending,    // FLOW_REQ received, the local application has not accepted yet
    allocated,
    peer_deallocated,  // the peer released its end: a half-deallocated flow
    peer_timed_out,    // nothing received from the peer for the qos timeout
    down,              // the link under the IPCP is down
    dealloc_pending,   // released locally, FLOW_DEALLOC not yet acknowledged
    closed,            // gone; the record may be freed
};

// The JSON/CLI spelling: "alloc_pending", "peer_deallocated", ...
std::string_view to_string(FlowState s);
std::optional<FlowState> flow_state_from_string(std::string_view s);

// Why a flow was released, carried in FLOW_DEALLOC.
enum class DeallocReason : std::uint8_t {
    closed = 1,            // the owner deallocated the flow (or exited)
    timed_out = 2,         // the sender declared this end timed out
    unknown_endpoint = 3,  // the sender has no flow for the endpoint id addressed
    shutdown = 4,          // the sender's daemon is stopping
};
inline constexpr std::uint8_t max_dealloc_reason = 4;
std::string_view to_string(DeallocReason r);

// What a read of an empty queue returns in state s: 0 means "would block" (no error).
constexpr int read_error(FlowState s) {
    switch (s) {
    case FlowState::allocated:
    case FlowState::alloc_pending:
    case FlowState::accept_pending: return 0;
    case FlowState::peer_deallocated:
    case FlowState::peer_timed_out: return -EFLOWPEER;
    case FlowState::down: return -EFLOWDOWN;
    case FlowState::dealloc_pending:
    case FlowState::closed: return -ENOTALLOC;
    }
    return -ENOTALLOC;
}

// What a write returns in state s (0 = accepted).
constexpr int write_error(FlowState s) {
    switch (s) {
    case FlowState::allocated:
    case FlowState::down: return 0;  // sent when the link returns, or dropped and counted
    case FlowState::peer_deallocated:
    case FlowState::peer_timed_out: return -EFLOWPEER;
    case FlowState::alloc_pending:
    case FlowState::accept_pending:
    case FlowState::dealloc_pending:
    case FlowState::closed: return -ENOTALLOC;
    }
    return -ENOTALLOC;
}

// The fqueue event an application sees for a transition, or 0 for none.
constexpr int transition_event(FlowState from, FlowState to) {
    if (from == to) {
        return 0;
    }
    switch (to) {
    case FlowState::allocated: return from == FlowState::down ? FLOW_UP : FLOW_ALLOC;
    case FlowState::peer_deallocated:
    case FlowState::peer_timed_out: return FLOW_PEER;
    case FlowState::down: return FLOW_DOWN;
    case FlowState::closed:
    case FlowState::dealloc_pending: return FLOW_DEALLOC;
    case FlowState::alloc_pending:
    case FlowState::accept_pending: return 0;
    }
    return 0;
}

}  // namespace ogw::flow
