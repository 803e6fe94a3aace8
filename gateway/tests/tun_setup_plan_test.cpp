// SPDX-License-Identifier: BSD-3-Clause
#include "tests/rtnl_test_support.hpp"
#include "tun/tun_setup.hpp"

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using test::prefix;

Route route(const char* text, const char* remote) {
    return Route{prefix(text), remote};
}

TEST(TunModeFor, MapsGatewayModes) {
    EXPECT_EQ(tun_mode_for(GatewayMode::tun), TunMode::tun);
    EXPECT_EQ(tun_mode_for(GatewayMode::tap), TunMode::tap);
    EXPECT_EQ(tun_mode_for(GatewayMode::off), std::nullopt);
    EXPECT_EQ(tun_mode_name(TunMode::tun), "TUN");
    EXPECT_EQ(tun_mode_name(TunMode::tap), "TAP");
}

TEST(PlanRoutes, InstallsInConfigurationOrder) {
    const auto plan = plan_routes(
        {prefix("10.10.1.1/24")},
        {route("10.10.3.0/24", "c"), route("fd00:2::/64", "b"), route("0.0.0.0/0", "a")});
    EXPECT_EQ(plan.install,
              (std::vector<Route>{route("10.10.3.0/24", "c"), route("fd00:2::/64", "b"),
                                  route("0.0.0.0/0", "a")}));
    EXPECT_TRUE(plan.skipped.empty());
}

TEST(PlanRoutes, SkipsTheConnectedPrefixOfAnAddress) {
    const auto plan = plan_routes(
        {prefix("10.10.1.1/24"), prefix("fd00:1::1/64")},
        {route("10.10.1.0/24", "b"), route("fd00:1::/64", "b"), route("10.10.1.0/25", "c")});
    EXPECT_EQ(plan.install, std::vector<Route>{route("10.10.1.0/25", "c")});
    ASSERT_EQ(plan.skipped.size(), 2U);
    EXPECT_EQ(plan.skipped[0].route, route("10.10.1.0/24", "b"));
    EXPECT_EQ(plan.skipped[0].address, prefix("10.10.1.1/24"));
    EXPECT_EQ(plan.skipped[1].address, prefix("fd00:1::1/64"));
}

TEST(PlanRoutes, OnePerPrefixFirstWins) {
    const auto plan = plan_routes({}, {route("10.10.2.0/24", "b"), route("10.10.2.0/24", "c")});
    EXPECT_EQ(plan.install, std::vector<Route>{route("10.10.2.0/24", "b")});
}

TEST(PlanRoutes, ClearsHostBits) {
    const auto plan = plan_routes({}, {Route{prefix("10.10.2.9/24"), "b"}});
    ASSERT_EQ(plan.install.size(), 1U);
    EXPECT_EQ(plan.install[0].prefix, prefix("10.10.2.0/24"));
}

}  // namespace
}  // namespace ogw::gw
