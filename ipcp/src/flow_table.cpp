// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/flow_table.hpp>

#include <algorithm>

namespace ogw::ipcp {

FlowTable::FlowTable(std::uint32_t max_flows)
    : max_flows_(std::min(max_flows, eid_max_slots)), slots_(1), generations_(1, 0) {}

FlowRecord* FlowTable::create(const qosspec_t& qos, const flow::FsmConfig& cfg, Instant now) {
    std::uint32_t slot = 0;
    if (!free_.empty()) {
        slot = free_.front();
        free_.pop_front();
    } else if (slots_.size() <= max_flows_) {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
        generations_.push_back(0);
    } else {
        return nullptr;
    }
    const std::uint32_t gen = (generations_[slot] + 1) % eid_generations;
    generations_[slot] = gen;
    slots_[slot] = std::make_unique<FlowRecord>(make_eid(slot, gen), qos, cfg, now);
    ++live_;
    return slots_[slot].get();
}

FlowRecord* FlowTable::find(Eid eid) {
    const std::uint32_t slot = eid_slot(eid);
    if (slot == 0 || slot >= slots_.size() || !slots_[slot] || slots_[slot]->eid != eid) {
        return nullptr;
    }
    return slots_[slot].get();
}

const FlowRecord* FlowTable::find(Eid eid) const {
    return const_cast<FlowTable*>(this)->find(eid);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

FlowRecord* FlowTable::find_remote(const PeerAddress& peer, Eid remote) {
    const auto it = by_remote_.find(RemoteKey{peer, remote});
    return it == by_remote_.end() ? nullptr : find(it->second);
}

bool FlowTable::recently_released(Eid eid) const {
    const std::uint32_t slot = eid_slot(eid);
    if (slot == 0 || slot >= slots_.size() || eid_generation(eid) == 0) {
        return false;
    }
    const std::uint32_t current = generations_[slot];
    const std::uint32_t previous = (current + eid_generations - 1) % eid_generations;
    const std::uint32_t gen = eid_generation(eid);
    return (gen == current && !slots_[slot]) || (gen == previous && slots_[slot]);
}

void FlowTable::index_remote(FlowRecord& rec) {
    if (!rec.indexed && rec.remote_eid != no_eid) {
        by_remote_[RemoteKey{rec.peer, rec.remote_eid}] = rec.eid;
        rec.indexed = true;
    }
}

void FlowTable::erase(Eid eid) {
    FlowRecord* rec = find(eid);
    if (rec == nullptr) {
        return;
    }
    if (rec->indexed) {
        by_remote_.erase(RemoteKey{rec->peer, rec->remote_eid});
    }
    const std::uint32_t slot = eid_slot(eid);
    slots_[slot].reset();
    free_.push_back(slot);
    --live_;
}

}  // namespace ogw::ipcp
