// SPDX-License-Identifier: BSD-3-Clause
// One gateway session: an IP conversation (TCP connection, UDP exchange, ping, ...) between a
// host on this side and a host behind a remote gateway, carried by its own flow (or the peer's
// shared flow with flow-mapping = peer).
#pragma once

#include "gw/route_table.hpp"
#include "packet/five_tuple.hpp"
#include "packet/tcp_tracker.hpp"

#include <flowlib/clock.hpp>
#include <flowlib/inet.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace ogw::gw {

enum class SessionState : std::uint8_t { opening, established, closing };
std::string_view to_string(SessionState s);

// Why a session ended; the names are the keys of `teardowns` in `ogw --json stats`.
enum class TeardownReason : std::uint8_t {
    tcp_close,
    tcp_reset,
    idle,
    peer_dealloc,
    peer_timeout,
    link_down,
    alloc_failed,
    evicted,
    admin,
    count_,
};
inline constexpr std::size_t teardown_reason_count =
    static_cast<std::size_t>(TeardownReason::count_);
std::string_view to_string(TeardownReason r);

// TAP mode: the Ethernet addresses of a session's two hosts, for the frames the gateway makes
// on the remote host's behalf (TCP RST, ICMP errors).
struct MacPair {
    MacAddress local;   // the host on this side
    MacAddress remote;  // the host behind the peer
};

// Packets of a session waiting for its flow while it opens.
struct OpeningQueue {
    std::vector<std::vector<std::byte>> packets;
    std::size_t bytes = 0;
};

struct Session {
    // Ordered for packing (232 bytes): 8-byte fields, the key, the small ones, the tracker.
    std::uint64_t id = 0;
    std::uint64_t flow_id = 0;      // 0 while none (flow-mapping = peer: the peer's flow)
    Instant created{};
    Instant last_active{};
    std::uint64_t tx_packets = 0;   // from this side into the tunnel
    std::uint64_t tx_bytes = 0;
    std::uint64_t rx_packets = 0;   // from the tunnel to this side
    std::uint64_t rx_bytes = 0;
    FiveTuple key;                  // local view: src is the host on this side
    PeerIndex peer = 0;
    SessionState state = SessionState::opening;
    bool accepted = false;          // opened by the remote side
    TeardownReason linger_reason = TeardownReason::tcp_close;
    MacPair l2;                     // TAP mode only
    TcpTracker tcp;
    std::unique_ptr<OpeningQueue> queue;        // while opening
    std::optional<Instant> linger_until;        // TCP closed or reset: released then

    // Intrusive least-recently-active list and timer bookkeeping, owned by SessionTable.
    Session* lru_prev = nullptr;
    Session* lru_next = nullptr;
    std::optional<Instant> scheduled;
};

}  // namespace ogw::gw
