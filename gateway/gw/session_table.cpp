// SPDX-License-Identifier: BSD-3-Clause
#include "gw/session_table.hpp"

#include <sodium.h>

#include <cstring>

namespace ogw::gw {

std::string_view to_string(SessionState s) {
    switch (s) {
    case SessionState::opening: return "opening";
    case SessionState::established: return "established";
    case SessionState::closing: return "closing";
    }
    return "?";
}

std::string_view to_string(TeardownReason r) {
    switch (r) {
    case TeardownReason::tcp_close: return "tcp_close";
    case TeardownReason::tcp_reset: return "tcp_reset";
    case TeardownReason::idle: return "idle";
    case TeardownReason::peer_dealloc: return "peer_dealloc";
    case TeardownReason::peer_timeout: return "peer_timeout";
    case TeardownReason::link_down: return "link_down";
    case TeardownReason::alloc_failed: return "alloc_failed";
    case TeardownReason::evicted: return "evicted";
    case TeardownReason::admin: return "admin";
    case TeardownReason::count_: break;
    }
    return "?";
}

std::size_t KeyedTupleHash::operator()(const FiveTuple& t) const {
    std::array<unsigned char, 16 + 16 + 5> in{};
    const auto src = t.src.bytes();
    const auto dst = t.dst.bytes();
    std::memcpy(in.data(), src.data(), src.size());
    std::memcpy(in.data() + 16, dst.data(), dst.size());
    in[32] = t.proto;
    in[33] = static_cast<unsigned char>(t.sport >> 8);
    in[34] = static_cast<unsigned char>(t.sport);
    in[35] = static_cast<unsigned char>(t.dport >> 8);
    in[36] = static_cast<unsigned char>(t.dport);
    std::uint64_t h = 0;
    crypto_shorthash(reinterpret_cast<unsigned char*>(&h), in.data(), in.size(), key.data());
    return static_cast<std::size_t>(h);
}

SessionTable::SessionTable()
    : by_key_(0, SessionKeyHash{hash_}), tombstones_(0, hash_) {
    randombytes_buf(hash_.key.data(), hash_.key.size());
    by_key_ = decltype(by_key_)(0, SessionKeyHash{hash_});
    tombstones_ = std::unordered_map<FiveTuple, Tombstone, KeyedTupleHash>(0, hash_);
}

Session* SessionTable::find(const FiveTuple& key) {
    const auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : *it;
}

Session* SessionTable::find_id(std::uint64_t id) {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
}

namespace {

// find_flow, const or not.
template <class ById>
auto* bound_session(ById& by_id, std::optional<std::uint64_t> session_id, std::uint64_t flow_id) {
    const auto it = session_id ? by_id.find(*session_id) : by_id.end();
    return it != by_id.end() && it->second.flow_id == flow_id ? &it->second : nullptr;
}

}  // namespace

Session* SessionTable::find_flow(std::optional<std::uint64_t> session_id,
                                 std::uint64_t flow_id) {
    return bound_session(by_id_, session_id, flow_id);
}

const Session* SessionTable::find_flow(std::optional<std::uint64_t> session_id,
                                       std::uint64_t flow_id) const {
    return bound_session(by_id_, session_id, flow_id);
}

Session& SessionTable::create(const FiveTuple& key, PeerIndex peer, Instant now) {
    const std::uint64_t id = next_id_++;
    Session& ref = by_id_.try_emplace(id).first->second;
    ref.id = id;
    ref.key = key;
    ref.peer = peer;
    ref.created = now;
    ref.last_active = now;
    if (const auto it = by_key_.find(key); it != by_key_.end()) {
        by_key_.erase(it);  // as an assignment would: the key now names the new session
    }
    by_key_.insert(&ref);
    tombstones_.erase(key);
    push_front(ref);
    return ref;
}

void SessionTable::erase(Session& s) {
    unlink(s);
    by_key_.erase(&s);
    by_id_.erase(s.id);  // frees s
}

void SessionTable::unlink(Session& s) {
    (s.lru_prev != nullptr ? s.lru_prev->lru_next : lru_head_) = s.lru_next;
    (s.lru_next != nullptr ? s.lru_next->lru_prev : lru_tail_) = s.lru_prev;
    s.lru_prev = nullptr;
    s.lru_next = nullptr;
}

void SessionTable::push_front(Session& s) {
    s.lru_prev = nullptr;
    s.lru_next = lru_head_;
    if (lru_head_ != nullptr) {
        lru_head_->lru_prev = &s;
    }
    lru_head_ = &s;
    if (lru_tail_ == nullptr) {
        lru_tail_ = &s;
    }
}

void SessionTable::touch(Session& s, Instant now) {
    s.last_active = now;
    if (lru_head_ != &s) {
        unlink(s);
        push_front(s);
    }
}

void SessionTable::schedule(Session& s, Instant when) {
    if (!s.scheduled || when < *s.scheduled) {
        s.scheduled = when;
        timers_.emplace(when, s.id);
    }
}

std::optional<Instant> SessionTable::next_deadline() const {
    if (timers_.empty()) {
        return std::nullopt;
    }
    return timers_.top().first;
}

void SessionTable::expire(Instant now, const std::function<void(Session&)>& due) {
    while (!timers_.empty() && timers_.top().first <= now) {
        const auto [when, id] = timers_.top();
        timers_.pop();
        Session* s = find_id(id);
        if (s == nullptr || !s->scheduled || *s->scheduled != when) {
            continue;  // gone, or rescheduled earlier
        }
        s->scheduled.reset();
        due(*s);
    }
}

void SessionTable::bury(const FiveTuple& key, Instant now, Instant until,
                        TeardownReason reason) {
    // The order queue is oldest first; drop what has expired, then the oldest if still full.
    while (!tombstone_order_.empty() &&
           (tombstone_order_.front().first <= now || tombstones_.size() >= max_tombstones)) {
        const auto& [when, old] = tombstone_order_.front();
        const auto it = tombstones_.find(old);
        if (it != tombstones_.end() && it->second.until == when) {
            tombstones_.erase(it);
        }
        tombstone_order_.pop();
    }
    tombstones_[key] = Tombstone{until, reason};
    tombstone_order_.emplace(until, key);
}

const Tombstone* SessionTable::tombstone(const FiveTuple& key, Instant now) {
    const auto it = tombstones_.find(key);
    if (it == tombstones_.end()) {
        return nullptr;
    }
    if (it->second.until <= now) {
        tombstones_.erase(it);
        return nullptr;
    }
    return &it->second;
}

}  // namespace ogw::gw
