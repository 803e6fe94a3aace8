// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/eth_user_relay.hpp>

#include <ogw/errno.h>

namespace ogw::ipcp {

using flow::FlowState;

void EthUserRelay::on_flow_state(Eid eid, std::uint64_t tag, FlowState from, FlowState to,
                                 int alloc_result) {
    if (to == FlowState::alloc_pending && engine_ != nullptr) {
        // The record is live while alloc_pending; once closed the engine no longer shows it.
        if (const FlowRecord* rec = engine_->find(eid); rec != nullptr && rec->request) {
            allocating_.insert_or_assign(eid, Target{rec->request->name, rec->peer});
        }
    } else if (from == FlowState::alloc_pending) {
        const auto it = allocating_.find(eid);
        if (it != allocating_.end()) {
            const Target target = it->second;
            allocating_.erase(it);
            // -EFLOWPEER: cancelled here, or deallocated by a peer that was reached.
            if (to == FlowState::closed && alloc_result != 0 && alloc_result != -EFLOWPEER &&
                on_alloc_failed_) {
                on_alloc_failed_(target.name, target.to, alloc_result);
            }
        }
    }
    user_.on_flow_state(eid, tag, from, to, alloc_result);
}

}  // namespace ogw::ipcp
