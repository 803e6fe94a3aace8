// SPDX-License-Identifier: BSD-3-Clause
// All sessions of the gateway: by key (a keyed hash, so remote hosts cannot aim collisions at
// it) and by id; ordered by last activity for eviction; with lazy per-session
// deadlines; and tombstones that remember recently failed keys for a while.
#pragma once

#include "gw/session.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ogw::gw {

struct KeyedTupleHash {
    std::array<unsigned char, 16> key{};
    std::size_t operator()(const FiveTuple& t) const;
};

// The key index holds the sessions themselves (their key is inside): looked up by FiveTuple.
struct SessionKeyHash {
    using is_transparent = void;
    KeyedTupleHash hash;
    std::size_t operator()(const FiveTuple& t) const { return hash(t); }
    std::size_t operator()(const Session* s) const { return hash(s->key); }
};
struct SessionKeyEqual {
    using is_transparent = void;
    bool operator()(const Session* a, const Session* b) const { return a->key == b->key; }
    bool operator()(const FiveTuple& a, const Session* b) const { return a == b->key; }
    bool operator()(const Session* a, const FiveTuple& b) const { return a->key == b; }
};

struct Tombstone {
    Instant until;
    TeardownReason reason;
};

class SessionTable {
public:
    SessionTable();

    Session* find(const FiveTuple& key);
    Session* find_id(std::uint64_t id);
    // The session bound to a flow: the one the flow names (NodeFlow::session_id), if it names
    // the flow back.
    Session* find_flow(std::optional<std::uint64_t> session_id, std::uint64_t flow_id);
    const Session* find_flow(std::optional<std::uint64_t> session_id,
                             std::uint64_t flow_id) const;

    // A new session; the key must not be in use.
    Session& create(const FiveTuple& key, PeerIndex peer, Instant now);
    void bind_flow(Session& s, std::uint64_t flow_id) { s.flow_id = flow_id; }
    void erase(Session& s);

    // Marks activity: the session moves to the most recent end of the eviction order.
    void touch(Session& s, Instant now);
    Session* least_recent() const { return lru_tail_; }

    std::size_t size() const { return by_id_.size(); }
    std::uint64_t opened() const { return next_id_ - 1; }
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [id, s] : by_id_) {
            f(s);
        }
    }

    // Lazy deadlines: a session asks to be looked at no later than `when`.
    void schedule(Session& s, Instant when);
    std::optional<Instant> next_deadline() const;
    // Calls due(session) for each session whose scheduled time has come.
    void expire(Instant now, const std::function<void(Session&)>& due);

    void bury(const FiveTuple& key, Instant now, Instant until, TeardownReason reason);
    const Tombstone* tombstone(const FiveTuple& key, Instant now);
    std::size_t tombstones() const { return tombstones_.size(); }

private:
    void unlink(Session& s);
    void push_front(Session& s);

    KeyedTupleHash hash_;
    std::unordered_map<std::uint64_t, Session> by_id_;  // in the node: one allocation each
    std::unordered_set<Session*, SessionKeyHash, SessionKeyEqual> by_key_;
    std::unordered_map<FiveTuple, Tombstone, KeyedTupleHash> tombstones_;
    std::queue<std::pair<Instant, FiveTuple>> tombstone_order_;
    Session* lru_head_ = nullptr;
    Session* lru_tail_ = nullptr;
    using Entry = std::pair<Instant, std::uint64_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> timers_;
    std::uint64_t next_id_ = 1;
};

inline constexpr std::size_t max_tombstones = 65536;

}  // namespace ogw::gw
