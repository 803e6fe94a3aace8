// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/flood_limiter.hpp"

#include <algorithm>

namespace ogw::gw {

FloodLimiter::FloodLimiter(const FloodLimiterConfig& config)
    : unlimited_(config.rate == 0),
      interval_(std::max<Duration::rep>(
          1, std::chrono::duration_cast<Duration>(std::chrono::seconds(1)).count() /
                 std::max<std::uint32_t>(config.rate, 1))),
      tolerance_(interval_ * (std::max<std::uint32_t>(config.burst, 1) - 1)),
      next_(Instant::min()) {}

bool FloodLimiter::allow(Instant now) {
    if (unlimited_) {
        ++allowed_;
        return true;
    }
    if (next_ > now + tolerance_) {
        ++refused_;
        return false;
    }
    next_ = std::max(next_, now) + interval_;
    ++allowed_;
    return true;
}

}  // namespace ogw::gw
