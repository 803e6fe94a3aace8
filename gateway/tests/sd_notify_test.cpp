// SPDX-License-Identifier: BSD-3-Clause
// When ogwd pings systemd's watchdog ($WATCHDOG_USEC, $WATCHDOG_PID).
#include "daemon/sd_notify.hpp"

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;

TEST(SdWatchdog, HalfOfTheUsecForThisProcess) {
    EXPECT_EQ(sd_watchdog_interval("30000000", nullptr, 42), std::optional<Duration>(15s));
    EXPECT_EQ(sd_watchdog_interval("400000", "42", 42), std::optional<Duration>(200ms));
    EXPECT_EQ(sd_watchdog_interval("400000", "", 42), std::optional<Duration>(200ms));
}

TEST(SdWatchdog, NoneWhenUnsetInvalidOrForAnotherProcess) {
    EXPECT_FALSE(sd_watchdog_interval(nullptr, nullptr, 42));
    EXPECT_FALSE(sd_watchdog_interval("", nullptr, 42));
    EXPECT_FALSE(sd_watchdog_interval("0", nullptr, 42));
    EXPECT_FALSE(sd_watchdog_interval("-5", nullptr, 42));
    EXPECT_FALSE(sd_watchdog_interval("12ms", nullptr, 42));
    EXPECT_FALSE(sd_watchdog_interval("400000", "43", 42));
    EXPECT_FALSE(sd_watchdog_interval("400000", "x", 42));
}

}  // namespace
}  // namespace ogw::gw
