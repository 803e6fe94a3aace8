// SPDX-License-Identifier: BSD-3-Clause
// The flow machinery shared by every shim IPCP, sans I/O: the eid table, one FlowFsm per flow,
// the management protocol (request/reply, dealloc/ack, keepalives, unknown-endpoint answers)
// and per-flow counters. A driver feeds it received bytes and timer ticks; it sends through a
// Transmitter and reports to its EngineUser. Upcalls may call back into the engine.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/flow_fsm.hpp>
#include <flowlib/result.hpp>
#include <ipcp/admission.hpp>
#include <ipcp/codec.hpp>
#include <ipcp/engine_security.hpp>
#include <ipcp/flow_table.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <span>
#include <vector>

namespace ogw::ipcp {

class Transmitter {
public:
    virtual ~Transmitter() = default;
    // Sends one message now, or copies it; `bytes` is only valid during the call.
    virtual void transmit(const PeerAddress& to, std::span<const std::byte> bytes) = 0;
};

// Returned by EngineUser::on_flow_request to keep a request waiting for accept()/reject().
inline constexpr int accept_later = 1;

class EngineUser {
public:
    virtual ~EngineUser() = default;
    // A new flow was requested. Return 0 to accept it now, accept_later, or a negative errno
    // that the requester receives as the reply's response.
    virtual int on_flow_request(Eid eid, const NameHash& name, const qosspec_t& qos,
                                const PeerAddress& from) = 0;
    // A flow changed state. alloc_result is the negative errno of a failed allocation.
    virtual void on_flow_state(Eid eid, std::uint64_t tag, flow::FlowState from,
                               flow::FlowState to, int alloc_result) = 0;
    // An SDU arrived. The span may be modified and is valid only during the call.
    virtual void on_data(Eid eid, std::uint64_t tag, std::span<std::byte> sdu) = 0;
    // Whether `name` is served here: an Ethernet IPCP answers a NAME_QUERY only then.
    virtual bool serves(const NameHash& /*name*/) const { return false; }
};

// Name queries are resolved above the engine (Ethernet shim); the engine passes them on.
class NameMessageHandler {
public:
    virtual ~NameMessageHandler() = default;
    virtual void on_name_query(Instant now, const PeerAddress& from, const NameQueryMsg& q) = 0;
    virtual void on_name_reply(Instant now, const PeerAddress& from, const NameReplyMsg& r) = 0;
};

struct EngineConfig {
    std::string local_name;                   // this node's name, sent in FLOW_REQ
    std::uint32_t max_flows = 1U << 18;
    std::size_t max_message_size = 1472;      // largest datagram the path carries
    flow::FsmConfig fsm;
    std::uint32_t unknown_replies_per_second = 200;  // dealloc answers to unknown eids
    bool padded_underlay = false;             // Ethernet pads short frames
    AdmissionConfig admission;                // per-source bounds, load (docs/security.md §7)
    // Keys and policy (docs/security.md); null or mode off: protocol v1 without security.
    std::shared_ptr<const EngineSecurity> security;
};

struct EngineCounters {
    std::array<std::uint64_t, drop_reason_count> drops{};
    std::uint64_t rx_messages = 0;
    std::uint64_t tx_messages = 0;
    std::uint64_t unknown_endpoint_replies = 0;
    std::uint64_t unknown_endpoint_replies_suppressed = 0;
    // Duplicate FLOW_DEALLOC / DEALLOC_ACK copies for a flow this end already closed.
    std::uint64_t late_messages = 0;
    std::uint64_t rekeys = 0;  // sealed flows given new keys (either end)
    std::uint64_t cookie_replies = 0;  // sealed requests answered with a cookie (under load)
    // Sealed flows probed after an unknown-endpoint answer, and those found gone that way.
    std::uint64_t restart_probes = 0;
    std::uint64_t restarts_detected = 0;
    std::uint64_t flows_allocated = 0;
    std::uint64_t flow_alloc_failures = 0;

    std::uint64_t total_drops() const;
};

// Where a prepared data packet goes. `error` is 0 or a negative errno (then `to` is null).
// `size`: how many bytes of the frame, from its start, to send.
struct DataDestination {
    int error = 0;
    const PeerAddress* to = nullptr;
    std::size_t size = 0;
};

class ShimEngine {
public:
    ShimEngine(const Codec& codec, Transmitter& tx, EngineUser& user, EngineConfig config = {});
    ~ShimEngine();
    ShimEngine(const ShimEngine&) = delete;
    ShimEngine& operator=(const ShimEngine&) = delete;

    // ---- requests from the owner
    // Starts allocating a flow to `name` served at `to`. first_sdu rides on the FLOW_REQ.
    Result<Eid> alloc(Instant now, const NameHash& name, const qosspec_t& qos,
                      const PeerAddress& to, Duration alloc_timeout, std::uint64_t tag,
                      std::span<const std::byte> first_sdu = {});
    void accept(Instant now, Eid eid, std::uint64_t tag);
    void reject(Instant now, Eid eid, int response);
    void dealloc(Instant now, Eid eid, flow::DeallocReason reason = flow::DeallocReason::closed);
    void dealloc_all(Instant now, flow::DeallocReason reason);
    void set_tag(Eid eid, std::uint64_t tag);

    // ---- data path
    // Room before and after the SDU in a data frame (sealed flows: counter field and tag).
    std::size_t data_header_size() const {
        return secure_ ? secure::sealed_prefix_size : codec_.data_header_size();
    }
    std::size_t data_trailer_size() const { return secure_ ? secure::sealed_suffix_size : 0; }
    bool encryption_enabled() const { return secure_ != nullptr; }
    std::size_t max_sdu() const;
    // The largest first SDU that fits into a FLOW_REQ.
    std::size_t max_piggyback() const;
    // `frame` = data_header_size() bytes of headroom, the SDU, data_trailer_size() bytes of
    // tailroom. Writes the header (and seals) and returns where to send the first `size`
    // bytes of the frame; the caller sends them (and may batch).
    DataDestination prepare_data(Instant now, Eid eid, std::span<std::byte> frame);
    // prepare_data followed by an immediate transmit. Returns 0 or a negative errno.
    int write(Instant now, Eid eid, std::span<std::byte> frame);

    // ---- input from the driver
    void on_receive(Instant now, const PeerAddress& from, std::span<std::byte> bytes);
    void on_link(Instant now, bool up);
    void on_timer(Instant now);
    std::optional<Instant> next_deadline() const;
    void set_max_message_size(std::size_t size) { config_.max_message_size = size; }
    void set_name_handler(NameMessageHandler* h) { name_handler_ = h; }
    // Encodes and sends a management message (name queries and replies).
    void send_message(const PeerAddress& to, const Message& m);

    // ---- inspection
    const FlowRecord* find(Eid eid) const;
    template <class F>
    void for_each_flow(F&& f) const {
        flows_.for_each([&](const FlowRecord& r) {
            if (r.fsm.state() != flow::FlowState::closed) {
                f(r);
            }
        });
    }
    std::size_t flow_count() const { return flows_.size(); }
    const EngineCounters& counters() const { return counters_; }
    // Flows waiting for their owner's accept (bounded per source, docs/security.md §7).
    std::size_t half_open_flows() const { return admission_.half_open(); }
    void count_drop(DropReason r) { ++counters_.drops[static_cast<std::size_t>(r)]; }
    // A closing message for `dst` with no live flow: late if `dst` was ours, else a drop.
    void count_late_or_drop(Eid dst);

private:
    class Reentry;  // defers freeing of closed flows until the outermost call returns
    struct SecureState;  // shim_engine_secure.cpp
    struct SecureStateDeleter {
        void operator()(SecureState* s) const;
    };

    FlowRecord* live(Eid eid);
    void apply(Instant now, FlowRecord& rec, const flow::FsmActions& a, bool ack = true);
    void schedule(FlowRecord& rec);
    void transmit(const PeerAddress& to, const Message& m);
    void answer_unknown(Instant now, const PeerAddress& to, const FlowDeallocMsg& m);
    void deliver_first_sdu(FlowRecord& rec);

    void handle(Instant now, const PeerAddress& from, const DataMsg& m, std::span<std::byte> in);
    void handle(Instant now, const PeerAddress& from, const FlowReqMsg& m,
                std::unique_ptr<SecureFlow> sec = nullptr);
    void handle(Instant now, const PeerAddress& from, const FlowReplyMsg& m);
    void handle(Instant now, const PeerAddress& from, const FlowDeallocMsg& m);
    void handle(Instant now, const PeerAddress& from, const DeallocAckMsg& m);
    void handle(Instant now, const PeerAddress& from, const KeepaliveMsg& m);
    void dispatch(Instant now, const PeerAddress& from, const Message& msg,
                  std::span<std::byte> bytes);

    // ---- sealed flows (shim_engine_secure.cpp)
    void init_security();
    Result<void> secure_alloc(Instant now, FlowRecord& rec, std::span<const std::byte> first);
    void on_receive_secure(Instant now, const PeerAddress& from, std::span<std::byte> bytes);
    bool plain_allowed(const PeerAddress& from, const Message& m);
    void receive_sealed(Instant now, const PeerAddress& from, std::span<std::byte> frame);
    void receive_initiation(Instant now, const PeerAddress& from, std::span<std::byte> msg);
    void receive_secure_reply(Instant now, const PeerAddress& from, std::span<std::byte> msg);
    void send_secure_reply(Instant now, FlowRecord& rec, int code);
    void refuse(Instant now, const PeerAddress& to, std::span<const std::byte> request,
                Eid requester, int response);
    // Under load: the cookie reply (docs/security.md §3.4) to a request without a valid mac2.
    void send_cookie(Instant now, const PeerAddress& to, std::span<const std::byte> request,
                     Eid requester);
    // Sends an answer to unauthenticated input within the per-second budget; false if over it.
    bool send_budgeted(Instant now, const PeerAddress& to, std::span<const std::byte> reply);
    // Sends m to the flow's peer, sealed when the flow has keys.
    void transmit_for(Instant now, FlowRecord& rec, const PeerAddress& to, const Message& m);
    DataDestination prepare_secure_data(Instant now, FlowRecord& rec, std::span<std::byte> frame);
    bool reply_budget(Instant now);
    void send_keepalive(Instant now, FlowRecord& rec);
    // Rekeying live flows (docs/security.md §6.1).
    secure::SessionLimits limits_for(const FlowRecord& rec) const;
    bool rekeys_now(const FlowRecord& rec) const;  // this end starts rekeys of rec now
    // When rec's rekey timer is due: after secure_timer() ran at that time, it lies ahead.
    std::optional<Instant> secure_deadline(const FlowRecord& rec) const;
    void secure_timer(Instant now, FlowRecord& rec);
    void send_rekey(Instant now, FlowRecord& rec, const secure::RekeyBody& body);
    void receive_rekey(Instant now, FlowRecord& rec, std::span<const std::byte> body);
    // A plain unknown-endpoint dealloc: for a sealed flow, a hint to probe; true if taken.
    bool unknown_endpoint_hint(Instant now, const PeerAddress& from, const Message& m);

    const Codec& codec_;
    Transmitter& tx_;
    EngineUser& user_;
    NameMessageHandler* name_handler_ = nullptr;
    EngineConfig config_;
    FlowTable flows_;
    EngineCounters counters_;
    Admission admission_;

    using TimerEntry = std::pair<Instant, Eid>;
    std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_;

    int depth_ = 0;
    std::vector<Eid> released_;
    std::vector<std::byte> scratch_;
    std::uint32_t next_token_ = 1;
    Instant unknown_window_{};
    std::uint32_t unknown_in_window_ = 0;
    std::unique_ptr<SecureState, SecureStateDeleter> secure_;
};

}  // namespace ogw::ipcp
