// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/shim_engine.hpp>

#include <flowlib/log.hpp>

#include <algorithm>

namespace ogw::ipcp {

using flow::DeallocReason;
using flow::FlowState;
using flow::FsmActions;

class ShimEngine::Reentry {
public:
    explicit Reentry(ShimEngine& e) : e_(e) { ++e_.depth_; }
    Reentry(const Reentry&) = delete;
    Reentry& operator=(const Reentry&) = delete;
    ~Reentry() {
        if (--e_.depth_ == 0) {
            for (Eid eid : e_.released_) {
                e_.flows_.erase(eid);
            }
            e_.released_.clear();
        }
    }

private:
    ShimEngine& e_;
};

std::uint64_t EngineCounters::total_drops() const {
    std::uint64_t n = 0;
    for (auto d : drops) {
        n += d;
    }
    return n;
}

ShimEngine::ShimEngine(const Codec& codec, Transmitter& tx, EngineUser& user,
                       EngineConfig config)
    : codec_(codec), tx_(tx), user_(user), config_(config), flows_(config.max_flows),
      admission_(config.admission), scratch_(wire::max_message_size) {
    init_security();
}

void ShimEngine::count_late_or_drop(Eid dst) {
    if (flows_.recently_released(dst)) {
        ++counters_.late_messages;
    } else {
        count_drop(DropReason::unknown_endpoint);
    }
}

FlowRecord* ShimEngine::live(Eid eid) {
    FlowRecord* rec = flows_.find(eid);
    if (rec == nullptr || rec->fsm.state() == FlowState::closed) {
        return nullptr;
    }
    return rec;
}

const FlowRecord* ShimEngine::find(Eid eid) const {
    const FlowRecord* rec = flows_.find(eid);
    if (rec == nullptr || rec->fsm.state() == FlowState::closed) {
        return nullptr;
    }
    return rec;
}

std::size_t ShimEngine::max_sdu() const {
    const std::size_t hdr = data_header_size() + data_trailer_size();
    const std::size_t msg = std::min(config_.max_message_size, wire::max_message_size);
    return msg > hdr ? msg - hdr : 0;
}

std::size_t ShimEngine::max_piggyback() const {
    const std::size_t fixed = wire::flow_req_size + config_.local_name.size() +
                              (secure_ ? secure::initiation_fixed_size : 0);
    const std::size_t msg = std::min(config_.max_message_size, wire::max_message_size);
    return msg > fixed ? msg - fixed : 0;
}

// ------------------------------------------------------------------------- actions, timers

void ShimEngine::transmit(const PeerAddress& to, const Message& m) {
    const std::size_t n = codec_.encode(m, scratch_);
    if (n == 0) {
        count_drop(DropReason::too_big);
        return;
    }
    ++counters_.tx_messages;
    tx_.transmit(to, std::span<const std::byte>(scratch_.data(), n));
}

void ShimEngine::send_message(const PeerAddress& to, const Message& m) { transmit(to, m); }

void ShimEngine::schedule(FlowRecord& rec) {
    auto due = rec.fsm.next_deadline();
    if (const auto sealed = rec.secure ? secure_deadline(rec) : std::nullopt) {
        due = due ? std::min(*due, *sealed) : *sealed;
    }
    if (!due) {
        rec.scheduled = unscheduled;
        return;
    }
    // Entries are never removed: a later one replaces an earlier one lazily (see on_timer).
    if (*due < rec.scheduled) {
        rec.scheduled = *due;
        timers_.emplace(*due, rec.eid);
    }
}

void ShimEngine::send_keepalive(Instant now, FlowRecord& rec) {
    rec.echo_token = next_token_++;
    rec.echo_sent = now;
    rec.counters.keepalives_sent++;
    transmit_for(now, rec, rec.peer,
                 KeepaliveMsg{rec.remote_eid, rec.eid, wire::keepalive_echo_request,
                              rec.echo_token});
}

void ShimEngine::deliver_first_sdu(FlowRecord& rec) {
    const std::unique_ptr<FlowRequest> request = std::move(rec.request);  // accepted: done
    if (!request || request->first_sdu.empty()) {
        return;
    }
    rec.counters.rx_packets++;
    rec.counters.rx_bytes += request->first_sdu.size();
    user_.on_data(rec.eid, rec.tag, request->first_sdu);
}

void ShimEngine::apply(Instant now, FlowRecord& rec, const FsmActions& a, bool ack) {
    if (a.has(FsmActions::send_flow_req)) {
        if (rec.secure && !rec.secure->request.empty()) {
            ++counters_.tx_messages;
            tx_.transmit(rec.peer, rec.secure->request);
        } else {
            transmit(rec.peer, FlowReqMsg{rec.eid, rec.request->name, rec.fsm.qos(),
                                          config_.local_name, rec.request->first_sdu});
        }
    }
    if (a.has(FsmActions::send_flow_reply)) {
        const Eid src = a.reply_code == 0 ? rec.eid : no_eid;
        if (rec.secure) {
            send_secure_reply(now, rec, a.reply_code);
        } else {
            transmit(rec.peer, FlowReplyMsg{rec.remote_eid, src, a.reply_code});
        }
    }
    if (a.has(FsmActions::send_keepalive)) {
        send_keepalive(now, rec);
    }
    if (a.has(FsmActions::send_dealloc) && rec.remote_eid != no_eid) {
        for (int i = 0; i < a.dealloc_copies; ++i) {
            transmit_for(now, rec, rec.peer,
                         FlowDeallocMsg{rec.remote_eid, rec.eid, a.dealloc_reason});
        }
    }
    if (a.has(FsmActions::send_dealloc_ack) && ack && rec.remote_eid != no_eid) {
        transmit_for(now, rec, rec.peer, DeallocAckMsg{rec.remote_eid, rec.eid});
    }
    if (a.has(FsmActions::state_changed)) {
        const FlowState from = rec.fsm.previous_state();
        const FlowState to = rec.fsm.state();
        if (rec.half_open && to != FlowState::accept_pending) {
            rec.half_open = false;
            admission_.half_open_removed(rec.peer);
        }
        if (to == FlowState::allocated && from == FlowState::alloc_pending) {
            rec.request.reset();
            if (rec.secure) {
                rec.secure->request = {};
                rec.secure->initiator.reset();
            }
            ++counters_.flows_allocated;
        } else if (to == FlowState::allocated && from == FlowState::accept_pending) {
            ++counters_.flows_allocated;
        } else if (to == FlowState::closed && rec.fsm.alloc_result() != 0 &&
                   (from == FlowState::alloc_pending || from == FlowState::accept_pending)) {
            ++counters_.flow_alloc_failures;
        }
        user_.on_flow_state(rec.eid, rec.tag, from, to, rec.fsm.alloc_result());
    }
    if (a.has(FsmActions::release)) {
        released_.push_back(rec.eid);
        rec.scheduled = unscheduled;
        return;
    }
    schedule(rec);
}

void ShimEngine::on_timer(Instant now) {
    Reentry guard(*this);
    while (!timers_.empty() && timers_.top().first <= now) {
        const auto [when, eid] = timers_.top();
        timers_.pop();
        FlowRecord* rec = live(eid);
        if (rec == nullptr || rec->scheduled != when) {
            continue;  // stale entry
        }
        rec->scheduled = unscheduled;
        apply(now, *rec, rec->fsm.on_timer(now));
        if (rec->secure && (rec = live(eid)) != nullptr) {
            secure_timer(now, *rec);
        }
    }
}

std::optional<Instant> ShimEngine::next_deadline() const {
    if (timers_.empty()) {
        return std::nullopt;
    }
    return timers_.top().first;
}

// ------------------------------------------------------------------------- owner requests

Result<Eid> ShimEngine::alloc(Instant now, const NameHash& name, const qosspec_t& qos,
                              const PeerAddress& to, Duration alloc_timeout, std::uint64_t tag,
                              std::span<const std::byte> first_sdu) {
    Reentry guard(*this);
    if (first_sdu.size() > max_piggyback()) {
        return unexpected(Error::from_errno(EMSGSIZE, "first SDU does not fit a flow request"));
    }
    FlowRecord* rec = flows_.create(qos, config_.fsm, now);
    if (rec == nullptr) {
        return unexpected(Error::from_errno(ENOMEM, "flow table full"));
    }
    rec->peer = to;
    rec->request = std::make_unique<FlowRequest>();
    rec->request->name = name;
    rec->tag = tag;
    if (secure_) {
        if (auto r = secure_alloc(now, *rec, first_sdu); !r) {
            flows_.erase(rec->eid);
            return unexpected(r.error());
        }
    }
    if (!rec->secure) {
        rec->request->first_sdu.assign(first_sdu.begin(), first_sdu.end());
    }
    apply(now, *rec, rec->fsm.begin_alloc(now, alloc_timeout));
    return rec->eid;
}

void ShimEngine::accept(Instant now, Eid eid, std::uint64_t tag) {
    Reentry guard(*this);
    FlowRecord* rec = live(eid);
    if (rec == nullptr) {
        return;
    }
    rec->tag = tag;
    apply(now, *rec, rec->fsm.accept(now));
    if (rec->fsm.state() == FlowState::allocated) {
        deliver_first_sdu(*rec);
    }
}

void ShimEngine::reject(Instant now, Eid eid, int response) {
    Reentry guard(*this);
    if (FlowRecord* rec = live(eid)) {
        apply(now, *rec, rec->fsm.reject(now, response));
    }
}

void ShimEngine::dealloc(Instant now, Eid eid, DeallocReason reason) {
    Reentry guard(*this);
    if (FlowRecord* rec = live(eid)) {
        apply(now, *rec, rec->fsm.dealloc(now, reason));
    }
}

void ShimEngine::dealloc_all(Instant now, DeallocReason reason) {
    Reentry guard(*this);
    std::vector<Eid> eids;
    flows_.for_each([&](const FlowRecord& r) { eids.push_back(r.eid); });
    for (Eid eid : eids) {
        dealloc(now, eid, reason);
    }
}

void ShimEngine::set_tag(Eid eid, std::uint64_t tag) {
    if (FlowRecord* rec = live(eid)) {
        rec->tag = tag;
    }
}

// ------------------------------------------------------------------------- data path

DataDestination ShimEngine::prepare_data(Instant now, Eid eid, std::span<std::byte> frame) {
    FlowRecord* rec = live(eid);
    if (rec == nullptr) {
        return {-ENOTALLOC, nullptr};
    }
    if (const int err = flow::write_error(rec->fsm.state()); err != 0) {
        return {err, nullptr};
    }
    if (secure_) {
        return prepare_secure_data(now, *rec, frame);
    }
    const std::size_t hdr = codec_.data_header_size();
    const std::size_t sdu = frame.size() - hdr;
    if (frame.size() < hdr || sdu > max_sdu() ||
        !codec_.write_data_header(frame.first(hdr), rec->remote_eid, sdu)) {
        rec->counters.drops++;
        return {-EMSGSIZE, nullptr};
    }
    rec->fsm.note_sent(now);
    rec->counters.tx_packets++;
    rec->counters.tx_bytes += sdu;
    return {0, &rec->peer, frame.size()};
}

int ShimEngine::write(Instant now, Eid eid, std::span<std::byte> frame) {
    const DataDestination d = prepare_data(now, eid, frame);
    if (d.error != 0) {
        return d.error;
    }
    ++counters_.tx_messages;
    tx_.transmit(*d.to, frame.first(d.size));
    return 0;
}

// ------------------------------------------------------------------------- network input

void ShimEngine::on_receive(Instant now, const PeerAddress& from, std::span<std::byte> bytes) {
    Reentry guard(*this);
    if (secure_) {
        on_receive_secure(now, from, bytes);
        return;
    }
    const Decoded d = codec_.decode(bytes, config_.padded_underlay);
    if (!d.ok()) {
        count_drop(d.drop);
        return;
    }
    ++counters_.rx_messages;
    dispatch(now, from, d.msg, bytes);
}

void ShimEngine::dispatch(Instant now, const PeerAddress& from, const Message& msg,
                          std::span<std::byte> bytes) {
    std::visit(
        [&](const auto& m) {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, DataMsg>) {
                handle(now, from, m, bytes);
            } else if constexpr (std::is_same_v<M, NameQueryMsg>) {
                if (name_handler_ != nullptr) {
                    name_handler_->on_name_query(now, from, m);
                } else {
                    count_drop(DropReason::bad_type);
                }
            } else if constexpr (std::is_same_v<M, NameReplyMsg>) {
                if (name_handler_ != nullptr) {
                    name_handler_->on_name_reply(now, from, m);
                } else {
                    count_drop(DropReason::bad_type);
                }
            } else {
                handle(now, from, m);
            }
        },
        msg);
}

bool ShimEngine::reply_budget(Instant now) {
    if (now - unknown_window_ >= std::chrono::seconds(1)) {
        unknown_window_ = now;
        unknown_in_window_ = 0;
    }
    if (unknown_in_window_ >= config_.unknown_replies_per_second) {
        return false;
    }
    ++unknown_in_window_;
    return true;
}

void ShimEngine::answer_unknown(Instant now, const PeerAddress& to, const FlowDeallocMsg& m) {
    // A sealed flow's peer takes this only as a hint to probe with an authenticated keepalive
    // (docs/security.md §8): it is sent whatever the encryption mode.
    if (!reply_budget(now)) {
        ++counters_.unknown_endpoint_replies_suppressed;
        return;
    }
    ++counters_.unknown_endpoint_replies;
    transmit(to, m);
}

void ShimEngine::handle(Instant now, const PeerAddress& from, const DataMsg& m,
                        std::span<std::byte> in) {
    FlowRecord* rec = live(m.dst_eid);
    if (rec == nullptr) {
        count_drop(DropReason::unknown_endpoint);
        answer_unknown(now, from, FlowDeallocMsg{no_eid, m.dst_eid, DeallocReason::unknown_endpoint});
        return;
    }
    if (!(rec->peer == from)) {
        count_drop(DropReason::wrong_peer);
        return;
    }
    const FlowState s = rec->fsm.state();
    if (s != FlowState::allocated && s != FlowState::down) {
        count_drop(DropReason::not_allocated);
        rec->counters.drops++;
        apply(now, *rec, rec->fsm.on_received(now));
        return;
    }
    rec->fsm.on_received(now);  // no actions while allocated or down
    rec->counters.rx_packets++;
    rec->counters.rx_bytes += m.sdu.size();
    const auto offset = static_cast<std::size_t>(m.sdu.data() - in.data());
    user_.on_data(rec->eid, rec->tag, in.subspan(offset, m.sdu.size()));
}

void ShimEngine::handle(Instant now, const PeerAddress& from, const FlowReqMsg& m,
                        std::unique_ptr<SecureFlow> sec) {
    if (FlowRecord* dup = flows_.find_remote(from, m.src_eid);
        dup != nullptr && dup->fsm.state() != FlowState::closed) {
        apply(now, *dup, dup->fsm.on_duplicate_request(now));
        return;
    }
    if (admission_.admit_request(from) != Admit::yes) {
        count_drop(DropReason::overloaded);  // no state, no answer: the requester retransmits
        return;
    }
    FlowRecord* rec = flows_.create(m.qos, config_.fsm, now);
    if (rec == nullptr) {
        transmit(from, FlowReplyMsg{m.src_eid, no_eid, -ENOMEM});
        ++counters_.flow_alloc_failures;
        return;
    }
    rec->peer = from;
    rec->remote_eid = m.src_eid;
    rec->request = std::make_unique<FlowRequest>(FlowRequest{
        m.name, std::string(m.src_name), {m.piggyback.begin(), m.piggyback.end()}});
    rec->secure = std::move(sec);
    flows_.index_remote(*rec);
    rec->fsm.on_request(now);  // accept_pending; the owner learns of it through the upcall
    rec->half_open = true;
    admission_.half_open_added(from);

    const Eid eid = rec->eid;
    const int verdict = user_.on_flow_request(eid, m.name, m.qos, from);
    rec = live(eid);
    if (rec == nullptr || rec->fsm.state() != FlowState::accept_pending) {
        return;  // the owner acted inside the upcall
    }
    if (verdict == 0) {
        accept(now, eid, rec->tag);
    } else if (verdict < 0) {
        apply(now, *rec, rec->fsm.reject(now, verdict));
    }
}

void ShimEngine::handle(Instant now, const PeerAddress& from, const FlowReplyMsg& m) {
    FlowRecord* rec = live(m.dst_eid);
    if (rec == nullptr || !(rec->peer == from)) {
        count_drop(rec == nullptr ? DropReason::unknown_endpoint : DropReason::wrong_peer);
        if (rec == nullptr && m.response == 0) {
            // The peer accepted a flow this end no longer wants: release it there.
            answer_unknown(now, from,
                           FlowDeallocMsg{m.src_eid, m.dst_eid, DeallocReason::unknown_endpoint});
        }
        return;
    }
    if (rec->fsm.state() != FlowState::alloc_pending) {
        if (m.response == 0 && m.src_eid != rec->remote_eid) {
            answer_unknown(now, from,
                           FlowDeallocMsg{m.src_eid, m.dst_eid, DeallocReason::unknown_endpoint});
        }
        return;  // duplicate reply
    }
    if (m.response == 0) {
        rec->remote_eid = m.src_eid;
        flows_.index_remote(*rec);
    }
    apply(now, *rec, rec->fsm.on_reply(now, m.response));
}

void ShimEngine::handle(Instant now, const PeerAddress& from, const FlowDeallocMsg& m) {
    FlowRecord* rec = nullptr;
    if (m.dst_eid != no_eid) {
        rec = live(m.dst_eid);
        if (rec != nullptr && (!(rec->peer == from) ||
                               (rec->remote_eid != no_eid && rec->remote_eid != m.src_eid))) {
            count_drop(DropReason::wrong_peer);
            return;
        }
    } else {
        rec = flows_.find_remote(from, m.src_eid);
        if (rec != nullptr && rec->fsm.state() == FlowState::closed) {
            rec = nullptr;
        }
    }
    const bool unknown_endpoint = m.reason == DeallocReason::unknown_endpoint;
    if (rec == nullptr) {
        count_late_or_drop(m.dst_eid);
        if (!unknown_endpoint) {
            // Our earlier ack was lost and the flow is gone: acknowledge again.
            transmit(from, DeallocAckMsg{m.src_eid, m.dst_eid});
        }
        return;
    }
    apply(now, *rec, rec->fsm.on_peer_dealloc(now), !unknown_endpoint);
}

void ShimEngine::handle(Instant now, const PeerAddress& from, const DeallocAckMsg& m) {
    FlowRecord* rec = live(m.dst_eid);
    if (rec == nullptr) {
        count_late_or_drop(m.dst_eid);
        return;  // acks are never answered
    }
    if (!(rec->peer == from) || rec->remote_eid != m.src_eid) {
        count_drop(DropReason::wrong_peer);
        return;
    }
    apply(now, *rec, rec->fsm.on_dealloc_ack(now));
}

void ShimEngine::handle(Instant now, const PeerAddress& from, const KeepaliveMsg& m) {
    FlowRecord* rec = live(m.dst_eid);
    if (rec == nullptr) {
        count_drop(DropReason::unknown_endpoint);
        answer_unknown(now, from, FlowDeallocMsg{no_eid, m.dst_eid, DeallocReason::unknown_endpoint});
        return;
    }
    if (!(rec->peer == from) || rec->remote_eid != m.src_eid) {
        count_drop(DropReason::wrong_peer);
        return;
    }
    rec->counters.keepalives_received++;
    const FlowState s = rec->fsm.state();
    apply(now, *rec, rec->fsm.on_received(now));
    if (s != FlowState::allocated && s != FlowState::down) {
        return;
    }
    if ((m.flags & wire::keepalive_echo_request) != 0) {
        rec->fsm.note_sent(now);
        rec->counters.keepalives_sent++;
        transmit_for(now, *rec, from,
                     KeepaliveMsg{rec->remote_eid, rec->eid, wire::keepalive_echo_reply,
                                  m.token});
    } else if ((m.flags & wire::keepalive_echo_reply) != 0 && m.token == rec->echo_token &&
               rec->echo_token != 0) {
        rec->fsm.on_rtt_sample(now - rec->echo_sent);
        rec->echo_token = 0;
    }
}

// ------------------------------------------------------------------------- link state

void ShimEngine::on_link(Instant now, bool up) {
    Reentry guard(*this);
    std::vector<Eid> eids;
    flows_.for_each([&](const FlowRecord& r) { eids.push_back(r.eid); });
    for (Eid eid : eids) {
        if (FlowRecord* rec = live(eid)) {
            apply(now, *rec, up ? rec->fsm.on_link_up(now) : rec->fsm.on_link_down(now));
        }
    }
}

}  // namespace ogw::ipcp
