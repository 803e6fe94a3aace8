// SPDX-License-Identifier: BSD-3-Clause
// Sits between a shim engine and its user (the node): passes every upcall on unchanged and
// reports each allocation that failed for a reason that may lie with the address (no reply in
// time, a refusal), with the name and address it was made to; not one cancelled by its owner
// or deallocated by the peer (-EFLOWPEER), which was reached. The Ethernet shim uses it to
// forget a resolved address that did not work, so the next allocation to the name queries the
// layer again.
#pragma once

#include <ipcp/shim_engine.hpp>

#include <functional>
#include <unordered_map>

namespace ogw::ipcp {

class EthUserRelay final : public EngineUser {
public:
    using AllocFailed = std::function<void(const NameHash& name, const PeerAddress& to, int error)>;

    EthUserRelay(EngineUser& user, AllocFailed on_alloc_failed)
        : user_(user), on_alloc_failed_(std::move(on_alloc_failed)) {}

    // The engine whose flows are relayed; set once it exists (it is built with the relay).
    void attach(const ShimEngine& engine) { engine_ = &engine; }

    int on_flow_request(Eid eid, const NameHash& name, const qosspec_t& qos,
                        const PeerAddress& from) override {
        return user_.on_flow_request(eid, name, qos, from);
    }
    void on_flow_state(Eid eid, std::uint64_t tag, flow::FlowState from, flow::FlowState to,
                       int alloc_result) override;
    void on_data(Eid eid, std::uint64_t tag, std::span<std::byte> sdu) override {
        user_.on_data(eid, tag, sdu);
    }
    bool serves(const NameHash& name) const override { return user_.serves(name); }

    std::size_t allocations_in_progress() const { return allocating_.size(); }

private:
    struct Target {
        NameHash name;
        PeerAddress to;
    };

    EngineUser& user_;
    AllocFailed on_alloc_failed_;
    const ShimEngine* engine_ = nullptr;
    std::unordered_map<Eid, Target> allocating_;
};

}  // namespace ogw::ipcp
