// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/flow_fsm.hpp>
#include <flowlib/qos.hpp>

#include <algorithm>

namespace ogw::flow {

FlowFsm::FlowFsm(const qosspec_t& qos, const FsmConfig& config)
    : config_(&config), timeout_ms_(qos.timeout), rto_(config.rto_initial) {
    if (const auto cube = cube_index(qos)) {
        cube_ = *cube;
    } else {
        custom_qos_ = std::make_unique<const qosspec_t>(qos);
    }
}

qosspec_t FlowFsm::qos() const {
    return custom_qos_ ? *custom_qos_ : cube_at(cube_, timeout_ms_);
}

void FlowFsm::enter(FlowState s, FsmActions& out) {
    if (s == state_) {
        return;
    }
    previous_ = state_;
    state_ = s;
    out.add(FsmActions::state_changed);
}

void FlowFsm::close(FsmActions& out) {
    enter(FlowState::closed, out);
    out.add(FsmActions::release);
}

void FlowFsm::start_liveness(Instant now) {
    last_rx_ = now;
    last_tx_ = now;
}

void FlowFsm::arm_retransmit(Instant now) {
    // Exponential backoff from the current RTO estimate.
    Duration wait = rto_;
    for (int i = 1; i < sends_ && wait < config_->rto_max; ++i) {
        wait *= 2;
    }
    rtx_at_ = now + std::min(wait, config_->rto_max);
}

void FlowFsm::send_dealloc(Instant now, DeallocReason reason, FsmActions& out) {
    dealloc_reason_ = reason;
    out.add(FsmActions::send_dealloc);
    out.dealloc_reason = reason;
    out.dealloc_copies = sends_ == 0 ? config_->first_dealloc_copies : 1;
    ++sends_;
    arm_retransmit(now);
}

// ---------------------------------------------------------------- allocation, requester side

FsmActions FlowFsm::begin_alloc(Instant now, Duration alloc_timeout) {
    FsmActions out;
    enter(FlowState::alloc_pending, out);
    alloc_deadline_ = now + alloc_timeout;
    req_sent_at_ = now;
    sends_ = 1;
    arm_retransmit(now);
    out.add(FsmActions::send_flow_req);
    return out;
}

FsmActions FlowFsm::on_reply(Instant now, int response) {
    FsmActions out;
    if (state_ != FlowState::alloc_pending) {
        return out;  // duplicate or late reply
    }
    if (response != 0) {
        alloc_result_ = response < 0 ? response : -EIPCP;
        close(out);
        return out;
    }
    if (sends_ == 1) {
        on_rtt_sample(now - req_sent_at_);  // Karn: only unambiguous samples
    }
    sends_ = 0;
    alloc_result_ = 0;
    start_liveness(now);
    enter(FlowState::allocated, out);
    return out;
}

// ---------------------------------------------------------------- allocation, acceptor side

FsmActions FlowFsm::on_request(Instant now) {
    FsmActions out;
    start_liveness(now);
    enter(FlowState::accept_pending, out);
    return out;
}

FsmActions FlowFsm::on_duplicate_request(Instant now) {
    FsmActions out;
    last_rx_ = now;
    if (state_ == FlowState::allocated || state_ == FlowState::down) {
        out.add(FsmActions::send_flow_reply);  // our reply was lost: repeat it
        out.reply_code = 0;
    }
    return out;
}

FsmActions FlowFsm::accept(Instant now) {
    FsmActions out;
    if (state_ != FlowState::accept_pending) {
        return out;
    }
    start_liveness(now);
    enter(FlowState::allocated, out);
    out.add(FsmActions::send_flow_reply);
    out.reply_code = 0;
    return out;
}

FsmActions FlowFsm::reject(Instant /*now*/, int response) {
    FsmActions out;
    if (state_ != FlowState::accept_pending) {
        return out;
    }
    out.add(FsmActions::send_flow_reply);
    out.reply_code = response < 0 ? response : -EIPCP;
    alloc_result_ = out.reply_code;
    close(out);
    return out;
}

// ---------------------------------------------------------------- traffic

FsmActions FlowFsm::on_received(Instant now) {
    FsmActions out;
    last_rx_ = now;
    if (state_ == FlowState::peer_timed_out && now - last_refusal_ >= rto_) {
        // The peer is alive after all, but this end already gave up: tell it.
        last_refusal_ = now;
        out.add(FsmActions::send_dealloc);
        out.dealloc_reason = DeallocReason::timed_out;
    }
    return out;
}

// ---------------------------------------------------------------- deallocation

FsmActions FlowFsm::dealloc(Instant now, DeallocReason reason) {
    FsmActions out;
    switch (state_) {
    case FlowState::allocated:
        sends_ = 0;
        enter(FlowState::dealloc_pending, out);
        send_dealloc(now, reason, out);
        break;
    case FlowState::down:
    case FlowState::peer_timed_out:
        // The peer cannot be reached (or is dead): tell it once, in case it is alive behind a
        // healed path, but do not hold the flow for acknowledgements that will not come.
        sends_ = 0;
        send_dealloc(now, reason, out);
        close(out);
        break;
    case FlowState::accept_pending: {
        out = reject(now, -EFLOWPEER);
        break;
    }
    case FlowState::alloc_pending:
        // A reply that still arrives finds no flow and is answered with a dealloc.
        alloc_result_ = -EFLOWPEER;
        close(out);
        break;
    case FlowState::peer_deallocated:
        close(out);
        break;
    case FlowState::dealloc_pending:
    case FlowState::closed:
        break;
    }
    return out;
}

FsmActions FlowFsm::on_peer_dealloc(Instant now) {
    FsmActions out;
    last_rx_ = now;
    switch (state_) {
    case FlowState::allocated:
    case FlowState::down:
        out.add(FsmActions::send_dealloc_ack);
        enter(FlowState::peer_deallocated, out);
        break;
    case FlowState::peer_deallocated:
    case FlowState::peer_timed_out:
        out.add(FsmActions::send_dealloc_ack);
        break;
    case FlowState::dealloc_pending:
        // Both ends released at once: the peer's dealloc answers ours.
        out.add(FsmActions::send_dealloc_ack);
        close(out);
        break;
    case FlowState::alloc_pending:
        alloc_result_ = -EFLOWPEER;
        close(out);
        break;
    case FlowState::accept_pending:
        close(out);
        break;
    case FlowState::closed:
        break;
    }
    return out;
}

FsmActions FlowFsm::on_dealloc_ack(Instant /*now*/) {
    FsmActions out;
    if (state_ == FlowState::dealloc_pending) {
        close(out);
    }
    return out;
}

// ---------------------------------------------------------------- link state

FsmActions FlowFsm::on_link_down(Instant /*now*/) {
    FsmActions out;
    if (state_ == FlowState::allocated) {
        enter(FlowState::down, out);
    }
    return out;
}

FsmActions FlowFsm::on_link_up(Instant now) {
    FsmActions out;
    if (state_ == FlowState::down) {
        enter(FlowState::allocated, out);
        // Tell the peer at once that this end is still here.
        if (liveness_on()) {
            out.add(FsmActions::send_keepalive);
            last_tx_ = now;
        }
    }
    return out;
}

// ---------------------------------------------------------------- timers

std::optional<Instant> FlowFsm::liveness_deadline() const {
    if (!liveness_on()) {
        return std::nullopt;
    }
    const Instant dead_at = last_rx_ + timeout();
    if (state_ == FlowState::down) {
        return dead_at;  // no keepalives while the link is down
    }
    return std::min(dead_at, last_tx_ + timeout() / 4);
}

std::optional<Instant> FlowFsm::next_deadline() const {
    switch (state_) {
    case FlowState::alloc_pending: return std::min(rtx_at_, alloc_deadline_);
    case FlowState::dealloc_pending: return rtx_at_;
    case FlowState::allocated:
    case FlowState::down: return liveness_deadline();
    case FlowState::accept_pending:
    case FlowState::peer_deallocated:
    case FlowState::peer_timed_out:
    case FlowState::closed: return std::nullopt;
    }
    return std::nullopt;
}

FsmActions FlowFsm::on_timer(Instant now) {
    FsmActions out;
    switch (state_) {
    case FlowState::alloc_pending:
        if (now >= alloc_deadline_) {
            alloc_result_ = -ETIMEDOUT;
            close(out);
        } else if (now >= rtx_at_) {
            ++sends_;
            arm_retransmit(now);
            out.add(FsmActions::send_flow_req);
        }
        break;
    case FlowState::dealloc_pending:
        if (now >= rtx_at_) {
            if (sends_ >= config_->max_dealloc_sends) {
                close(out);  // the peer will find out through its own timeout
            } else {
                send_dealloc(now, dealloc_reason_, out);
            }
        }
        break;
    case FlowState::allocated:
    case FlowState::down:
        if (!liveness_on()) {
            break;
        }
        if (now - last_rx_ >= timeout()) {
            enter(FlowState::peer_timed_out, out);
        } else if (state_ == FlowState::allocated && now - last_tx_ >= timeout() / 4) {
            out.add(FsmActions::send_keepalive);
            last_tx_ = now;
        }
        break;
    case FlowState::accept_pending:
    case FlowState::peer_deallocated:
    case FlowState::peer_timed_out:
    case FlowState::closed: break;
    }
    return out;
}

void FlowFsm::on_rtt_sample(Duration rtt) {
    if (rtt.count() < 0) {
        return;
    }
    if (!has_rtt_) {
        has_rtt_ = true;
        srtt_ = rtt;
        rttvar_ = rtt / 2;
    } else {
        const Duration err = rtt > srtt_ ? rtt - srtt_ : srtt_ - rtt;
        rttvar_ = (3 * rttvar_ + err) / 4;
        srtt_ = (7 * srtt_ + rtt) / 8;
    }
    rto_ = std::clamp(srtt_ + 4 * rttvar_, config_->rto_min, config_->rto_max);
}

std::optional<Duration> FlowFsm::srtt() const {
    if (!has_rtt_) {
        return std::nullopt;
    }
    return srtt_;
}

}  // namespace ogw::flow
