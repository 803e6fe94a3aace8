// SPDX-License-Identifier: BSD-3-Clause
// Name resolution for the Ethernet shim, sans I/O: a NAME_QUERY is broadcast, every node that
// serves the name answers with a unicast NAME_REPLY, the first answer wins and is cached.
//
// A query is sent at once and retransmitted after 100, 200 and 400 ms (at 0, 100, 300 and
// 700 ms); with no answer by 1.5 s the name is unreachable on this layer: done(nullopt), and
// the allocation fails with -ENAME. Concurrent resolutions of one name share one query.
// Answers are kept for 60 s; an entry whose allocation failed is forgotten (forget()), so the
// next resolution asks again. Only replies that match an outstanding query (id and name) are
// taken.
#pragma once

#include <flowlib/clock.hpp>
#include <ipcp/message.hpp>
#include <ipcp/name_hash.hpp>
#include <ipcp/peer_address.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ogw::ipcp {

struct EthResolverConfig {
    // Gaps between the transmissions of a query after the first one.
    std::array<Duration, 3> retransmit{std::chrono::milliseconds(100),
                                       std::chrono::milliseconds(200),
                                       std::chrono::milliseconds(400)};
    Duration give_up = std::chrono::milliseconds(1500);  // after the first transmission
    Duration ttl = std::chrono::seconds(60);
    std::size_t max_entries = 4096;  // cached names; the one expiring first goes first
    std::size_t max_pending = 1024;  // names being resolved; beyond: done(nullopt) at once
    std::uint32_t first_query_id = 1;
};

struct EthResolverCounters {
    std::uint64_t queries_sent = 0;       // transmissions, retransmissions included
    std::uint64_t replies_taken = 0;      // answered an outstanding query
    std::uint64_t replies_unmatched = 0;  // late, duplicate or unasked-for replies
    std::uint64_t resolved = 0;           // resolutions answered, from the cache or a reply
    std::uint64_t unresolved = 0;         // gave up, or too many pending
    std::uint64_t forgotten = 0;          // entries dropped after a failed allocation
};

class EthResolver {
public:
    using Send = std::function<void(const NameQueryMsg&)>;  // broadcast it
    using Done = std::function<void(std::optional<PeerAddress>)>;

    struct Entry {
        std::string name;
        PeerAddress address;
        Instant expires;
    };

    explicit EthResolver(Send send, EthResolverConfig config = {});

    // The cached address of `name`, if it has not expired.
    std::optional<PeerAddress> lookup(Instant now, const NameHash& name) const;
    // done(address) at once from the cache, or once a reply arrives, or done(nullopt) when
    // the query gives up. `done` may call back into the resolver.
    void resolve(Instant now, std::string_view name, Done done);
    // True if the reply answered an outstanding query.
    bool on_reply(Instant now, const PeerAddress& from, const NameReplyMsg& reply);
    void on_timer(Instant now);
    std::optional<Instant> next_deadline() const;
    // An allocation to `name` at `address` failed: drop the entry if it still says so.
    void forget(const NameHash& name, const PeerAddress& address);

    // Cached entries, expired ones included (check `expires`).
    const std::unordered_map<NameHash, Entry, NameHashHasher>& entries() const { return cache_; }
    std::size_t pending() const { return pending_.size(); }
    const EthResolverCounters& counters() const { return counters_; }

private:
    struct Pending {
        NameHash hash;
        std::string name;
        std::uint32_t id = 0;
        Instant started;
        Instant next_send;
        std::size_t sent = 0;  // transmission slots used (a late timer skips some)
        std::vector<Done> waiters;
    };

    void transmit(Pending& p);
    void plan_next(Pending& p);
    void remember(Instant now, const Pending& p, const PeerAddress& address);

    Send send_;
    EthResolverConfig config_;
    std::unordered_map<NameHash, Entry, NameHashHasher> cache_;
    std::vector<Pending> pending_;
    std::uint32_t next_id_;
    EthResolverCounters counters_;
};

}  // namespace ogw::ipcp
