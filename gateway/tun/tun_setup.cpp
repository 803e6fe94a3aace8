// SPDX-License-Identifier: BSD-3-Clause
#include "tun/tun_setup.hpp"

#include "bridge/ethernet_frame.hpp"

#include <algorithm>
#include <cerrno>
#include <unordered_set>

namespace ogw::gw {
namespace {

// A route or address removed behind our back, or with the link.
bool already_gone(const Error& error) {
    if (error.code.category() != std::system_category()) {
        return false;
    }
    const int err = error.code.value();
    return err == ESRCH || err == ENOENT || err == ENODEV || err == EADDRNOTAVAIL;
}

bool contains(const std::vector<IpPrefix>& list, const IpPrefix& prefix) {
    return std::find(list.begin(), list.end(), prefix) != list.end();
}

std::string route_text(const Route& route) {
    return "route " + route.prefix.to_string() + " (" + route.remote + ")";
}

std::string skip_text(const RoutePlan::Skipped& skipped) {
    return route_text(skipped.route) + ": the connected prefix of address " +
           skipped.address.to_string();
}

std::string bridged_text(const Route& route) {
    return route_text(route) + ": mode tap, a bridge peer's prefix, no device route";
}

// Reports the plan's skipped and bridged routes, but for the prefixes of old_routes.
void report_unplanned(const RoutePlan& plan, const std::vector<Route>& old_routes,
                      SetupReport& report) {
    std::unordered_set<IpPrefix> old_prefixes;
    for (const Route& route : old_routes) {
        old_prefixes.insert(route.prefix.network());
    }
    for (const auto& s : plan.skipped) {
        if (!old_prefixes.contains(s.route.prefix)) {
            report.skipped.push_back(skip_text(s));
        }
    }
    for (const Route& route : plan.bridged) {
        if (!old_prefixes.contains(route.prefix)) {
            report.skipped.push_back(bridged_text(route));
        }
    }
}

// What the kernel allows a TUN/TAP device (MAX_MTU less the device's header).
constexpr std::uint32_t max_device_frame = 65535;
// What a TAP device's frames carry in every SDU besides the IP packet.
constexpr auto ethernet_header = static_cast<std::uint32_t>(ethernet_header_size);

bool has_ipv6(const GatewayConfig& config) {
    return std::any_of(config.addresses.begin(), config.addresses.end(),
                       [](const IpPrefix& a) { return a.address().is_v6(); }) ||
           std::any_of(config.routes.begin(), config.routes.end(),
                       [](const Route& r) { return r.prefix.address().is_v6(); });
}

}  // namespace

std::optional<TunMode> tun_mode_for(GatewayMode mode) {
    switch (mode) {
        case GatewayMode::tun:
            return TunMode::tun;
        case GatewayMode::tap:
            return TunMode::tap;
        case GatewayMode::off:
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> auto_device_mtu(GatewayMode mode,
                                             std::optional<std::uint32_t> max_sdu) {
    if (!max_sdu) {
        return std::nullopt;
    }
    const std::uint32_t frame = std::min(*max_sdu, max_device_frame);
    if (mode != GatewayMode::tap) {
        return frame;
    }
    return frame > ethernet_header ? frame - ethernet_header : 0;
}

Result<void> check_device_mtu(const GatewayConfig& config, std::optional<std::uint32_t> max_sdu) {
    if (config.mode != GatewayMode::tap || !config.mtu || !max_sdu ||
        std::uint32_t{*config.mtu} + ethernet_header <= *max_sdu) {
        return {};
    }
    const std::uint32_t room = *max_sdu > ethernet_header ? *max_sdu - ethernet_header : 0;
    return unexpected(
        Error{make_error_code(errc::bad_value),
              "gateway.mtu = " + std::to_string(*config.mtu) + ": mode tap carries the " +
                  std::to_string(ethernet_header) +
                  "-byte Ethernet header in every SDU, and the flows' largest SDU is " +
                  std::to_string(*max_sdu) + " bytes: set mtu to at most " + std::to_string(room) +
                  ", or to auto"});
}

RoutePlan plan_routes(const std::vector<IpPrefix>& addresses, const std::vector<Route>& routes,
                      GatewayMode mode) {
    RoutePlan plan;
    std::unordered_set<IpPrefix> seen;
    for (const Route& route : routes) {
        const IpPrefix network = route.prefix.network();
        if (!seen.insert(network).second) {
            continue;
        }
        if (mode == GatewayMode::tap) {
            plan.bridged.push_back(Route{network, route.remote});
            continue;
        }
        const auto connected =
            std::find_if(addresses.begin(), addresses.end(),
                         [&network](const IpPrefix& a) { return a.network() == network; });
        if (connected != addresses.end()) {
            plan.skipped.push_back({Route{network, route.remote}, *connected});
        } else {
            plan.install.push_back(Route{network, route.remote});
        }
    }
    return plan;
}

SetupReport TunSetup::apply(const GatewayConfig& config, std::optional<std::uint32_t> auto_mtu) {
    SetupReport report;
    if (applied_) {
        report.errors.push_back(Error{make_error_code(errc::bad_state),
                                      "configure " + rtnl_.link_name(ifindex_) + ": done already"});
        return report;
    }
    applied_ = true;
    mode_ = config.mode;

    const std::optional<std::uint32_t> mtu =
        config.mtu ? std::optional<std::uint32_t>(*config.mtu) : auto_mtu;
    if (auto r = check_mtu(mtu, config); !r) {
        report.errors.push_back(r.error());
        return report;
    }
    flush_stale_routes(report);
    if (!report.ok()) {
        return report;
    }
    if (auto r = rtnl_.set_link(ifindex_, mtu, true); !r) {
        report.errors.push_back(r.error());
        return report;
    }
    if (mtu) {
        report.done.push_back("mtu " + std::to_string(*mtu));
    }
    report.done.push_back("link up");

    for (const IpPrefix& address : config.addresses) {
        if (auto r = rtnl_.add_address(ifindex_, address); !r) {
            report.errors.push_back(r.error());
            return report;
        }
        addresses_.push_back(address);
        report.done.push_back("address " + address.to_string());
    }

    const RoutePlan plan = plan_routes(config.addresses, config.routes, mode_);
    report_unplanned(plan, {}, report);
    for (const Route& route : plan.install) {
        if (!add_route(route, report)) {
            return report;
        }
    }
    return report;
}

SetupReport TunSetup::apply_route_changes(const std::vector<Route>& old_routes,
                                          const std::vector<Route>& new_routes) {
    SetupReport report;
    const RoutePlan plan = plan_routes(addresses_, new_routes, mode_);
    report_unplanned(plan, old_routes, report);
    // Make before break: a prefix that moves to a shorter one stays reachable meanwhile.
    std::unordered_set<IpPrefix> wanted;
    for (const Route& route : plan.install) {
        wanted.insert(route.prefix);
        if (!contains(routes_, route.prefix)) {
            add_route(route, report);
        }
    }
    const std::vector<IpPrefix> installed = routes_;
    for (const IpPrefix& prefix : installed) {
        if (!wanted.contains(prefix)) {
            remove_route(prefix, report);
        }
    }
    return report;
}

SetupReport TunSetup::teardown() {
    SetupReport report;
    while (!routes_.empty()) {
        remove_route(routes_.back(), report);
    }
    while (!addresses_.empty()) {
        const IpPrefix address = addresses_.back();
        addresses_.pop_back();
        auto r = rtnl_.del_address(ifindex_, address);
        if (r) {
            report.done.push_back("removed address " + address.to_string());
        } else if (already_gone(r.error())) {
            report.done.push_back("address " + address.to_string() + " was gone");
        } else {
            report.errors.push_back(r.error());
        }
    }
    return report;
}

// The kernel turns IPv6 off on a link whose MTU is below the IPv6 minimum, which would make
// the IPv6 steps fail with a less helpful error.
Result<void> TunSetup::check_mtu(std::optional<std::uint32_t> mtu, const GatewayConfig& config) {
    if (mtu && *mtu < ipv6_min_mtu && has_ipv6(config)) {
        return unexpected(Error{make_error_code(errc::bad_value),
                                "set link " + rtnl_.link_name(ifindex_) + " mtu " +
                                    std::to_string(*mtu) + ": IPv6 needs an MTU of at least " +
                                    std::to_string(ipv6_min_mtu)});
    }
    return {};
}

void TunSetup::flush_stale_routes(SetupReport& report) {
    auto routes = rtnl_.list_routes(ogw_route_protocol);
    if (!routes) {
        report.errors.push_back(routes.error());
        return;
    }
    for (const RouteInfo& stale : *routes) {
        if (stale.ifindex != ifindex_) {
            continue;
        }
        auto r = rtnl_.del_route(ifindex_, stale.prefix, stale.metric);
        if (r) {
            report.done.push_back("removed stale route " + stale.prefix.to_string());
        } else if (!already_gone(r.error())) {
            report.errors.push_back(r.error());
            return;
        }
    }
}

bool TunSetup::add_route(const Route& route, SetupReport& report) {
    if (auto r = rtnl_.add_route(ifindex_, route.prefix, std::nullopt); !r) {
        report.errors.push_back(r.error());
        return false;
    }
    routes_.push_back(route.prefix);
    report.done.push_back(route_text(route));
    return true;
}

// Forgets the route whatever the outcome: one that cannot be removed is reported once.
void TunSetup::remove_route(const IpPrefix& prefix, SetupReport& report) {
    std::erase(routes_, prefix);
    auto r = rtnl_.del_route(ifindex_, prefix, std::nullopt);
    if (r) {
        report.done.push_back("removed route " + prefix.to_string());
    } else if (already_gone(r.error())) {
        report.done.push_back("route " + prefix.to_string() + " was gone");
    } else {
        report.errors.push_back(r.error());
    }
}

}  // namespace ogw::gw
