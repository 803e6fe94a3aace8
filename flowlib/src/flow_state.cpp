// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/flow_state.hpp>

#include <array>

namespace ogw::flow {
namespace {

constexpr std::array<std::string_view, 8> state_names = {
    "alloc_pending",  "accept_pending", "allocated",       "peer_deallocated",
    "peer_timed_out", "down",           "dealloc_pending", "closed",
};

}  // namespace

std::string_view to_string(FlowState s) { return state_names.at(static_cast<std::size_t>(s)); }

std::optional<FlowState> flow_state_from_string(std::string_view s) {
    for (std::size_t i = 0; i < state_names.size(); ++i) {
        if (state_names[i] == s) {
            return static_cast<FlowState>(i);
        }
    }
    return std::nullopt;
}

std::string_view to_string(DeallocReason r) {
    switch (r) {
    case DeallocReason::closed: return "closed";
    case DeallocReason::timed_out: return "timed_out";
    case DeallocReason::unknown_endpoint: return "unknown_endpoint";
    case DeallocReason::shutdown: return "shutdown";
    }
    return "unknown";
}

}  // namespace ogw::flow
