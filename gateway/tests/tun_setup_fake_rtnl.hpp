// SPDX-License-Identifier: BSD-3-Clause
// FakeRtnl: an Rtnl that keeps one link's addresses and ogw routes in memory, answers as the
// kernel does (EEXIST, EADDRNOTAVAIL, ESRCH), records every call as text and fails the calls
// it is told to.
#pragma once

#include "tun/rtnl.hpp"

#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <vector>

namespace ogw::gw::test {

class FakeRtnl : public Rtnl {
public:
    static constexpr int ifindex = 5;

    std::vector<std::string> calls;
    std::map<std::string, int> failures;  // call text -> errno
    std::optional<std::uint32_t> mtu;
    bool up = false;
    std::vector<IpPrefix> addresses;
    std::vector<RouteInfo> routes;  // of every link, as list_routes shows them

    Result<void> set_link(int index, std::optional<std::uint32_t> new_mtu, bool new_up) override {
        const std::string text = "set_link " + std::to_string(index) +
                                 (new_mtu ? " mtu " + std::to_string(*new_mtu) : "") +
                                 (new_up ? " up" : " down");
        if (auto r = record(text); !r) {
            return r;
        }
        mtu = new_mtu ? new_mtu : mtu;
        up = new_up;
        return {};
    }

    Result<LinkInfo> link_info(int index) override {
        if (auto r = record("link_info " + std::to_string(index)); !r) {
            return unexpected(r.error());
        }
        return LinkInfo{index, link_name(index), mtu.value_or(1500), up ? 1U : 0U};
    }

    Result<void> add_address(int index, const IpPrefix& address) override {
        if (auto r = record("add_address " + address.to_string()); !r) {
            return r;
        }
        if (index != ifindex) {
            return fail(ENODEV);
        }
        if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) {
            return fail(EEXIST);
        }
        addresses.push_back(address);
        return {};
    }

    Result<void> del_address(int, const IpPrefix& address) override {
        if (auto r = record("del_address " + address.to_string()); !r) {
            return r;
        }
        return std::erase(addresses, address) > 0 ? Result<void>() : fail(EADDRNOTAVAIL);
    }

    Result<std::vector<AddressInfo>> list_addresses(int index) override {
        if (auto r = record("list_addresses"); !r) {
            return unexpected(r.error());
        }
        std::vector<AddressInfo> out;
        for (const IpPrefix& address : addresses) {
            out.push_back(AddressInfo{index, address, 0, 0});
        }
        return out;
    }

    Result<void> add_route(int index, const IpPrefix& prefix,
                           std::optional<std::uint32_t> metric) override {
        if (auto r = record("add_route " + prefix.to_string()); !r) {
            return r;
        }
        if (find_route(index, prefix, metric) != routes.end()) {
            return fail(EEXIST);
        }
        routes.push_back(
            RouteInfo{index, prefix.network(), metric, 254, ogw_route_protocol, 253, 1});
        return {};
    }

    Result<void> del_route(int index, const IpPrefix& prefix,
                           std::optional<std::uint32_t> metric) override {
        const std::string text = "del_route " + std::to_string(index) + " " + prefix.to_string() +
                                 (metric ? " metric " + std::to_string(*metric) : "");
        if (auto r = record(text); !r) {
            return r;
        }
        const auto it = find_route(index, prefix, metric);
        if (it == routes.end()) {
            return fail(ESRCH);
        }
        routes.erase(it);
        return {};
    }

    Result<std::vector<RouteInfo>> list_routes(std::uint8_t protocol) override {
        if (auto r = record("list_routes " + std::to_string(unsigned{protocol})); !r) {
            return unexpected(r.error());
        }
        return routes;
    }

    std::string link_name(int index) override {
        return index == ifindex ? "ogw0" : "ifindex " + std::to_string(index);
    }

    // The calls after the first n, which a test is not about.
    std::vector<std::string> calls_after(std::size_t n) const {
        return {calls.begin() + static_cast<std::ptrdiff_t>(std::min(n, calls.size())),
                calls.end()};
    }

private:
    Result<void> record(const std::string& text) {
        calls.push_back(text);
        if (const auto it = failures.find(text); it != failures.end()) {
            return unexpected(Error::from_errno(it->second, text));
        }
        return {};
    }

    static Result<void> fail(int err) { return unexpected(Error::from_errno(err, "fake")); }

    std::vector<RouteInfo>::iterator find_route(int index, const IpPrefix& prefix,
                                                std::optional<std::uint32_t> metric) {
        return std::find_if(routes.begin(), routes.end(), [&](const RouteInfo& r) {
            return r.ifindex == index && r.prefix == prefix.network() &&
                   (!metric || r.metric == metric);
        });
    }
};

}  // namespace ogw::gw::test
