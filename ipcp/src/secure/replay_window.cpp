// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/replay_window.hpp>

#include <algorithm>
#include <cassert>

namespace ogw::ipcp::secure {

namespace {

constexpr std::size_t word_of(std::uint64_t counter) {
    return static_cast<std::size_t>((counter / ReplayWindow::word_bits) %
                                    ReplayWindow::ring_words);
}

constexpr std::uint64_t bit_of(std::uint64_t counter) {
    return 1ULL << (counter % ReplayWindow::word_bits);
}

}  // namespace

SecureError ReplayWindow::check(std::uint64_t counter) const {
    if (counter >= next_) {
        return SecureError::ok;  // ahead of everything seen (or nothing seen yet)
    }
    const std::uint64_t highest = next_ - 1;
    if (highest - counter >= window_size) {
        return SecureError::stale;
    }
    return (ring_[word_of(counter)] & bit_of(counter)) != 0 ? SecureError::replay
                                                            : SecureError::ok;
}

void ReplayWindow::update(std::uint64_t counter) {
    assert(check(counter) == SecureError::ok);
    if (counter >= next_) {
        // Slide: clear the words that now hold counters above the old highest.
        const std::uint64_t new_block = counter / word_bits;
        if (next_ == 0) {
            ring_.fill(0);
        } else {
            const std::uint64_t old_block = (next_ - 1) / word_bits;
            const std::uint64_t steps = std::min<std::uint64_t>(new_block - old_block, ring_words);
            for (std::uint64_t i = 1; i <= steps; ++i) {
                ring_[static_cast<std::size_t>((old_block + i) % ring_words)] = 0;
            }
        }
        next_ = counter + 1;
    }
    ring_[word_of(counter)] |= bit_of(counter);
}

SecureError ReplayWindow::check_and_update(std::uint64_t counter) {
    const SecureError e = check(counter);
    if (e == SecureError::ok) {
        update(counter);
    }
    return e;
}

}  // namespace ogw::ipcp::secure
