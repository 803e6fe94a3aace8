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

// Mode tap: the Ethernet header travels in the SDU, and no route goes on the device.
GatewayConfig tap_config() {
    GatewayConfig c;
    c.mode = GatewayMode::tap;
    c.addresses = {prefix("10.77.0.1/24"), prefix("fd77::1/64")};
    c.routes = {route("10.77.0.2/32", "b"), route("fd77::2/128", "b"), route("10.77.0.3/32", "c"),
                route("10.77.0.2/32", "c"), route("10.20.0.0/16", "b")};
    return c;
}

TEST(AutoDeviceMtu, TapLeavesRoomForTheEthernetHeader) {
    EXPECT_EQ(auto_device_mtu(GatewayMode::tun, 1472), 1472U);
    EXPECT_EQ(auto_device_mtu(GatewayMode::tap, 1472), 1458U);
    EXPECT_EQ(auto_device_mtu(GatewayMode::tun, 70000), 65535U);
    EXPECT_EQ(auto_device_mtu(GatewayMode::tap, 70000), 65521U);
    EXPECT_EQ(auto_device_mtu(GatewayMode::tap, 10), 0U) << "no underflow; the kernel refuses it";
    EXPECT_EQ(auto_device_mtu(GatewayMode::tap, std::nullopt), std::nullopt);
    EXPECT_EQ(auto_device_mtu(GatewayMode::tun, std::nullopt), std::nullopt);
}

TEST(CheckDeviceMtu, TapMtuMustLeaveRoomForTheEthernetHeader) {
    GatewayConfig c = tap_config();
    c.mtu = 1458;
    EXPECT_TRUE(check_device_mtu(c, 1472));
    c.mtu = 1459;
    const auto r = check_device_mtu(c, 1472);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(),
              "gateway.mtu = 1459: mode tap carries the 14-byte Ethernet header in every SDU, "
              "and the flows' largest SDU is 1472 bytes: set mtu to at most 1458, or to auto: "
              "invalid value");
    EXPECT_TRUE(check_device_mtu(c, std::nullopt)) << "no IPCP: nothing to check against";
    c.mtu.reset();
    EXPECT_TRUE(check_device_mtu(c, 1472));
    c.mode = GatewayMode::tun;
    c.mtu = 1500;
    EXPECT_TRUE(check_device_mtu(c, 1472)) << "TUN mode: packets over the SDU are too_big";
}

TEST(PlanRoutes, TapBridgesEveryRouteAndInstallsNone) {
    const auto c = tap_config();
    const auto plan = plan_routes(c.addresses, c.routes, GatewayMode::tap);
    EXPECT_TRUE(plan.install.empty());
    EXPECT_TRUE(plan.skipped.empty());
    EXPECT_EQ(plan.bridged,
              (std::vector<Route>{route("10.77.0.2/32", "b"), route("fd77::2/128", "b"),
                                  route("10.77.0.3/32", "c"), route("10.20.0.0/16", "b")}));
}

}  // namespace
}  // namespace ogw::gw
