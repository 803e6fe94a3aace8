// SPDX-License-Identifier: BSD-3-Clause
// Admission of flow requests (docs/security.md §7): half-open allocations (flows waiting for
// their owner's accept) bounded per source address, handshakes rate-limited per source, and the
// engine's judgement of being "under load", when sealed requests must carry a cookie (mac2)
// before they cost an X25519 operation. Sans I/O: time is passed in.
#pragma once

#include <flowlib/clock.hpp>
#include <ipcp/peer_address.hpp>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace ogw::ipcp {

struct AdmissionConfig {
    std::uint32_t half_open_per_source = 64;   // flows awaiting accept, per source address
    std::uint32_t handshakes_per_source = 500;  // per second (burst twice that), per source
    std::uint32_t load_handshakes = 1000;      // per second, all sources: beyond, under load
    std::uint32_t load_half_open = 1024;       // all sources: beyond, under load
    std::size_t max_sources = 4096;            // tracked source addresses: beyond, under load
};

enum class Admit : std::uint8_t { yes, too_many_half_open, rate_limited };

class Admission {
public:
    explicit Admission(AdmissionConfig cfg = {}) : cfg_(cfg) {}

    // A new flow request from `from` (any form): refused while the source has its share of
    // half-open flows.
    Admit admit_request(const PeerAddress& from) const;
    // A sealed request about to be authenticated (X25519): the source's token bucket.
    Admit admit_handshake(Instant now, const PeerAddress& from);
    // Sealed requests must carry a valid cookie (mac2) now.
    bool under_load(Instant now) const;

    void half_open_added(const PeerAddress& from);
    void half_open_removed(const PeerAddress& from);

    std::size_t half_open() const { return half_open_; }
    std::size_t sources() const { return sources_.size(); }
    const AdmissionConfig& config() const { return cfg_; }

private:
    struct Source {
        std::uint32_t half_open = 0;
        double tokens = 0;
        Instant refilled{};
    };
    void count_handshake(Instant now);
    void prune(Instant now);

    AdmissionConfig cfg_;
    std::unordered_map<PeerAddress, Source, PeerAddressHasher> sources_;
    std::size_t half_open_ = 0;
    bool sources_full_ = false;  // the last new source found no room, even after pruning
    // Handshakes in the current one-second window and in the one before.
    Instant window_start_{};
    std::uint32_t window_count_ = 0;
    std::uint32_t previous_count_ = 0;
};

}  // namespace ogw::ipcp
