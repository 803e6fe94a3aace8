// SPDX-License-Identifier: BSD-3-Clause
// TunSetup on a real TUN (root, own network namespace): what apply puts on the link, read back
// through Rtnl, and that teardown or closing the device takes all of it off again.
#include "tests/rtnl_test_support.hpp"
#include "tests/sys/tun_netns.hpp"
#include "tun/tun_setup.hpp"

#include <gmock/gmock.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <set>

namespace ogw::gw {
namespace {

using test::prefix;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TunConfigSys : public test::NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        tun_ = open_tun("ogwt0");
        ASSERT_TRUE(tun_);
        setup_ = std::make_unique<TunSetup>(*rtnl_, tun_->ifindex());
    }

    static GatewayConfig config() {
        GatewayConfig c;
        c.mode = GatewayMode::tun;
        c.dev = "ogwt0";
        c.addresses = {prefix("10.10.1.1/24"), prefix("fd00:1::1/64")};
        c.mtu = 1400;
        c.routes = {{prefix("10.10.2.0/24"), "site-b"},
                    {prefix("10.10.1.0/24"), "site-b"},
                    {prefix("fd00:2::/64"), "site-b"},
                    {prefix("10.20.0.0/16"), "site-c"}};
        return c;
    }

    // The ogw routes (any link), as "prefix dev".
    std::set<std::string> ogw_routes() {
        auto routes = rtnl_->list_routes(ogw_route_protocol);
        EXPECT_TRUE(routes) << routes.error().message();
        std::set<std::string> out;
        for (const RouteInfo& r : routes ? *routes : std::vector<RouteInfo>{}) {
            out.insert(r.prefix.to_string() + " " + rtnl_->link_name(r.ifindex));
        }
        return out;
    }

    // The global addresses on the device, without the kernel's link-local one.
    std::set<std::string> addresses(int ifindex) {
        auto list = rtnl_->list_addresses(ifindex);
        EXPECT_TRUE(list) << list.error().message();
        std::set<std::string> out;
        for (const AddressInfo& a : list ? *list : std::vector<AddressInfo>{}) {
            if (!a.address.address().is_link_local()) {
                out.insert(a.address.to_string());
            }
        }
        return out;
    }

    bool has_kernel_route(const std::string& text) {
        auto routes = rtnl_->list_routes(RTPROT_KERNEL);
        EXPECT_TRUE(routes);
        return routes && std::any_of(routes->begin(), routes->end(), [&](const RouteInfo& r) {
                   return r.prefix.to_string() == text && r.ifindex == tun_->ifindex();
               });
    }

    std::unique_ptr<TunDevice> tun_;
    std::unique_ptr<TunSetup> setup_;
};

TEST_F(TunConfigSys, ApplyPutsMtuAddressesAndRoutesOnTheLink) {
    const SetupReport report = setup_->apply(config(), 1500);
    ASSERT_TRUE(report.ok()) << report.errors.front().message();
    EXPECT_EQ(report.skipped.size(), 1U);

    const auto link = rtnl_->link_info(tun_->ifindex());
    ASSERT_TRUE(link) << link.error().message();
    EXPECT_EQ(link->mtu, 1400U);
    EXPECT_TRUE(link->up());

    EXPECT_EQ(addresses(tun_->ifindex()), (std::set<std::string>{"10.10.1.1/24", "fd00:1::1/64"}));
    auto list = rtnl_->list_addresses(tun_->ifindex());
    ASSERT_TRUE(list);
    for (const AddressInfo& a : *list) {
        if (a.address == prefix("fd00:1::1/64")) {
            EXPECT_NE(a.flags & IFA_F_NODAD, 0U);
            EXPECT_EQ(a.flags & IFA_F_TENTATIVE, 0U);
        }
    }

    EXPECT_EQ(ogw_routes(), (std::set<std::string>{"10.10.2.0/24 ogwt0", "10.20.0.0/16 ogwt0",
                                                   "fd00:2::/64 ogwt0"}));
    const auto routes = rtnl_->list_routes(ogw_route_protocol);
    ASSERT_TRUE(routes);
    for (const RouteInfo& r : *routes) {
        EXPECT_EQ(r.table, RT_TABLE_MAIN);
        EXPECT_EQ(r.type, RTN_UNICAST);
    }
    EXPECT_TRUE(has_kernel_route("10.10.1.0/24"));
}

TEST_F(TunConfigSys, TeardownRemovesEverythingItAdded) {
    ASSERT_TRUE(setup_->apply(config(), std::nullopt).ok());
    const SetupReport report = setup_->teardown();
    EXPECT_TRUE(report.ok()) << report.errors.front().message();
    EXPECT_EQ(report.done.size(), 5U);
    EXPECT_TRUE(ogw_routes().empty());
    EXPECT_TRUE(addresses(tun_->ifindex()).empty());
    EXPECT_FALSE(has_kernel_route("10.10.1.0/24"));
}

TEST_F(TunConfigSys, ClosingTheDeviceRemovesEverything) {
    ASSERT_TRUE(setup_->apply(config(), std::nullopt).ok());
    const int ifindex = tun_->ifindex();
    tun_.reset();
    EXPECT_TRUE(ogw_routes().empty());
    EXPECT_TRUE(addresses(ifindex).empty());

    const SetupReport report = setup_->teardown();
    EXPECT_TRUE(report.ok()) << report.errors.front().message();
    EXPECT_THAT(report.done.back(), HasSubstr("was gone"));
}

// As a crashed ogwd would leave them on a persistent device.
TEST_F(TunConfigSys, StaleRoutesOfTheLinkAreFlushed) {
    ASSERT_TRUE(rtnl_->set_link(tun_->ifindex(), std::nullopt, true));
    for (const auto* stale : {"10.99.0.0/16", "fd99::/64"}) {
        const auto r = rtnl_->add_route(tun_->ifindex(), prefix(stale), 50);
        ASSERT_TRUE(r) << r.error().message();
    }
    const SetupReport report = setup_->apply(config(), std::nullopt);
    ASSERT_TRUE(report.ok()) << report.errors.front().message();
    EXPECT_EQ(ogw_routes(), (std::set<std::string>{"10.10.2.0/24 ogwt0", "10.20.0.0/16 ogwt0",
                                                   "fd00:2::/64 ogwt0"}));
}

TEST_F(TunConfigSys, ReloadChangesTheKernelRoutes) {
    ASSERT_TRUE(setup_->apply(config(), std::nullopt).ok());
    const std::vector<Route> updated = {{prefix("10.10.0.0/16"), "site-b"},
                                        {prefix("fd00:2::/64"), "site-d"},
                                        {prefix("fd00:3::/48"), "site-d"}};
    const SetupReport report = setup_->apply_route_changes(config().routes, updated);
    EXPECT_TRUE(report.ok()) << report.errors.front().message();
    EXPECT_EQ(ogw_routes(), (std::set<std::string>{"10.10.0.0/16 ogwt0", "fd00:2::/64 ogwt0",
                                                   "fd00:3::/48 ogwt0"}));
    EXPECT_TRUE(setup_->teardown().ok());
    EXPECT_TRUE(ogw_routes().empty());
}

TEST_F(TunConfigSys, DefaultRoutesOfBothFamilies) {
    GatewayConfig c = config();
    c.routes = {{prefix("0.0.0.0/0"), "site-b"}, {prefix("::/0"), "site-b"}};
    ASSERT_TRUE(setup_->apply(c, std::nullopt).ok());
    EXPECT_EQ(ogw_routes(), (std::set<std::string>{"0.0.0.0/0 ogwt0", "::/0 ogwt0"}));
    EXPECT_TRUE(setup_->teardown().ok());
    EXPECT_TRUE(ogw_routes().empty());
}

TEST_F(TunConfigSys, FailureHalfWayIsUndoneByTeardown) {
    // Taken already, so the second address fails.
    ASSERT_TRUE(rtnl_->add_address(tun_->ifindex(), prefix("fd00:1::1/64")));
    const SetupReport report = setup_->apply(config(), std::nullopt);
    ASSERT_EQ(report.errors.size(), 1U);
    EXPECT_EQ(report.errors[0].message(),
              "add address fd00:1::1/64 to ogwt0 (ipv6: address already assigned): File exists");
    EXPECT_TRUE(setup_->teardown().ok());
    EXPECT_EQ(addresses(tun_->ifindex()), std::set<std::string>{"fd00:1::1/64"})
        << "what was there before stays";
}

}  // namespace
}  // namespace ogw::gw
