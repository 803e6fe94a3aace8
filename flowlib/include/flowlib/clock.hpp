// SPDX-License-Identifier: BSD-3-Clause
// Time as the protocol core sees it: an Instant on a monotonic clock, passed in by the caller.
#pragma once

#include <chrono>
#include <cstdint>

namespace ogw {

using Duration = std::chrono::nanoseconds;
using Instant = std::chrono::time_point<std::chrono::steady_clock, Duration>;

using std::chrono::milliseconds;

// Milliseconds as carried in qosspec_t.timeout, converted without overflow: values beyond
// max_duration_ms (about 290 years) saturate.
inline constexpr std::uint64_t max_duration_ms = 9'000'000'000'000ULL;

constexpr Duration from_ms(std::uint64_t ms) {
    if (ms > max_duration_ms) {
        ms = max_duration_ms;
    }
    return std::chrono::duration_cast<Duration>(milliseconds(static_cast<std::int64_t>(ms)));
}

constexpr std::int64_t to_ms(Duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}

class Clock {
public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

// CLOCK_MONOTONIC.
class SystemClock final : public Clock {
public:
    Instant now() const override {
        return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
    }
};

// A clock that only moves when told to; starts at an arbitrary non-zero point.
class FakeClock final : public Clock {
public:
    Instant now() const override { return now_; }
    void advance(Duration d) { now_ += d; }
    void set(Instant t) { now_ = t; }

private:
    Instant now_ = Instant(std::chrono::hours(1000));
};

}  // namespace ogw
