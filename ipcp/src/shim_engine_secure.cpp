// SPDX-License-Identifier: BSD-3-Clause
// The shim engine's sealed flows (docs/security.md §9): the handshake in FLOW_REQ/FLOW_REPLY,
// sealing and opening of every later message, and the policy for plain input. Security order
// (style anchors §A6.3): authenticate, then update replay state, then act on the content.
#include <ipcp/shim_engine.hpp>

#include <flowlib/bytes.hpp>
#include <flowlib/log.hpp>
#include <ogw/errno.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace ogw::ipcp {

namespace sec = secure;
using flow::DeallocReason;
using flow::FlowState;

struct ShimEngine::SecureState {
    explicit SecureState(const EngineSecurity& c)
        : cfg(c), rng(c.rng ? c.rng : std::make_shared<sec::SodiumRng>()),
          responder(*c.identity, peers, *rng, c.freshness) {
        for (const auto& [name, key] : c.peers) {
            if (peers.add(name, key)) {
                by_name.emplace_back(NameHash::of(name), key);
            }
        }
    }

    const EngineSecurity& cfg;
    sec::PeerTable peers;
    std::shared_ptr<sec::Rng> rng;
    sec::Responder responder;
    sec::InitiationClock clock;
    std::vector<std::pair<NameHash, sec::PublicKey>> by_name;  // file order
    // The last cookie each responder address gave us (docs/security.md §7), for new flows.
    std::unordered_map<PeerAddress, std::pair<sec::Mac, Instant>, PeerAddressHasher> cookies;
    static constexpr std::size_t max_cookies = 4096;

    // The key of the node serving `name` at `to` (docs/configuration.md, [security]).
    const sec::PublicKey* key_for(const NameHash& name, const PeerAddress& to) const {
        for (const auto& [hash, key] : by_name) {
            if (hash == name) {
                return &key;
            }
        }
        if (cfg.lookup) {
            for (const auto& [peer, key] : cfg.peers) {
                if (const auto at = cfg.lookup(peer); at && *at == to) {
                    return peers.find(key) != nullptr ? &key : nullptr;
                }
            }
        }
        return nullptr;
    }
    bool required() const { return cfg.mode == EncryptionMode::required; }
};

namespace {

DropReason drop_for(sec::SecureError e) {
    switch (e) {
        case sec::SecureError::replay:
        case sec::SecureError::stale:
            return DropReason::replayed;
        case sec::SecureError::unknown_key:
        case sec::SecureError::name_mismatch:
            return DropReason::unauthorized;
        case sec::SecureError::cookie_required:
            return DropReason::overloaded;
        default:
            return DropReason::auth_failed;
    }
}

void put_header(std::byte* p, std::uint8_t type, std::size_t length, Eid dst) {
    be::store8(p, wire::version);
    be::store8(p + 1, type);
    be::store16(p + 2, static_cast<std::uint16_t>(length));
    be::store32(p + 4, dst);
}

constexpr std::uint8_t flagged(wire::Type t) {
    return static_cast<std::uint8_t>(static_cast<std::uint8_t>(t) | sec::secure_type_flag);
}

std::string error_name(int response) {
    switch (-response) {
        case EAUTH:
            return "-EAUTH";
        case ECRYPT:
            return "-ECRYPT";
        default:
            return std::to_string(response);
    }
}

// A name from the network, fit for a log line.
std::string printable(std::string_view name) {
    std::string out;
    for (const char c : name.substr(0, 64)) {
        const auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u >= 0x7f ? '?' : c;
    }
    return out;
}

}  // namespace

ShimEngine::~ShimEngine() = default;

void ShimEngine::SecureStateDeleter::operator()(SecureState* s) const { delete s; }

void ShimEngine::init_security() {
    const auto& s = config_.security;
    if (!s || !s->enabled()) {
        return;
    }
    if (!s->identity || !s->unix_ns) {
        OGW_LOG(error, "ipcp") << "encryption configured without an identity or a wall clock: off";
        return;
    }
    secure_.reset(new SecureState(*s));
}

// ------------------------------------------------------------------------- initiator

Result<void> ShimEngine::secure_alloc(Instant now, FlowRecord& rec,
                                      std::span<const std::byte> first) {
    const sec::PublicKey* key = secure_->key_for(rec.request->name, rec.peer);
    if (key == nullptr) {
        if (!secure_->required()) {
            return {};  // optional: a plain flow
        }
        OGW_LOG_RATELIMITED(warn, "ipcp")
            << "flow allocation refused: no peer-key for the node serving name "
            << rec.request->name.hex().substr(0, 16) << "… (encryption = required)";
        return unexpected(Error::from_errno(EAUTH, "no peer-key for the destination"));
    }
    const std::size_t ext = wire::flow_req_size + config_.local_name.size();
    const std::size_t total = ext + sec::initiation_size(first.size());
    auto sf = std::make_unique<SecureFlow>();
    sf->request.resize(total);
    const std::vector<std::byte> placeholder(sec::initiation_size(first.size()));
    const FlowReqMsg m{rec.eid, rec.request->name, rec.fsm.qos(), config_.local_name, placeholder};
    if (codec_.encode(m, sf->request) != total) {
        return unexpected(Error::from_errno(EMSGSIZE, "flow request too large"));
    }
    sf->request[1] = std::byte{flagged(wire::Type::flow_req)};
    sf->initiator.emplace();
    const auto err =
        sf->initiator->create(*secure_->cfg.identity, *key,
                              secure_->clock.next(secure_->cfg.unix_ns()), *secure_->rng,
                              sf->request, ext, first);
    if (err != sec::SecureError::ok) {
        return unexpected(Error{make_error_code(err), "flow handshake"});
    }
    if (const auto it = secure_->cookies.find(rec.peer); it != secure_->cookies.end()) {
        // The responder asked for cookies lately: this flow's first request carries mac2.
        sf->initiator->adopt_cookie(it->second.first, it->second.second);
        sf->initiator->restamp(now, sf->request);
    }
    sf->peer_key = *key;
    rec.secure = std::move(sf);
    return {};
}

void ShimEngine::receive_secure_reply(Instant now, const PeerAddress& from,
                                      std::span<std::byte> msg) {
    if (msg.size() < wire::flow_reply_size + sec::ext_header_size) {
        count_drop(DropReason::too_short);
        return;
    }
    const Eid dst = be::load32(msg.data() + 4);
    const Eid src = be::load32(msg.data() + 8);
    const auto response = static_cast<std::int32_t>(be::load32(msg.data() + 12));
    FlowRecord* rec = live(dst);
    if (rec == nullptr || !(rec->peer == from)) {
        count_drop(rec == nullptr ? DropReason::unknown_endpoint : DropReason::wrong_peer);
        return;
    }
    if (!rec->secure || !rec->secure->initiator || rec->fsm.state() != FlowState::alloc_pending) {
        // A duplicate reply after allocation, or one for a plain flow.
        count_drop(rec->secure ? DropReason::replayed : DropReason::not_encrypted);
        return;
    }
    if (response > 0 || (response == 0 && src == no_eid)) {
        count_drop(DropReason::bad_value);
        return;
    }
    SecureFlow& s = *rec->secure;
    auto r = s.initiator->consume_reply(*secure_->cfg.identity, now, msg, wire::flow_reply_size,
                                        limits_for(*rec));
    if (!r.ok()) {
        count_drop(drop_for(r.error));
        OGW_LOG_RATELIMITED(debug, "ipcp") << "flow " << dst << ": reply not authentic: "
                                           << r.error;
        return;
    }
    if (r.kind == sec::ExtKind::cookie) {
        if (const auto cookie = s.initiator->cookie()) {
            if (secure_->cookies.size() >= SecureState::max_cookies) {
                secure_->cookies.clear();  // only a cost: the next flows ask again
            }
            secure_->cookies.insert_or_assign(rec->peer, *cookie);
        }
        s.initiator->restamp(now, s.request);
        ++counters_.tx_messages;
        tx_.transmit(rec->peer, s.request);
        return;
    }
    if (r.kind == sec::ExtKind::refusal && response == 0) {
        count_drop(DropReason::bad_value);  // a refusal must refuse
        return;
    }
    if (response != 0) {
        if (response == -EAUTH || response == -ECRYPT) {
            OGW_LOG(warn, "ipcp") << "flow " << dst << ": the node with key " << s.peer_key
                                  << " refused the allocation: " << error_name(response)
                                  << (response == -EAUTH
                                          ? " (it does not list this node's key under this "
                                            "node's name, or this node has a wrong peer-key "
                                            "for it)"
                                          : " (it requires encryption)");
        }
        apply(now, *rec, rec->fsm.on_reply(now, response));
        return;
    }
    if (!r.session) {
        count_drop(DropReason::auth_failed);
        return;
    }
    s.keys.install_confirmed(std::move(*r.session));
    s.initiated = true;
    rec->remote_eid = src;
    flows_.index_remote(*rec);
    apply(now, *rec, rec->fsm.on_reply(now, 0));
}

// ------------------------------------------------------------------------- responder

namespace {

// A FLOW_REPLY refusing `requester` with `response` and an extension of `ext` bytes to fill in.
template <std::size_t Ext>
std::array<std::byte, wire::flow_reply_size + Ext> unauthenticated_reply(Eid requester,
                                                                         int response) {
    std::array<std::byte, wire::flow_reply_size + Ext> reply{};
    put_header(reply.data(), flagged(wire::Type::flow_reply), reply.size(), requester);
    be::store32(reply.data() + 8, no_eid);
    be::store32(reply.data() + 12, static_cast<std::uint32_t>(response));
    return reply;
}

}  // namespace

void ShimEngine::refuse(Instant now, const PeerAddress& to, std::span<const std::byte> request,
                        Eid requester, int response) {
    auto reply = unauthenticated_reply<sec::refusal_size>(requester, response);
    if (sec::Responder::create_refusal(request, reply, wire::flow_reply_size) ==
        sec::SecureError::ok) {
        send_budgeted(now, to, reply);
    }
}

void ShimEngine::send_cookie(Instant now, const PeerAddress& to,
                             std::span<const std::byte> request, Eid requester) {
    auto reply = unauthenticated_reply<sec::cookie_reply_size>(requester, -EAGAIN);
    if (secure_->responder.create_cookie_reply(now, request, to.bytes(), reply,
                                               wire::flow_reply_size) == sec::SecureError::ok &&
        send_budgeted(now, to, reply)) {
        ++counters_.cookie_replies;
    }
}

bool ShimEngine::send_budgeted(Instant now, const PeerAddress& to,
                               std::span<const std::byte> reply) {
    if (!reply_budget(now)) {
        ++counters_.unknown_endpoint_replies_suppressed;
        return false;
    }
    ++counters_.tx_messages;
    tx_.transmit(to, reply);
    return true;
}

void ShimEngine::receive_initiation(Instant now, const PeerAddress& from,
                                    std::span<std::byte> msg) {
    // The v1 part, decoded with the flag cleared: the extension is its "piggyback".
    msg[1] = std::byte{static_cast<std::uint8_t>(wire::Type::flow_req)};
    const Decoded d = codec_.decode(msg, false);
    msg[1] = std::byte{flagged(wire::Type::flow_req)};
    const auto* req = d.ok() ? std::get_if<FlowReqMsg>(&d.msg) : nullptr;
    if (req == nullptr) {
        count_drop(d.ok() ? DropReason::bad_type : d.drop);
        return;
    }
    const auto ext = static_cast<std::size_t>(req->piggyback.data() - msg.data());
    const auto digest = sec::initiation_digest(msg, ext);
    if (!digest) {
        count_drop(DropReason::auth_failed);
        return;
    }
    if (FlowRecord* dup = flows_.find_remote(from, req->src_eid);
        dup != nullptr && dup->fsm.state() != FlowState::closed) {
        if (dup->secure && dup->secure->digest == digest) {
            apply(now, *dup, dup->fsm.on_duplicate_request(now));  // a retransmission
        } else {
            count_drop(DropReason::replayed);
        }
        return;
    }
    if (admission_.admit_request(from) != Admit::yes ||
        admission_.admit_handshake(now, from) != Admit::yes) {
        count_drop(DropReason::overloaded);  // before any X25519; the requester retransmits
        return;
    }
    auto in = secure_->responder.consume_initiation(now, secure_->cfg.unix_ns(), msg, ext,
                                                    req->src_name, from.bytes(),
                                                    admission_.under_load(now));
    if (!in.ok()) {
        count_drop(drop_for(in.error));
        switch (in.error) {
            case sec::SecureError::cookie_required:
                send_cookie(now, from, msg, req->src_eid);
                break;
            case sec::SecureError::unknown_key:
            case sec::SecureError::name_mismatch:
                OGW_LOG_RATELIMITED(warn, "ipcp")
                    << "refused a flow request from '" << printable(req->src_name)
                    << "': its key " << in.peer_key
                    << (in.error == sec::SecureError::unknown_key
                            ? " is not listed (peer-key)"
                            : " is listed under another name");
                refuse(now, from, msg, req->src_eid, -EAUTH);
                break;
            case sec::SecureError::bad_mac1:
                OGW_LOG_RATELIMITED(warn, "ipcp")
                    << "refused a flow request claiming to be from '" << printable(req->src_name)
                    << "': it was not made for this node's key "
                    << secure_->cfg.identity->public_key()
                    << " (the requester's peer-key for this node is wrong)";
                refuse(now, from, msg, req->src_eid, -EAUTH);
                break;
            default:
                OGW_LOG_RATELIMITED(debug, "ipcp") << "dropped a flow request from '"
                                                   << printable(req->src_name)
                                                   << "': " << in.error;
                break;
        }
        return;
    }
    auto sf = std::make_unique<SecureFlow>();
    sf->responder = std::move(in.handshake);
    sf->digest = digest;
    sf->peer_key = in.peer_key;
    FlowReqMsg m = *req;
    m.piggyback = in.early_data;
    handle(now, from, m, std::move(sf));
}

void ShimEngine::send_secure_reply(Instant now, FlowRecord& rec, int code) {
    SecureFlow& s = *rec.secure;
    if (s.reply.empty() && s.responder) {
        s.reply.resize(wire::flow_reply_size + sec::response_size);
        put_header(s.reply.data(), flagged(wire::Type::flow_reply), s.reply.size(),
                   rec.remote_eid);
        be::store32(s.reply.data() + 8, code == 0 ? rec.eid : no_eid);
        be::store32(s.reply.data() + 12, static_cast<std::uint32_t>(code));
        auto r = s.responder->create_response(*secure_->rng, now, s.reply, wire::flow_reply_size,
                                              limits_for(rec));
        s.responder.reset();
        if (!r.ok()) {
            s.reply.clear();
            count_drop(DropReason::auth_failed);
            return;
        }
        if (code == 0 && r.session) {
            s.keys.install_unconfirmed(std::move(*r.session));
        }
    }
    if (!s.reply.empty()) {
        ++counters_.tx_messages;
        tx_.transmit(rec.peer, s.reply);
    }
}

// ------------------------------------------------------------------------- sealed messages

void ShimEngine::transmit_for(Instant now, FlowRecord& rec, const PeerAddress& to,
                              const Message& m) {
    if (!rec.secure || !rec.secure->keys.has_current()) {
        transmit(to, m);
        return;
    }
    // The v1 message goes at offset 8: its header lands on the counter field (overwritten by
    // sealing), its body at 16, where the sealed layout wants it.
    const std::span<std::byte> out(scratch_);
    const std::size_t n = codec_.encode(
        m, out.subspan(sec::clear_header_size,
                       out.size() - sec::clear_header_size - sec::sealed_suffix_size));
    if (n == 0 || n + sec::sealed_overhead > wire::max_message_size) {
        count_drop(DropReason::too_big);
        return;
    }
    const std::size_t size = n + sec::sealed_overhead;
    const Eid dst = be::load32(out.data() + sec::clear_header_size + 4);
    const auto type = be::load8(out.data() + sec::clear_header_size + 1);
    put_header(out.data(), static_cast<std::uint8_t>(type | sec::secure_type_flag), size, dst);
    if (!rec.secure->keys.seal(now, out.first(size)).ok()) {
        rec.counters.drops++;
        return;
    }
    ++counters_.tx_messages;
    tx_.transmit(to, out.first(size));
}

DataDestination ShimEngine::prepare_secure_data(Instant now, FlowRecord& rec,
                                                std::span<std::byte> frame) {
    constexpr std::size_t room = sec::sealed_prefix_size + sec::sealed_suffix_size;
    if (frame.size() < room || frame.size() - room > max_sdu()) {
        rec.counters.drops++;
        return {-EMSGSIZE, nullptr};
    }
    const std::size_t sdu = frame.size() - room;
    std::size_t size = frame.size();
    if (rec.secure && rec.secure->keys.has_current()) {
        put_header(frame.data(), flagged(wire::Type::data), frame.size(), rec.remote_eid);
        if (!rec.secure->keys.seal(now, frame).ok()) {
            rec.counters.drops++;
            return {-ECRYPT, nullptr};
        }
    } else {
        // A plain flow of an engine with `encryption = optional`: the v1 header right before
        // the SDU (one move; plain flows are the exception here).
        const std::size_t hdr = codec_.data_header_size();
        std::memmove(frame.data() + hdr, frame.data() + sec::sealed_prefix_size, sdu);
        if (!codec_.write_data_header(frame.first(hdr), rec.remote_eid, sdu)) {
            rec.counters.drops++;
            return {-EMSGSIZE, nullptr};
        }
        size = hdr + sdu;
    }
    rec.fsm.note_sent(now);
    rec.counters.tx_packets++;
    rec.counters.tx_bytes += sdu;
    return {0, &rec.peer, size};
}

void ShimEngine::receive_sealed(Instant now, const PeerAddress& from,
                                std::span<std::byte> frame) {
    if (frame.size() < sec::sealed_prefix_size + sec::sealed_suffix_size) {
        count_drop(DropReason::too_short);
        return;
    }
    const Eid dst = be::load32(frame.data() + 4);
    FlowRecord* rec = live(dst);
    if (rec == nullptr) {
        // No keys to check it with. Unless the eid was ours a moment ago (late copies), tell
        // the sender, in the plain form it can only take as a hint (§8): this end may have
        // restarted and lost the flow.
        const bool late = flows_.recently_released(dst);
        count_late_or_drop(dst);
        if (!late) {
            answer_unknown(now, from, FlowDeallocMsg{no_eid, dst, DeallocReason::unknown_endpoint});
        }
        return;
    }
    if (!(rec->peer == from)) {
        count_drop(DropReason::wrong_peer);
        return;
    }
    if (!rec->secure || !rec->secure->keys.has_current()) {
        count_drop(DropReason::not_encrypted);
        return;
    }
    const auto opened = rec->secure->keys.open(now, frame);
    if (!opened.ok()) {
        count_drop(drop_for(opened.error));
        rec->counters.drops++;
        return;
    }
    rec->secure->probe_until.reset();  // the peer holds the flow
    // Authentic and fresh. The v1 message: its header in place of the counter field.
    const std::size_t inner = frame.size() - sec::sealed_overhead;
    const auto type = static_cast<std::uint8_t>(be::load8(frame.data() + 1) &
                                                ~sec::secure_type_flag);
    if (type == sec::rekey_type) {
        ++counters_.rx_messages;
        receive_rekey(now, *rec, frame.subspan(sec::sealed_prefix_size,
                                               frame.size() - sec::sealed_prefix_size -
                                                   sec::sealed_suffix_size));
        return;
    }
    put_header(frame.data() + sec::clear_header_size, type, inner, dst);
    const auto v1 = frame.subspan(sec::clear_header_size, inner);
    const Decoded d = codec_.decode(v1, false);
    if (!d.ok()) {
        count_drop(d.drop);
        return;
    }
    ++counters_.rx_messages;
    dispatch(now, from, d.msg, v1);
}

// ------------------------------------------------------------------------- rekeying

sec::SessionLimits ShimEngine::limits_for(const FlowRecord& rec) const {
    // A key stays usable for its rekey time plus the larger of the configured grace and the
    // flow's peer timeout, so that a rekey falling into an outage the flow survives completes.
    sec::SessionLimits l = secure_->cfg.limits;
    const Duration grace = std::max(l.reject_after_time - l.rekey_after_time, rec.fsm.timeout());
    if (l.rekey_after_time < l.reject_after_time) {
        l.reject_after_time = l.rekey_after_time + grace;
    }
    return l;
}

bool ShimEngine::rekeys_now(const FlowRecord& rec) const {
    const SecureFlow& s = *rec.secure;
    const FlowState st = rec.fsm.state();
    return s.initiated && s.keys.has_current() &&
           (st == FlowState::allocated || st == FlowState::down);
}

std::optional<Instant> ShimEngine::secure_deadline(const FlowRecord& rec) const {
    const SecureFlow& s = *rec.secure;
    std::optional<Instant> due = s.probe_until;
    if (rekeys_now(rec)) {
        const Instant rekey =
            s.rekey ? s.rekey_resend
                    : s.keys.current()->created() + s.keys.current()->limits().rekey_after_time;
        due = due ? std::min(*due, rekey) : rekey;
    }
    return due;
}

void ShimEngine::secure_timer(Instant now, FlowRecord& rec) {
    SecureFlow& s = *rec.secure;
    if (s.probe_until && now >= *s.probe_until) {
        s.probe_until.reset();
        ++counters_.restarts_detected;
        OGW_LOG_RATELIMITED(info, "ipcp")
            << "flow " << rec.eid << ": the peer no longer knows it (restarted?) and did not "
            << "answer an authenticated probe: deallocated";
        apply(now, rec, rec.fsm.on_peer_dealloc(now), false);
        return;
    }
    if (!rekeys_now(rec)) {
        return;
    }
    if (!s.rekey && s.keys.rekey_due(now)) {
        s.rekey.emplace(*secure_->rng, ++s.rekey_id, *s.keys.current());
        s.rekey_resend = now;
    }
    if (s.rekey && now >= s.rekey_resend) {
        // Repeated until answered; the key in use lasts a peer timeout longer than this.
        s.rekey_resend = now + std::chrono::seconds(1);
        send_rekey(now, rec, s.rekey->body());
    }
    schedule(rec);
}

void ShimEngine::send_rekey(Instant now, FlowRecord& rec, const sec::RekeyBody& body) {
    std::array<std::byte, sec::rekey_message_size> out{};
    put_header(out.data(), static_cast<std::uint8_t>(sec::rekey_type | sec::secure_type_flag),
               out.size(), rec.remote_eid);
    sec::write_rekey(std::span(out).subspan(sec::sealed_prefix_size).first<sec::rekey_body_size>(),
                     body);
    if (!rec.secure->keys.seal(now, out).ok()) {
        rec.counters.drops++;
        return;
    }
    ++counters_.tx_messages;
    tx_.transmit(rec.peer, out);
}

void ShimEngine::receive_rekey(Instant now, FlowRecord& rec, std::span<const std::byte> body) {
    const auto b = sec::parse_rekey(body);
    if (!b) {
        count_drop(DropReason::bad_value);
        return;
    }
    apply(now, rec, rec.fsm.on_received(now));  // authentic: the peer is alive
    SecureFlow& s = *rec.secure;
    if (b->kind == sec::RekeyKind::offer) {
        if (s.initiated) {
            count_drop(DropReason::bad_value);  // only the flow's initiator offers
            return;
        }
        if (s.answered && b->id < s.answered->id) {
            count_drop(DropReason::replayed);  // a late copy of an offer answered before
            return;
        }
        if (s.answered && s.answered->id == b->id) {
            if (s.answered->offer == b->ephemeral) {
                send_rekey(now, rec, {sec::RekeyKind::answer, b->id, s.answered->answer});
            } else {
                count_drop(DropReason::replayed);
            }
            return;
        }
        // The initiator seals offers with its current session; opening it made that session
        // current here too (a waiting next is promoted by the first message under it).
        auto answer = sec::answer_rekey(*secure_->rng, *s.keys.current(), b->ephemeral, now,
                                        limits_for(rec));
        if (!answer) {
            count_drop(DropReason::auth_failed);
            return;
        }
        s.keys.install_unconfirmed(std::move(answer->session));
        s.answered = SecureFlow::Answered{b->id, b->ephemeral, answer->ephemeral};
        ++counters_.rekeys;
        send_rekey(now, rec, {sec::RekeyKind::answer, b->id, answer->ephemeral});
        return;
    }
    if (!s.initiated || !s.rekey || s.rekey->id() != b->id) {
        count_drop(DropReason::replayed);  // an answer to no offer, or to an older one
        return;
    }
    auto next = s.rekey->finish(b->ephemeral, now, limits_for(rec));
    s.rekey.reset();
    if (!next) {
        count_drop(DropReason::auth_failed);
        schedule(rec);  // offer again at the next timer
        return;
    }
    s.keys.install_confirmed(std::move(*next));
    ++counters_.rekeys;
    send_keepalive(now, rec);  // the responder switches once it sees the new key
    schedule(rec);
}

// ------------------------------------------------------------------------- restarted peers

bool ShimEngine::unknown_endpoint_hint(Instant now, const PeerAddress& from, const Message& m) {
    const auto* d = std::get_if<FlowDeallocMsg>(&m);
    if (d == nullptr || d->reason != DeallocReason::unknown_endpoint) {
        return false;
    }
    FlowRecord* rec = d->dst_eid != no_eid ? live(d->dst_eid) : flows_.find_remote(from, d->src_eid);
    if (rec == nullptr || rec->fsm.state() == FlowState::closed || !(rec->peer == from) ||
        !rec->secure || !rec->secure->keys.has_current()) {
        return false;  // the usual policy applies
    }
    const FlowState st = rec->fsm.state();
    if ((st != FlowState::allocated && st != FlowState::down) || rec->secure->probe_until) {
        return true;  // nothing to probe, or a probe is out already
    }
    // Only the peer can answer the probe; a forged hint costs one keepalive.
    Duration window = std::chrono::seconds(1);
    if (const auto srtt = rec->fsm.srtt()) {
        window = std::clamp<Duration>(4 * *srtt, std::chrono::milliseconds(200), window);
    }
    if (rec->fsm.timeout().count() > 0) {
        window = std::min(window, rec->fsm.timeout());
    }
    rec->secure->probe_until = now + window;
    ++counters_.restart_probes;
    send_keepalive(now, *rec);
    schedule(*rec);
    return true;
}

// ------------------------------------------------------------------------- input policy

bool ShimEngine::plain_allowed(const PeerAddress& from, const Message& m) {
    const FlowRecord* rec = nullptr;
    if (const auto* dealloc = std::get_if<FlowDeallocMsg>(&m)) {
        rec = dealloc->dst_eid != no_eid ? live(dealloc->dst_eid)
                                         : flows_.find_remote(from, dealloc->src_eid);
    } else if (const auto* data = std::get_if<DataMsg>(&m)) {
        rec = live(data->dst_eid);
    } else if (const auto* reply = std::get_if<FlowReplyMsg>(&m)) {
        rec = live(reply->dst_eid);
    } else if (const auto* ack = std::get_if<DeallocAckMsg>(&m)) {
        rec = live(ack->dst_eid);
    } else if (const auto* ka = std::get_if<KeepaliveMsg>(&m)) {
        rec = live(ka->dst_eid);
    }
    // A sealed flow never takes plain messages: not even an unknown-endpoint dealloc
    // (docs/security.md §8); under `required` no flow is plain.
    return rec == nullptr ? !secure_->required() || std::holds_alternative<NameQueryMsg>(m) ||
                                std::holds_alternative<NameReplyMsg>(m) ||
                                std::holds_alternative<FlowReqMsg>(m)
                          : !rec->secure;
}

void ShimEngine::on_receive_secure(Instant now, const PeerAddress& from,
                                   std::span<std::byte> bytes) {
    if (bytes.size() >= wire::header_size &&
        (be::load8(bytes.data() + 1) & sec::secure_type_flag) != 0) {
        const std::uint8_t version = be::load8(bytes.data());
        const auto type = static_cast<std::uint8_t>(be::load8(bytes.data() + 1) &
                                                    ~sec::secure_type_flag);
        const std::size_t length = be::load16(bytes.data() + 2);
        if (version != wire::version) {
            count_drop(DropReason::bad_version);
            return;
        }
        if (length < wire::header_size || length > bytes.size() ||
            (!config_.padded_underlay && length != bytes.size())) {
            count_drop(DropReason::bad_length);
            return;
        }
        const auto msg = bytes.first(length);
        if (type == sec::rekey_type) {
            receive_sealed(now, from, msg);
            return;
        }
        switch (static_cast<wire::Type>(type)) {
            case wire::Type::flow_req:
                receive_initiation(now, from, msg);
                return;
            case wire::Type::flow_reply:
                receive_secure_reply(now, from, msg);
                return;
            case wire::Type::data:
            case wire::Type::flow_dealloc:
            case wire::Type::dealloc_ack:
            case wire::Type::keepalive:
                receive_sealed(now, from, msg);
                return;
            default:
                count_drop(DropReason::bad_type);
                return;
        }
    }
    const Decoded d = codec_.decode(bytes, config_.padded_underlay);
    if (!d.ok()) {
        count_drop(d.drop);
        return;
    }
    if (unknown_endpoint_hint(now, from, d.msg)) {
        return;
    }
    if (!plain_allowed(from, d.msg)) {
        count_drop(DropReason::not_encrypted);
        return;
    }
    if (const auto* req = std::get_if<FlowReqMsg>(&d.msg); req != nullptr && secure_->required()) {
        count_drop(DropReason::not_encrypted);
        if (reply_budget(now)) {  // 16 bytes for a request of at least 81
            transmit(from, FlowReplyMsg{req->src_eid, no_eid, -ECRYPT});
        }
        return;
    }
    ++counters_.rx_messages;
    dispatch(now, from, d.msg, bytes);
}

}  // namespace ogw::ipcp
