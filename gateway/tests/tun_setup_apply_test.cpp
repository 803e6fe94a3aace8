// SPDX-License-Identifier: BSD-3-Clause
// TunSetup against FakeRtnl: the order of the steps, what a failure leaves behind, teardown and
// reload.
#include "tests/rtnl_test_support.hpp"
#include "tests/tun_setup_fake_rtnl.hpp"
#include "tun/tun_setup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using test::FakeRtnl;
using test::prefix;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Route route(const char* text, const char* remote) {
    return Route{prefix(text), remote};
}

GatewayConfig config() {
    GatewayConfig c;
    c.mode = GatewayMode::tun;
    c.addresses = {prefix("10.10.1.1/24"), prefix("fd00:1::1/64")};
    c.mtu = 1400;
    c.routes = {route("10.10.2.0/24", "site-b"), route("10.10.1.0/24", "site-b"),
                route("fd00:2::/64", "site-c")};
    return c;
}

class TunSetupApply : public ::testing::Test {
protected:
    FakeRtnl rtnl_;
    TunSetup setup_{rtnl_, FakeRtnl::ifindex};
};

TEST_F(TunSetupApply, StepsInOrder) {
    const SetupReport report = setup_.apply(config(), 1500);
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(rtnl_.calls, ElementsAre("list_routes 160", "set_link 5 mtu 1400 up",
                                         "add_address 10.10.1.1/24", "add_address fd00:1::1/64",
                                         "add_route 10.10.2.0/24", "add_route fd00:2::/64"));
    EXPECT_THAT(report.done,
                ElementsAre("mtu 1400", "link up", "address 10.10.1.1/24", "address fd00:1::1/64",
                            "route 10.10.2.0/24 (site-b)", "route fd00:2::/64 (site-c)"));
    EXPECT_THAT(report.skipped,
                ElementsAre("route 10.10.1.0/24 (site-b): the connected prefix of address "
                            "10.10.1.1/24"));
    EXPECT_THAT(setup_.addresses(), ElementsAre(prefix("10.10.1.1/24"), prefix("fd00:1::1/64")));
    EXPECT_THAT(setup_.routes(), ElementsAre(prefix("10.10.2.0/24"), prefix("fd00:2::/64")));
    EXPECT_TRUE(rtnl_.up);
}

TEST_F(TunSetupApply, AutoMtuWhenNoneIsConfigured) {
    GatewayConfig c = config();
    c.mtu.reset();
    EXPECT_TRUE(setup_.apply(c, 1420).ok());
    EXPECT_EQ(rtnl_.calls.at(1), "set_link 5 mtu 1420 up");
}

TEST_F(TunSetupApply, MtuLeftAloneWithoutEither) {
    GatewayConfig c = config();
    c.mtu.reset();
    const SetupReport report = setup_.apply(c, std::nullopt);
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(rtnl_.calls.at(1), "set_link 5 up");
    EXPECT_EQ(report.done.front(), "link up");
}

TEST_F(TunSetupApply, RefusesMtuTooSmallForIpv6BeforeDoingAnything) {
    GatewayConfig c = config();
    c.mtu = 1279;
    const SetupReport report = setup_.apply(c, std::nullopt);
    ASSERT_EQ(report.errors.size(), 1U);
    EXPECT_EQ(report.errors[0].message(),
              "set link ogw0 mtu 1279: IPv6 needs an MTU of at least 1280: invalid value");
    EXPECT_TRUE(rtnl_.calls.empty());
}

TEST_F(TunSetupApply, SmallMtuIsFineWithoutIpv6) {
    GatewayConfig c;
    c.addresses = {prefix("10.10.1.1/24")};
    c.routes = {route("10.10.2.0/24", "b")};
    EXPECT_TRUE(setup_.apply(c, 576).ok());
    EXPECT_EQ(rtnl_.mtu, 576U);
}

TEST_F(TunSetupApply, FailedAddressStopsAndTeardownUndoesTheRest) {
    rtnl_.failures["add_address fd00:1::1/64"] = EEXIST;
    const SetupReport report = setup_.apply(config(), std::nullopt);
    ASSERT_EQ(report.errors.size(), 1U);
    EXPECT_THAT(report.errors[0].message(), HasSubstr("File exists"));
    EXPECT_EQ(rtnl_.calls.back(), "add_address fd00:1::1/64");
    EXPECT_THAT(setup_.addresses(), ElementsAre(prefix("10.10.1.1/24")));

    const std::size_t before = rtnl_.calls.size();
    EXPECT_TRUE(setup_.teardown().ok());
    EXPECT_THAT(rtnl_.calls_after(before), ElementsAre("del_address 10.10.1.1/24"));
    EXPECT_TRUE(rtnl_.addresses.empty());
}

TEST_F(TunSetupApply, FailedRouteStopsAndTeardownRemovesNewestFirst) {
    rtnl_.failures["add_route fd00:2::/64"] = EINVAL;
    EXPECT_FALSE(setup_.apply(config(), std::nullopt).ok());

    const std::size_t before = rtnl_.calls.size();
    const SetupReport report = setup_.teardown();
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(rtnl_.calls_after(before),
                ElementsAre("del_route 5 10.10.2.0/24", "del_address fd00:1::1/64",
                            "del_address 10.10.1.1/24"));
    EXPECT_THAT(report.done,
                ElementsAre("removed route 10.10.2.0/24", "removed address fd00:1::1/64",
                            "removed address 10.10.1.1/24"));
    EXPECT_TRUE(rtnl_.routes.empty());
    EXPECT_TRUE(rtnl_.addresses.empty());
}

TEST_F(TunSetupApply, FailedLinkStopsBeforeAddresses) {
    rtnl_.failures["set_link 5 mtu 1400 up"] = EPERM;
    const SetupReport report = setup_.apply(config(), std::nullopt);
    EXPECT_EQ(report.errors.size(), 1U);
    EXPECT_TRUE(report.done.empty());
    EXPECT_TRUE(setup_.addresses().empty());
}

TEST_F(TunSetupApply, TeardownOfWhatIsGoneAlreadyIsNoError) {
    ASSERT_TRUE(setup_.apply(config(), std::nullopt).ok());
    rtnl_.routes.clear();
    rtnl_.addresses.clear();
    const SetupReport report = setup_.teardown();
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(report.done,
                ElementsAre("route fd00:2::/64 was gone", "route 10.10.2.0/24 was gone",
                            "address fd00:1::1/64 was gone", "address 10.10.1.1/24 was gone"));
}

TEST_F(TunSetupApply, TeardownGoesOnPastErrorsAndReportsEach) {
    ASSERT_TRUE(setup_.apply(config(), std::nullopt).ok());
    rtnl_.failures["del_route 5 fd00:2::/64"] = EPERM;
    rtnl_.failures["del_address 10.10.1.1/24"] = EBUSY;
    const SetupReport report = setup_.teardown();
    ASSERT_EQ(report.errors.size(), 2U);
    EXPECT_THAT(report.errors[0].message(), HasSubstr("fd00:2::/64"));
    EXPECT_THAT(report.errors[1].message(), HasSubstr("10.10.1.1/24"));
    EXPECT_THAT(rtnl_.routes,
                ElementsAre(::testing::Field(&RouteInfo::prefix, prefix("fd00:2::/64"))));
    EXPECT_THAT(rtnl_.addresses, ElementsAre(prefix("10.10.1.1/24")));
    EXPECT_TRUE(setup_.routes().empty()) << "reported once, then forgotten";
}

TEST_F(TunSetupApply, SecondTeardownDoesNothing) {
    ASSERT_TRUE(setup_.apply(config(), std::nullopt).ok());
    EXPECT_TRUE(setup_.teardown().ok());
    const std::size_t before = rtnl_.calls.size();
    const SetupReport again = setup_.teardown();
    EXPECT_TRUE(again.ok());
    EXPECT_TRUE(again.done.empty());
    EXPECT_EQ(rtnl_.calls.size(), before);
}

TEST_F(TunSetupApply, SecondApplyIsRefused) {
    ASSERT_TRUE(setup_.apply(config(), std::nullopt).ok());
    const std::size_t before = rtnl_.calls.size();
    const SetupReport report = setup_.apply(config(), std::nullopt);
    ASSERT_EQ(report.errors.size(), 1U);
    EXPECT_THAT(report.errors[0].message(), HasSubstr("configure ogw0: done already"));
    EXPECT_EQ(rtnl_.calls.size(), before);
}

TEST_F(TunSetupApply, StaleRoutesOfThisLinkOnlyAreRemovedFirst) {
    rtnl_.routes = {RouteInfo{5, prefix("10.99.0.0/16"), std::nullopt, 254, 0xa0, 253, 1},
                    RouteInfo{6, prefix("10.98.0.0/16"), std::nullopt, 254, 0xa0, 253, 1},
                    RouteInfo{5, prefix("fd99::/64"), 1024, 254, 0xa0, 0, 1}};
    const SetupReport report = setup_.apply(config(), std::nullopt);
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(std::vector(rtnl_.calls.begin(), rtnl_.calls.begin() + 3),
                ElementsAre("list_routes 160", "del_route 5 10.99.0.0/16",
                            "del_route 5 fd99::/64 metric 1024"));
    EXPECT_EQ(report.done.at(0), "removed stale route 10.99.0.0/16");
    EXPECT_EQ(rtnl_.routes.at(0).ifindex, 6);
}

TEST_F(TunSetupApply, ListingFailureStopsBeforeTouchingTheLink) {
    rtnl_.failures["list_routes 160"] = ENOBUFS;
    const SetupReport report = setup_.apply(config(), std::nullopt);
    EXPECT_EQ(report.errors.size(), 1U);
    EXPECT_THAT(rtnl_.calls, ElementsAre("list_routes 160"));
}

class TunSetupReload : public TunSetupApply {
protected:
    void SetUp() override {
        ASSERT_TRUE(setup_.apply(config(), std::nullopt).ok());
        before_ = rtnl_.calls.size();
    }

    std::vector<std::string> calls() const { return rtnl_.calls_after(before_); }

    std::size_t before_ = 0;
};

TEST_F(TunSetupReload, AddsBeforeItRemoves) {
    const std::vector<Route> updated = {route("10.10.0.0/16", "site-b"),
                                        route("fd00:2::/64", "site-d")};
    const SetupReport report = setup_.apply_route_changes(config().routes, updated);
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(calls(), ElementsAre("add_route 10.10.0.0/16", "del_route 5 10.10.2.0/24"));
    EXPECT_THAT(setup_.routes(), ElementsAre(prefix("fd00:2::/64"), prefix("10.10.0.0/16")));
    EXPECT_TRUE(report.skipped.empty());
}

TEST_F(TunSetupReload, SameRoutesChangeNothing) {
    const SetupReport report = setup_.apply_route_changes(config().routes, config().routes);
    EXPECT_TRUE(report.ok());
    EXPECT_TRUE(report.done.empty());
    EXPECT_TRUE(report.skipped.empty()) << "reported at apply already";
    EXPECT_TRUE(calls().empty());
}

TEST_F(TunSetupReload, NewlySkippedRouteIsReported) {
    const std::vector<Route> updated = {route("fd00:1::/64", "site-b")};
    const SetupReport report = setup_.apply_route_changes(config().routes, updated);
    EXPECT_THAT(report.skipped, ElementsAre(HasSubstr("fd00:1::/64 (site-b)")));
    EXPECT_THAT(calls(), ElementsAre("del_route 5 10.10.2.0/24", "del_route 5 fd00:2::/64"));
    EXPECT_TRUE(setup_.routes().empty());
}

TEST_F(TunSetupReload, FailedAddIsReportedAndRetriedNextTime) {
    std::vector<Route> updated = config().routes;
    updated.push_back(route("10.20.0.0/16", "site-e"));
    updated.push_back(route("10.30.0.0/16", "site-f"));
    rtnl_.failures["add_route 10.20.0.0/16"] = ENOMEM;
    const SetupReport first = setup_.apply_route_changes(config().routes, updated);
    EXPECT_EQ(first.errors.size(), 1U);
    EXPECT_THAT(calls(), ElementsAre("add_route 10.20.0.0/16", "add_route 10.30.0.0/16"));

    rtnl_.failures.clear();
    const SetupReport second = setup_.apply_route_changes(updated, updated);
    EXPECT_TRUE(second.ok());
    EXPECT_EQ(calls().back(), "add_route 10.20.0.0/16");
    EXPECT_EQ(setup_.routes().size(), 4U);
}

TEST_F(TunSetupReload, TeardownAfterReloadRemovesTheNewRoutes) {
    ASSERT_TRUE(setup_.apply_route_changes(config().routes, {route("10.40.0.0/16", "b")}).ok());
    EXPECT_TRUE(setup_.teardown().ok());
    EXPECT_TRUE(rtnl_.routes.empty());
    EXPECT_TRUE(rtnl_.addresses.empty());
}

// Mode tap: addresses and MTU, no routes (a route names a bridge peer; the addresses put the
// segment on-link).
GatewayConfig tap_config() {
    GatewayConfig c = config();
    c.mode = GatewayMode::tap;
    c.mtu.reset();
    return c;
}

class TunSetupTap : public TunSetupApply {};

TEST_F(TunSetupTap, AddressesAndMtuButNoRoutes) {
    const SetupReport report = setup_.apply(tap_config(), auto_device_mtu(GatewayMode::tap, 1472));
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(rtnl_.calls, ElementsAre("list_routes 160", "set_link 5 mtu 1458 up",
                                         "add_address 10.10.1.1/24", "add_address fd00:1::1/64"));
    EXPECT_THAT(report.done,
                ElementsAre("mtu 1458", "link up", "address 10.10.1.1/24", "address fd00:1::1/64"));
    EXPECT_THAT(report.skipped,
                ElementsAre("route 10.10.2.0/24 (site-b): mode tap, a bridge peer's prefix, no "
                            "device route",
                            HasSubstr("10.10.1.0/24 (site-b): mode tap"),
                            HasSubstr("fd00:2::/64 (site-c): mode tap")));
    EXPECT_TRUE(setup_.routes().empty());
    EXPECT_TRUE(rtnl_.routes.empty());
}

TEST_F(TunSetupTap, StaleRoutesAreStillRemoved) {
    rtnl_.routes = {RouteInfo{5, prefix("10.99.0.0/16"), std::nullopt, 254, 0xa0, 253, 1}};
    const SetupReport report = setup_.apply(tap_config(), std::nullopt);
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.done.at(0), "removed stale route 10.99.0.0/16");
    EXPECT_TRUE(rtnl_.routes.empty());
}

TEST_F(TunSetupTap, ReloadInstallsNothingAndReportsOnlyNewRoutes) {
    ASSERT_TRUE(setup_.apply(tap_config(), std::nullopt).ok());
    const std::size_t before = rtnl_.calls.size();
    std::vector<Route> updated = tap_config().routes;
    updated.push_back(route("10.20.0.0/16", "site-d"));
    const SetupReport report = setup_.apply_route_changes(tap_config().routes, updated);
    EXPECT_TRUE(report.ok());
    EXPECT_THAT(report.skipped, ElementsAre(HasSubstr("10.20.0.0/16 (site-d): mode tap")));
    EXPECT_TRUE(rtnl_.calls_after(before).empty());
    EXPECT_TRUE(setup_.routes().empty());

    EXPECT_TRUE(setup_.teardown().ok());
    EXPECT_THAT(rtnl_.calls_after(before),
                ElementsAre("del_address fd00:1::1/64", "del_address 10.10.1.1/24"));
}

}  // namespace
}  // namespace ogw::gw
