// SPDX-License-Identifier: BSD-3-Clause
// Rtnl: a small rtnetlink request/ack client (libmnl) for the gateway device's link, addresses
// and routes. Each call sends one request and waits for the kernel's whole answer. A kernel
// error comes back as an Error with the errno as its code and a where naming the object and
// the device, followed by the kernel's extended ack text in parentheses when it gives one:
//   "add address 10.10.1.1/24 to ogw0: File exists"
//   "set link ogw0 mtu 40 up (mtu less than device minimum): Invalid argument"
//   "add route 10.10.2.0/24 dev ogw0 (needs CAP_NET_ADMIN): Operation not permitted"
// Not for the packet path: calls block and allocate.
#pragma once

#include "tun/rtnl_message.hpp"

#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct mnl_socket;

namespace ogw::gw {

class Rtnl {
public:
    // A NETLINK_ROUTE socket in the caller's network namespace.
    static Result<std::unique_ptr<Rtnl>> open();

    Rtnl(const Rtnl&) = delete;
    Rtnl& operator=(const Rtnl&) = delete;
    virtual ~Rtnl();

    // Sets the MTU (when given) and brings the link up or down.
    virtual Result<void> set_link(int ifindex, std::optional<std::uint32_t> mtu, bool up);
    virtual Result<LinkInfo> link_info(int ifindex);
    // The address with its host bits: 10.10.1.1/24.
    virtual Result<void> add_address(int ifindex, const IpPrefix& address);
    virtual Result<void> del_address(int ifindex, const IpPrefix& address);
    // The IPv4 and IPv6 addresses on the link, including the kernel's own (link-local).
    virtual Result<std::vector<AddressInfo>> list_addresses(int ifindex);
    // A main-table route for the prefix's network out of ifindex, with ogw_route_protocol.
    // Without a metric, removal matches the route whatever its metric (IPv6) or the route
    // added without one (IPv4).
    virtual Result<void> add_route(int ifindex, const IpPrefix& prefix,
                                   std::optional<std::uint32_t> metric);
    virtual Result<void> del_route(int ifindex, const IpPrefix& prefix,
                                   std::optional<std::uint32_t> metric);
    // The main table's IPv4 and IPv6 routes with this rtm_protocol, out of any link.
    virtual Result<std::vector<RouteInfo>> list_routes(std::uint8_t protocol);
    // "ogw0", or "ifindex 7" when the link is gone; for messages.
    virtual std::string link_name(int ifindex);

protected:
    // For test doubles, which override every request.
    Rtnl() = default;

private:
    using OnMessage = std::function<void(std::span<const std::byte>)>;
    using BuildDump = std::span<const std::byte> (*)(std::span<std::byte>, std::uint32_t);
    struct SocketClose {
        void operator()(mnl_socket* socket) const;
    };
    Rtnl(std::unique_ptr<mnl_socket, SocketClose> socket, std::uint32_t portid);

    // Sends one request and reads the answer up to its ack or NLMSG_DONE, passing every data
    // message to on_message. A failure's where is the kernel's extended ack text (or empty).
    Result<void> transact(std::span<const std::byte> request, const OnMessage& on_message);
    // A dump, started over when the kernel reports it interrupted by a change; on_restart
    // forgets what the messages of an abandoned attempt gave.
    Result<void> dump(BuildDump build, const OnMessage& on_message,
                      const std::function<void()>& on_restart);
    void drain();
    std::uint32_t next_seq() { return ++seq_; }

    std::unique_ptr<mnl_socket, SocketClose> socket_;
    std::uint32_t portid_ = 0;
    std::uint32_t seq_ = 0;
    bool dirty_ = false;  // an answer was abandoned half read: drain before the next request
    alignas(4) std::array<std::byte, rtnl_request_size> request_{};
    std::vector<std::byte> answer_;
};

}  // namespace ogw::gw
