// SPDX-License-Identifier: BSD-3-Clause
// TunSetup: puts the [gateway] configuration on an opened TUN/TAP device through rtnetlink
// (MTU, link up, addresses, routes) and takes off again what it put there. Closing the
// non-persistent device removes all of it anyway; teardown() is for an orderly stop and for a
// setup that failed half way (the device may then be kept open by the caller, or not).
#pragma once

#include "config/config.hpp"
#include "tun/rtnl.hpp"
#include "tun/tun_device.hpp"

#include <flowlib/error.hpp>
#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ogw::gw {

// The smallest MTU of a link that carries IPv6 (RFC 8200).
inline constexpr std::uint32_t ipv6_min_mtu = 1280;

// TUN or TAP for mode tun or tap; nullopt for off.
std::optional<TunMode> tun_mode_for(GatewayMode mode);

// The device MTU (the largest IP packet) for mtu = auto, from the flows' largest SDU (the
// smallest one of the IPCPs; nullopt without any): TUN, the SDU; TAP, the SDU less the
// 14-byte Ethernet header (no VLAN tag counted). At most what the kernel allows the device
// (65535 less its header).
std::optional<std::uint32_t> auto_device_mtu(GatewayMode mode,
                                             std::optional<std::uint32_t> max_sdu);

// mode = tap with an mtu that leaves no room in the flows' largest SDU for the Ethernet
// header: an error naming gateway.mtu. Anything else, or no SDU known: fine.
Result<void> check_device_mtu(const GatewayConfig& config, std::optional<std::uint32_t> max_sdu);

// Which configured routes get a kernel route through the device. A route for the connected
// prefix of one of the device's addresses (10.10.1.0/24 next to address 10.10.1.1/24) is left
// out: the kernel routes that prefix to the device already. In mode tap no route gets one:
// there a route only names a bridge peer and bounds the sources it may send from, and the
// device's own addresses put the segment on-link (a host route through the device would
// make the kernel resolve off-segment destinations on the segment).
struct RoutePlan {
    struct Skipped {
        Route route;
        IpPrefix address;  // whose connected prefix it is
    };
    std::vector<Route> install;  // in configuration order, one per prefix
    std::vector<Skipped> skipped;
    std::vector<Route> bridged;  // mode tap: every route, in configuration order, one per prefix
};
RoutePlan plan_routes(const std::vector<IpPrefix>& addresses, const std::vector<Route>& routes,
                      GatewayMode mode = GatewayMode::tun);

// What a step did, for the log: "mtu 1400", "link up", "address 10.10.1.1/24",
// "route 10.10.2.0/24 (site-b)", "removed route 10.10.2.0/24", ...
struct SetupReport {
    std::vector<std::string> done;
    std::vector<std::string> skipped;  // with the reason
    std::vector<Error> errors;         // each names the object and the device

    bool ok() const { return errors.empty(); }
};

class TunSetup {
public:
    // rtnl must outlive the TunSetup.
    TunSetup(Rtnl& rtnl, int ifindex) : rtnl_(rtnl), ifindex_(ifindex) {}

    // Removes routes of ogw_route_protocol already on the device (a persistent device reused
    // after a crash), then sets the MTU (config.mtu, else auto_mtu, else left as it is), brings
    // the link up, adds every address and every planned route (none in mode tap). Stops at
    // the first failure; what was added until then is remembered for teardown(). Call once.
    // An MTU below ipv6_min_mtu with IPv6 addresses or routes is refused before anything is
    // done.
    SetupReport apply(const GatewayConfig& config, std::optional<std::uint32_t> auto_mtu);

    // For a reload: adds the planned routes of new_routes that are not installed yet, then
    // removes the installed routes that are no longer planned (in the mode given to apply).
    // old_routes only keeps skipped routes that were reported before from being reported again.
    // Goes on past failures and reports each; a route that failed is tried again at the next call.
    SetupReport apply_route_changes(const std::vector<Route>& old_routes,
                                    const std::vector<Route>& new_routes);

    // Removes the routes, then the addresses this object added, newest first. Something that is
    // gone already (with the link, or by hand) is not an error. Safe after a failed apply and
    // when called again.
    SetupReport teardown();

    // What is on the device now because of this object.
    const std::vector<IpPrefix>& addresses() const { return addresses_; }
    const std::vector<IpPrefix>& routes() const { return routes_; }

private:
    Result<void> check_mtu(std::optional<std::uint32_t> mtu, const GatewayConfig& config);
    void flush_stale_routes(SetupReport& report);
    bool add_route(const Route& route, SetupReport& report);
    void remove_route(const IpPrefix& prefix, SetupReport& report);

    Rtnl& rtnl_;
    int ifindex_;
    bool applied_ = false;
    GatewayMode mode_ = GatewayMode::tun;
    std::vector<IpPrefix> addresses_;
    std::vector<IpPrefix> routes_;  // networks
};

}  // namespace ogw::gw
