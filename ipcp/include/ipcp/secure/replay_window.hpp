// SPDX-License-Identifier: BSD-3-Clause
// Sliding anti-replay window over 63-bit transport counters, after RFC 6479: a ring of 2048
// bits in 64-bit words. The counter's own word is kept, plus the 31 words before it, so any
// counter up to window_size - 1 below the highest seen can still arrive once. Counters ahead
// of the highest slide the window (however far ahead). check() never changes anything; call
// update() only after the message was authenticated.
#pragma once

#include <ipcp/secure/secure_error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ogw::ipcp::secure {

class ReplayWindow {
public:
    static constexpr std::size_t ring_bits = 2048;
    static constexpr std::size_t word_bits = 64;
    static constexpr std::size_t ring_words = ring_bits / word_bits;  // 32
    // Counters more than window_size - 1 below the highest seen are stale.
    static constexpr std::uint64_t window_size = ring_bits - word_bits;  // 1984

    // ok, replay (seen before) or stale (too far behind the highest).
    SecureError check(std::uint64_t counter) const;
    // Records `counter`; it must have passed check() and authentication.
    void update(std::uint64_t counter);
    // check() then update() when ok.
    SecureError check_and_update(std::uint64_t counter);

    // One more than the highest counter seen; 0 before the first.
    std::uint64_t next_expected() const { return next_; }

private:
    std::uint64_t next_ = 0;
    std::array<std::uint64_t, ring_words> ring_{};
};

}  // namespace ogw::ipcp::secure
