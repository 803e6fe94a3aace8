// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/flood_limiter.hpp"

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;

const Instant t0 = Instant(std::chrono::hours(1000));

int allowed_at(FloodLimiter& limiter, Instant now, int tries) {
    int allowed = 0;
    for (int i = 0; i < tries; ++i) {
        allowed += limiter.allow(now) ? 1 : 0;
    }
    return allowed;
}

TEST(FloodLimiter, DefaultsAreAThousandPerSecondWithBurstsOfTwoHundred) {
    const FloodLimiterConfig c;
    EXPECT_EQ(c.rate, 1000U);
    EXPECT_EQ(c.burst, 200U);
}

TEST(FloodLimiter, StartsWithAFullBurst) {
    FloodLimiter limiter({1000, 200});
    EXPECT_EQ(allowed_at(limiter, t0, 1000), 200);
    EXPECT_EQ(limiter.allowed(), 200U);
    EXPECT_EQ(limiter.refused(), 800U);
}

TEST(FloodLimiter, RefillsAtTheRate) {
    FloodLimiter limiter({1000, 200});
    ASSERT_EQ(allowed_at(limiter, t0, 200), 200);
    EXPECT_FALSE(limiter.allow(t0 + 999us));
    EXPECT_TRUE(limiter.allow(t0 + 1ms));
    EXPECT_FALSE(limiter.allow(t0 + 1ms));
    EXPECT_EQ(allowed_at(limiter, t0 + 10ms, 100), 9);
    EXPECT_EQ(allowed_at(limiter, t0 + 110ms, 1000), 100);
}

TEST(FloodLimiter, AQuietSpellRefillsNoMoreThanTheBurst) {
    FloodLimiter limiter({1000, 200});
    ASSERT_EQ(allowed_at(limiter, t0, 200), 200);
    EXPECT_EQ(allowed_at(limiter, t0 + 1h, 100000), 200);
}

TEST(FloodLimiter, HoldsTheRateUnderASustainedStorm) {
    FloodLimiter limiter({1000, 200});
    int allowed = 0;
    // 10 000 frames per second offered for 10 s.
    for (int i = 0; i < 100000; ++i) {
        allowed += limiter.allow(t0 + i * 100us) ? 1 : 0;
    }
    // The burst, then one per millisecond over the 9.9999 s after the first frame.
    EXPECT_EQ(allowed, 200 + 9999);
    EXPECT_EQ(limiter.refused(), static_cast<std::uint64_t>(100000 - allowed));
}

TEST(FloodLimiter, SlowTrafficIsNeverLimited) {
    FloodLimiter limiter({10, 1});
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(limiter.allow(t0 + i * 100ms)) << i;
    }
    EXPECT_EQ(limiter.refused(), 0U);
}

TEST(FloodLimiter, BurstZeroCountsAsOne) {
    FloodLimiter limiter({10, 0});
    EXPECT_TRUE(limiter.allow(t0));
    EXPECT_FALSE(limiter.allow(t0));
    EXPECT_FALSE(limiter.allow(t0 + 99ms));
    EXPECT_TRUE(limiter.allow(t0 + 100ms));
}

TEST(FloodLimiter, RateZeroMeansNoLimit) {
    FloodLimiter limiter({0, 1});
    EXPECT_EQ(allowed_at(limiter, t0, 100000), 100000);
    EXPECT_EQ(limiter.refused(), 0U);
}

}  // namespace
}  // namespace ogw::gw
