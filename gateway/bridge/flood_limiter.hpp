// SPDX-License-Identifier: BSD-3-Clause
// A token bucket bounding the frames the TAP bridge floods to every peer (broadcast, multicast,
// unknown unicast), so that a broadcast storm on one side costs the others a known amount.
//
// It is kept as the time at which the bucket will next be full again (the GCRA form of a
// token bucket): integer nanoseconds, no refill step, and a bucket that starts full.
#pragma once

#include <flowlib/clock.hpp>

#include <cstdint>

namespace ogw::gw {

struct FloodLimiterConfig {
    std::uint32_t rate = 1000;  // frames per second in the long run; 0: no limit
    std::uint32_t burst = 200;  // frames that may go at once after a quiet spell (0 counts as 1)
};

class FloodLimiter {
public:
    explicit FloodLimiter(const FloodLimiterConfig& config);

    // Whether one more flooded frame may go at `now`; takes its token if so.
    bool allow(Instant now);

    std::uint64_t allowed() const { return allowed_; }
    std::uint64_t refused() const { return refused_; }

private:
    bool unlimited_;
    Duration interval_;   // between two tokens
    Duration tolerance_;  // (burst - 1) intervals
    Instant next_;        // when the bucket is full again
    std::uint64_t allowed_ = 0;
    std::uint64_t refused_ = 0;
};

}  // namespace ogw::gw
