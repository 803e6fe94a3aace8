// SPDX-License-Identifier: BSD-3-Clause
// A test stand-in for the daemon's flow allocator and its applications: serves names, keeps
// each flow's delivery queue (SDUs and state changes, in order, as an application's flow
// socket would) and models a blocked flow_read with FlowEnd's semantics.
#pragma once

#include <flowlib/flow_end.hpp>
#include <ipcp/loopback.hpp>

#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ogw::ipcp::test {

struct ReadResult {
    Instant at;
    int error = 0;  // 0: data
    std::string data;
};

struct AppFlow {
    struct Item {
        bool is_state = false;
        flow::FlowState state = flow::FlowState::allocated;
        std::string data;
    };
    std::deque<Item> queue;
    flow::FlowEnd end;
    bool reading = false;  // a flow_read is blocked on this flow
    std::vector<ReadResult> reads;
    std::vector<int> events;
    int alloc_result = 0;
    std::uint64_t received = 0;
};

class TestNode final : public EngineUser {
public:
    TestNode(FakeClock& clock, LoopbackNetwork& net, std::string_view name,
             EngineConfig cfg = {})
        : clock_(clock), ipcp_(net, name, *this, cfg) {}

    ShimEngine& engine() { return ipcp_.engine(); }
    const PeerAddress& address() const { return ipcp_.address(); }

    void serve(std::string_view name) { served_.insert(NameHash::of(name).hex()); }
    bool accept_now = true;

    // Hooks for scripted applications.
    std::function<void(Eid, flow::FlowState from, flow::FlowState to)> on_state;
    std::function<void(Eid, const std::string&)> on_sdu;

    Eid alloc(Instant now, std::string_view name, const PeerAddress& to, qosspec_t qos = qos_raw,
              Duration timeout = std::chrono::seconds(5), std::string_view first = {}) {
        const auto* p = reinterpret_cast<const std::byte*>(first.data());
        auto r = engine().alloc(now, NameHash::of(name), qos, to, timeout, 0, {p, first.size()});
        if (!r) {
            return no_eid;
        }
        flows_[*r].end = flow::FlowEnd(flow::FlowState::alloc_pending);
        return *r;
    }

    int write(Instant now, Eid eid, std::string_view sdu) {
        std::vector<std::byte> frame(engine().data_header_size() + sdu.size() +
                                     engine().data_trailer_size());
        std::memcpy(frame.data() + engine().data_header_size(), sdu.data(), sdu.size());
        return engine().write(now, eid, frame);
    }

    // Starts a blocking flow_read; completes now if something is queued or the flow is dead.
    void read(Instant now, Eid eid) {
        flows_[eid].reading = true;
        pump(now, eid);
    }

    AppFlow& flow(Eid eid) { return flows_[eid]; }
    bool has_flow(Eid eid) const { return flows_.count(eid) != 0; }
    std::vector<Eid> accepted;

    // EngineUser
    int on_flow_request(Eid eid, const NameHash& name, const qosspec_t&,
                        const PeerAddress&) override {
        if (served_.count(name.hex()) == 0) {
            return -ENAME;
        }
        flows_[eid].end = flow::FlowEnd(flow::FlowState::accept_pending);
        accepted.push_back(eid);
        return accept_now ? 0 : accept_later;
    }

    void on_flow_state(Eid eid, std::uint64_t, flow::FlowState from, flow::FlowState to,
                       int alloc_result) override {
        AppFlow& f = flows_[eid];
        f.alloc_result = alloc_result;
        f.queue.push_back({true, to, {}});
        pump(now(), eid);
        if (on_state) {
            on_state(eid, from, to);
        }
    }

    void on_data(Eid eid, std::uint64_t, std::span<std::byte> sdu) override {
        AppFlow& f = flows_[eid];
        ++f.received;
        std::string s(reinterpret_cast<const char*>(sdu.data()), sdu.size());
        if (on_sdu) {
            on_sdu(eid, s);
            return;
        }
        f.queue.push_back({false, flow::FlowState::allocated, std::move(s)});
        pump(now(), eid);
    }

    Instant now() const { return clock_.now(); }

private:
    void pump(Instant now, Eid eid) {
        AppFlow& f = flows_[eid];
        while (!f.queue.empty() && f.queue.front().is_state) {
            const int ev = f.end.on_state(f.queue.front().state);
            if (ev != 0) {
                f.events.push_back(ev);
            }
            f.queue.pop_front();
        }
        if (!f.reading) {
            return;
        }
        if (!f.queue.empty()) {
            f.reads.push_back({now, 0, f.queue.front().data});
            f.queue.pop_front();
            f.reading = false;
        } else if (const int err = f.end.on_queue_empty(); err != 0) {
            f.reads.push_back({now, err, {}});
            f.reading = false;
        }
    }

    FakeClock& clock_;
    LoopbackIpcp ipcp_;
    std::set<std::string> served_;
    std::map<Eid, AppFlow> flows_;
};

}  // namespace ogw::ipcp::test
