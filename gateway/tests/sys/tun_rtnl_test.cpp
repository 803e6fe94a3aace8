// SPDX-License-Identifier: BSD-3-Clause
// Rtnl's requests and its error messages against the kernel (root, own network namespace).
#include "tests/rtnl_test_support.hpp"
#include "tests/sys/tun_netns.hpp"

#include <gmock/gmock.h>

#include <net/if.h>
#include <sys/wait.h>

#include <string>

namespace ogw::gw {
namespace {

using test::prefix;
using ::testing::HasSubstr;

class TunRtnlSys : public test::NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        tun_ = open_tun("ogwt0");
        ASSERT_TRUE(tun_);
    }

    int ifindex() const { return tun_->ifindex(); }

    std::unique_ptr<TunDevice> tun_;
};

TEST_F(TunRtnlSys, LinkUpDownAndMtu) {
    ASSERT_TRUE(rtnl_->set_link(ifindex(), 9000, true));
    auto link = rtnl_->link_info(ifindex());
    ASSERT_TRUE(link);
    EXPECT_EQ(link->mtu, 9000U);
    EXPECT_TRUE(link->up());

    ASSERT_TRUE(rtnl_->set_link(ifindex(), std::nullopt, false));
    link = rtnl_->link_info(ifindex());
    ASSERT_TRUE(link);
    EXPECT_EQ(link->mtu, 9000U);
    EXPECT_FALSE(link->up());
}

TEST_F(TunRtnlSys, LoopbackIsThere) {
    const auto lo = rtnl_->link_info(static_cast<int>(::if_nametoindex("lo")));
    ASSERT_TRUE(lo) << lo.error().message();
    EXPECT_EQ(lo->name, "lo");
    EXPECT_EQ(rtnl_->link_name(ifindex()), "ogwt0");
    EXPECT_EQ(rtnl_->link_name(4242), "ifindex 4242");
}

TEST_F(TunRtnlSys, ErrorNamesTheObjectAndTheDevice) {
    ASSERT_TRUE(rtnl_->add_address(ifindex(), prefix("10.10.1.1/24")));
    const auto twice = rtnl_->add_address(ifindex(), prefix("10.10.1.1/24"));
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, std::errc::file_exists);
    EXPECT_THAT(twice.error().message(), HasSubstr("add address 10.10.1.1/24 to ogwt0"));
    EXPECT_THAT(twice.error().message(), HasSubstr("File exists"));

    const auto route = rtnl_->del_route(ifindex(), prefix("10.10.9.0/24"), std::nullopt);
    ASSERT_FALSE(route);
    EXPECT_EQ(route.error().message(), "remove route 10.10.9.0/24 dev ogwt0: No such process");

    const auto address = rtnl_->del_address(ifindex(), prefix("10.10.9.1/24"));
    ASSERT_FALSE(address);
    EXPECT_THAT(address.error().message(), HasSubstr("remove address 10.10.9.1/24 from ogwt0"));

    const auto link = rtnl_->link_info(4242);
    ASSERT_FALSE(link);
    EXPECT_EQ(link.error().message(), "get link ifindex 4242: No such device");
}

TEST_F(TunRtnlSys, RouteOnADownLinkIsRefused) {
    const auto r = rtnl_->add_route(ifindex(), prefix("10.10.9.0/24"), std::nullopt);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::network_down);
    EXPECT_THAT(r.error().message(), HasSubstr("add route 10.10.9.0/24 dev ogwt0"));
}

TEST_F(TunRtnlSys, ErrorCarriesTheKernelsExplanation) {
    const auto r = rtnl_->set_link(ifindex(), 40, true);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::invalid_argument);
    EXPECT_EQ(r.error().message(),
              "set link ogwt0 mtu 40 up (mtu less than device minimum): Invalid argument");
}

TEST_F(TunRtnlSys, SocketStaysUsableAfterErrors) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(rtnl_->del_route(ifindex(), prefix("10.10.9.0/24"), std::nullopt));
        EXPECT_FALSE(rtnl_->link_info(4242));
    }
    ASSERT_TRUE(rtnl_->set_link(ifindex(), std::nullopt, true));
    const auto added = rtnl_->add_route(ifindex(), prefix("10.10.9.0/24"), 7);
    ASSERT_TRUE(added) << added.error().message();
    const auto routes = rtnl_->list_routes(ogw_route_protocol);
    ASSERT_TRUE(routes);
    ASSERT_EQ(routes->size(), 1U);
    EXPECT_EQ(routes->front().metric, 7U);
    EXPECT_EQ(routes->front().ifindex, ifindex());
    EXPECT_TRUE(rtnl_->del_route(ifindex(), prefix("10.10.9.0/24"), 7));
}

// Many routes make the dump span several reads.
TEST_F(TunRtnlSys, LongDumps) {
    ASSERT_TRUE(rtnl_->set_link(ifindex(), std::nullopt, true));
    constexpr int count = 600;
    for (int i = 0; i < count; ++i) {
        const std::string text =
            "10." + std::to_string(100 + i / 256) + "." + std::to_string(i % 256) + ".0/24";
        ASSERT_TRUE(rtnl_->add_route(ifindex(), prefix(text), std::nullopt)) << text;
    }
    const auto routes = rtnl_->list_routes(ogw_route_protocol);
    ASSERT_TRUE(routes) << routes.error().message();
    EXPECT_EQ(routes->size(), static_cast<std::size_t>(count));
}

// Without CAP_NET_ADMIN (a child that became nobody) both steps say what is missing.
TEST_F(TunRtnlSys, WithoutCapNetAdminTheMessageSaysSo) {
    std::array<int, 2> fds{};
    ASSERT_EQ(::pipe(fds.data()), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        std::string out;
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0) {
            out = "setresuid failed";
        } else {
            auto rtnl = Rtnl::open();
            if (rtnl) {
                auto r = (*rtnl)->add_address(ifindex(), prefix("10.10.1.1/24"));
                out += r ? "added\n" : r.error().message() + "\n";
            }
            auto tun = TunDevice::open("ogwt1", TunMode::tun);
            out += tun ? "opened\n" : tun.error().message() + "\n";
        }
        const auto written = ::write(fds[1], out.data(), out.size());
        ::_exit(written == static_cast<ssize_t>(out.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string out;
    std::array<char, 512> buf{};
    for (ssize_t n; (n = ::read(fds[0], buf.data(), buf.size())) > 0;) {
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_THAT(out, HasSubstr("add address 10.10.1.1/24 to ogwt0 (needs CAP_NET_ADMIN): "
                               "Operation not permitted\n"));
    EXPECT_THAT(out, HasSubstr("TUN device ogwt1 needs CAP_NET_ADMIN"));
}

}  // namespace
}  // namespace ogw::gw
