// SPDX-License-Identifier: BSD-3-Clause
// The flows of one shim engine, by endpoint id and by (peer address, remote endpoint id).
// Slots are reused oldest-freed first and carry a generation, so a stale eid finds nothing.
#pragma once

#include <ipcp/flow_record.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace ogw::ipcp {

class FlowTable {
public:
    explicit FlowTable(std::uint32_t max_flows);

    // A new record with a fresh eid, or nullptr when the table is full.
    FlowRecord* create(const qosspec_t& qos, const flow::FsmConfig& cfg, Instant now);
    FlowRecord* find(Eid eid);
    const FlowRecord* find(Eid eid) const;
    FlowRecord* find_remote(const PeerAddress& peer, Eid remote);
    // The eid was this table's and its flow is gone: the last or the one before last in its
    // slot. Late copies of a closing exchange name such eids.
    bool recently_released(Eid eid) const;

    void index_remote(FlowRecord& rec);
    void erase(Eid eid);

    std::size_t size() const { return live_; }
    std::uint32_t capacity() const { return max_flows_; }

    template <class F>
    void for_each(F&& f) {
        for (auto& slot : slots_) {
            if (slot) {
                f(*slot);
            }
        }
    }
    template <class F>
    void for_each(F&& f) const {
        for (const auto& slot : slots_) {
            if (slot) {
                f(static_cast<const FlowRecord&>(*slot));
            }
        }
    }

private:
    struct RemoteKey {
        PeerAddress peer;
        Eid remote;
        bool operator==(const RemoteKey&) const = default;
    };
    struct RemoteKeyHasher {
        std::size_t operator()(const RemoteKey& k) const {
            return PeerAddressHasher{}(k.peer) * 31 + k.remote;
        }
    };

    std::uint32_t max_flows_;
    std::vector<std::unique_ptr<FlowRecord>> slots_;  // index = slot; slot 0 unused
    std::vector<std::uint32_t> generations_;
    std::deque<std::uint32_t> free_;
    std::unordered_map<RemoteKey, Eid, RemoteKeyHasher> by_remote_;
    std::size_t live_ = 0;
};

}  // namespace ogw::ipcp
