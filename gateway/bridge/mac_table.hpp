// SPDX-License-Identifier: BSD-3-Clause
// The learning table of the TAP bridge: where each source MAC address was last seen, on the
// local side (the TAP device) or behind a peer gateway, with ageing and a size bound.
//
// Decisions:
// - Entries are kept in a list ordered by when they were last seen, so ageing and eviction
//   look only at the oldest end: expiring is O(1) per entry removed, and bounded per call.
// - An entry older than the ageing time is gone for lookup, for_each and flush_peer even
//   before expire() removes it, so the answers do not depend on how often expire() runs. It
//   is counted as aged out once, whichever removes it (expire, a new learn, or a full table).
// - A full table evicts its least recently seen entry to learn a new address (counted): the
//   hosts that talk stay known. Refusing to learn instead would leave every new host flooded
//   (and so rate-limited) until stale entries age out, for up to the whole ageing time.
// - Multicast and all-zero addresses are never learnt (counted): they are not valid sources.
// - The buckets are reserved for the capacity up front and removed nodes are kept for reuse,
//   so that once as many addresses as the capacity have been seen, learning never allocates.
//   The hash is keyed (SipHash, libsodium's crypto_shorthash) so that senders of chosen
//   source addresses cannot pile them into one bucket.
// - Times passed in never go backwards (CLOCK_MONOTONIC).
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/inet.hpp>

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>

namespace ogw::gw {

// As in gw/route_table.hpp (a second declaration of the same alias; a mismatch fails to
// compile wherever both are included): peers are the gateways named in route lines.
using PeerIndex = std::uint32_t;

// Where an address lives: the local side, or behind one peer.
class MacOwner {
public:
    static constexpr MacOwner local() { return MacOwner(local_value); }
    static constexpr MacOwner peer(PeerIndex index) {
        assert(index != local_value);
        return MacOwner(index);
    }

    constexpr bool is_local() const { return value_ == local_value; }
    constexpr bool is_peer(PeerIndex index) const { return value_ == index && !is_local(); }
    // Meaningful when !is_local().
    constexpr PeerIndex peer_index() const { return value_; }

    friend constexpr bool operator==(MacOwner, MacOwner) = default;

private:
    static constexpr PeerIndex local_value = std::numeric_limits<PeerIndex>::max();
    constexpr explicit MacOwner(PeerIndex value) : value_(value) {}
    PeerIndex value_;
};

struct MacTableConfig {
    Duration ageing_time = std::chrono::seconds(300);  // positive
    std::size_t capacity = 8192;                       // at least 1
};

using MacHashKey = std::array<unsigned char, 16>;

// The 48 bits of an address as an integer (first byte most significant), and back.
std::uint64_t mac_to_u64(const MacAddress& mac);
MacAddress mac_from_u64(std::uint64_t value);

enum class LearnResult : std::uint8_t {
    invalid_source,  // multicast or all-zero: not learnt
    learnt,          // a new entry (or one that had aged out)
    refreshed,       // the same owner as before
    moved,           // the address now lives behind another owner
};

struct MacTableCounters {
    std::uint64_t learnt = 0;
    std::uint64_t moved = 0;
    std::uint64_t aged_out = 0;
    std::uint64_t evicted = 0;  // removed to make room for a new address
    std::uint64_t flushed = 0;  // removed with their peer
    std::uint64_t invalid_source = 0;
};

class MacTable {
public:
    MacTable(const MacTableConfig& config, const MacHashKey& key);
    MacTable(const MacTable&) = delete;
    MacTable& operator=(const MacTable&) = delete;

    LearnResult learn(const MacAddress& mac, MacOwner owner, Instant now);
    std::optional<MacOwner> lookup(const MacAddress& mac, Instant now) const;

    // Removes every entry of the peer (its flows died); returns how many.
    std::size_t flush_peer(PeerIndex peer, Instant now);

    // Removes at most `budget` aged-out entries, oldest first; returns how many.
    std::size_t expire(Instant now, std::size_t budget = default_expire_budget);
    // When the oldest entry ages out; empty while the table is.
    std::optional<Instant> next_deadline() const;

    // f(const MacAddress&, MacOwner, Duration age) for every live entry, most recent first.
    template <class F>
    void for_each(Instant now, F&& f) const {
        for (const Entry* e = newest_; e != nullptr && !aged(*e, now); e = e->older) {
            f(mac_from_u64(e->mac), e->owner, now - e->last_seen);
        }
    }

    // Entries held, aged-out ones that were not yet removed included.
    std::size_t size() const { return map_.size(); }
    const MacTableConfig& config() const { return config_; }
    const MacTableCounters& counters() const { return counters_; }

    static constexpr std::size_t default_expire_budget = 256;

private:
    struct Entry {
        std::uint64_t mac = 0;
        MacOwner owner = MacOwner::local();
        Instant last_seen{};
        Entry* newer = nullptr;
        Entry* older = nullptr;
    };
    struct KeyedHash {
        MacHashKey key{};
        std::size_t operator()(std::uint64_t mac) const;
    };
    using Map = std::unordered_map<std::uint64_t, Entry, KeyedHash>;

    bool aged(const Entry& e, Instant now) const {
        return now - e.last_seen >= config_.ageing_time;
    }
    void link_newest(Entry& e);
    void unlink(Entry& e);
    void remove(Entry& e);
    void make_room(Instant now);
    void insert(std::uint64_t key, MacOwner owner, Instant now);

    MacTableConfig config_;
    Map map_;
    std::vector<Map::node_type> spare_;  // removed nodes, reused by insert
    Entry* newest_ = nullptr;
    Entry* oldest_ = nullptr;
    MacTableCounters counters_;
};

}  // namespace ogw::gw
