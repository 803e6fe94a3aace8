// SPDX-License-Identifier: BSD-3-Clause
// The life of one flow end, sans I/O. Every input is an event that happened ("on_reply",
// "on_peer_dealloc") or a request of the owner ("accept", "dealloc"), takes `now`, and returns
// the actions the owner must carry out. The owner asks next_deadline() when to call on_timer().
//
// Liveness (design.md §2): a keepalive is due after timeout/4 without sending; the peer is
// declared gone after timeout without receiving anything from the network. The data path only
// stamps note_sent()/note_received(); it never reschedules timers.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/flow_state.hpp>

#include <ogw/qos.h>

#include <cstdint>
#include <memory>
#include <optional>

namespace ogw::flow {

struct FsmConfig {
    Duration rto_initial = std::chrono::milliseconds(200);
    Duration rto_min = std::chrono::milliseconds(10);
    Duration rto_max = std::chrono::seconds(2);
    int max_dealloc_sends = 8;     // FLOW_DEALLOC transmissions before giving up on the ack
    int first_dealloc_copies = 2;  // copies of the first FLOW_DEALLOC
};

inline constexpr FsmConfig default_fsm_config{};

class FsmActions {
public:
    enum Bit : std::uint16_t {
        send_flow_req = 1U << 0,
        send_flow_reply = 1U << 1,   // with reply_code
        send_keepalive = 1U << 2,
        send_dealloc = 1U << 3,      // with dealloc_reason
        send_dealloc_ack = 1U << 4,
        state_changed = 1U << 5,     // tell the owner (event, wake readers)
        release = 1U << 6,           // the flow is closed: free its record
    };

    bool has(Bit b) const { return (bits_ & b) != 0; }
    bool empty() const { return bits_ == 0; }
    void add(Bit b) { bits_ = static_cast<std::uint16_t>(bits_ | b); }
    std::uint16_t bits() const { return bits_; }

    int reply_code = 0;
    DeallocReason dealloc_reason = DeallocReason::closed;
    // The first FLOW_DEALLOC goes out twice, so that one lost copy does not delay the
    // peer's news by a retransmission timeout.
    int dealloc_copies = 1;

private:
    std::uint16_t bits_ = 0;
};

class FlowFsm {
public:
    // `config` is shared (an engine's one for all its flows): it must outlive the FSM.
    FlowFsm(const qosspec_t& qos, const FsmConfig& config = default_fsm_config);
    FlowFsm(const qosspec_t& qos, FsmConfig&& config) = delete;

    // --- allocation, requester side
    FsmActions begin_alloc(Instant now, Duration alloc_timeout);
    FsmActions on_reply(Instant now, int response);

    // --- allocation, acceptor side
    FsmActions on_request(Instant now);
    FsmActions on_duplicate_request(Instant now);
    FsmActions accept(Instant now);
    FsmActions reject(Instant now, int response);

    // --- traffic; cheap, called per packet
    void note_sent(Instant now) { last_tx_ = now; }
    FsmActions on_received(Instant now);

    // --- deallocation
    FsmActions dealloc(Instant now, DeallocReason reason = DeallocReason::closed);
    FsmActions on_peer_dealloc(Instant now);
    FsmActions on_dealloc_ack(Instant now);

    // --- link state of the IPCP's interface
    FsmActions on_link_down(Instant now);
    FsmActions on_link_up(Instant now);

    // --- timers
    FsmActions on_timer(Instant now);
    std::optional<Instant> next_deadline() const;
    void on_rtt_sample(Duration rtt);

    FlowState state() const { return state_; }
    FlowState previous_state() const { return previous_; }
    qosspec_t qos() const;
    Duration timeout() const { return from_ms(timeout_ms_); }
    // 0 once allocated; the negative errno of a failed allocation.
    int alloc_result() const { return alloc_result_; }
    Instant last_received() const { return last_rx_; }
    Instant last_sent() const { return last_tx_; }
    std::optional<Duration> srtt() const;
    Duration rto() const { return rto_; }

private:
    void enter(FlowState s, FsmActions& out);
    void close(FsmActions& out);
    void start_liveness(Instant now);
    void arm_retransmit(Instant now);
    void send_dealloc(Instant now, DeallocReason reason, FsmActions& out);
    bool liveness_on() const { return timeout_ms_ > 0; }
    std::optional<Instant> liveness_deadline() const;

    // Ordered for packing: one per flow.
    const FsmConfig* config_;
    // The QoS as its cube and timeout: a spec that matches no cube is kept whole.
    std::uint64_t timeout_ms_;
    std::unique_ptr<const qosspec_t> custom_qos_;
    Instant last_rx_{};
    Instant last_tx_{};
    Instant rtx_at_{};          // next FLOW_REQ/FLOW_DEALLOC retransmission
    Instant alloc_deadline_{};  // alloc_pending gives up here
    Instant req_sent_at_{};     // for the RTT sample of an unretransmitted request
    Instant last_refusal_{};    // rate limit of deallocs answering a timed-out peer
    Duration srtt_{0};
    Duration rttvar_{0};
    Duration rto_;
    int sends_ = 0;             // transmissions of the current FLOW_REQ/FLOW_DEALLOC
    int alloc_result_ = 0;
    FlowState state_ = FlowState::closed;
    FlowState previous_ = FlowState::closed;
    DeallocReason dealloc_reason_ = DeallocReason::closed;
    bool has_rtt_ = false;
    std::uint8_t cube_ = 0;  // without custom_qos_
};

}  // namespace ogw::flow
