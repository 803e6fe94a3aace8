// SPDX-License-Identifier: BSD-3-Clause
// rtnetlink messages for the gateway device's link, addresses and routes: pure builders that
// write one request into a caller buffer, and parsers for the kernel's replies. No syscalls;
// the socket that sends them is Rtnl (rtnl.hpp).
#pragma once

#include <flowlib/inet.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ogw::gw {

// The rtm_protocol of every route ogw adds, so that its routes can be told apart from the
// kernel's and an administrator's, and found again (ip route show proto 160). iproute2 and the
// routing daemons use values below 0xa0 (/etc/iproute2/rt_protos).
inline constexpr std::uint8_t ogw_route_protocol = 0xa0;

// Every builder needs at most this many bytes. A builder writes nothing and returns an empty
// span when its buffer is smaller or not 4-byte aligned (alignas(4) on the caller's array).
// Messages are in host byte order, as netlink is.
inline constexpr std::size_t rtnl_request_size = 256;

enum class RtnlOp { add, remove };

struct RouteSpec {
    int ifindex = 0;
    IpPrefix prefix;  // the builder clears host bits
    std::optional<std::uint32_t> metric;
    std::uint8_t protocol = ogw_route_protocol;
};

struct LinkInfo {
    int ifindex = 0;
    std::string name;
    std::uint32_t mtu = 0;
    std::uint32_t flags = 0;  // IFF_UP, IFF_RUNNING, ... as in <net/if.h>

    bool up() const;
};

struct AddressInfo {
    int ifindex = 0;
    IpPrefix address;         // with its host bits: 10.10.1.1/24
    std::uint32_t flags = 0;  // IFA_F_PERMANENT, IFA_F_NODAD, ...
    std::uint8_t scope = 0;
};

struct RouteInfo {
    int ifindex = 0;  // RTA_OIF; 0 when the route has none (multipath, blackhole)
    IpPrefix prefix;
    std::optional<std::uint32_t> metric;
    std::uint32_t table = 0;
    std::uint8_t protocol = 0;
    std::uint8_t scope = 0;
    std::uint8_t type = 0;
};

// An NLMSG_ERROR reply: errno (0 for an ack) and the kernel's extended ack text, if any.
struct RtnlAck {
    int error = 0;
    std::string message;
};

// RTM_NEWLINK: sets IFF_UP (or clears it), and the MTU when given.
std::span<const std::byte> build_set_link(std::span<std::byte> buf, std::uint32_t seq, int ifindex,
                                          std::optional<std::uint32_t> mtu, bool up);
// RTM_GETLINK for one link; acked, so the reply ends with an NLMSG_ERROR of 0.
std::span<const std::byte> build_get_link(std::span<std::byte> buf, std::uint32_t seq, int ifindex);
// RTM_NEWADDR (exclusive) or RTM_DELADDR. The address keeps its host bits: 10.10.1.1/24 gives
// the link 10.10.1.1 and the kernel a connected route for 10.10.1.0/24. IPv4 carries IFA_LOCAL
// and IFA_ADDRESS alike (different values would make IFA_ADDRESS a point-to-point peer);
// IPv6 carries IFA_ADDRESS and IFA_F_NODAD, as a TUN link has no neighbours to ask.
std::span<const std::byte> build_address(std::span<std::byte> buf, std::uint32_t seq, RtnlOp op,
                                         int ifindex, const IpPrefix& address);
// RTM_NEWROUTE (exclusive) or RTM_DELROUTE: main table, scope link, unicast, out of ifindex.
std::span<const std::byte> build_route(std::span<std::byte> buf, std::uint32_t seq, RtnlOp op,
                                       const RouteSpec& route);
// RTM_GETADDR dump of every family.
std::span<const std::byte> build_address_dump(std::span<std::byte> buf, std::uint32_t seq);
// RTM_GETROUTE dump of every family and table.
std::span<const std::byte> build_route_dump(std::span<std::byte> buf, std::uint32_t seq);

// The parsers take one message (nlmsghdr and payload, 4-byte aligned, as the kernel delivers
// them) and return nullopt for another type, a misaligned or a malformed message. Attributes
// that run past nlmsg_len or have the wrong size are ignored.
std::optional<LinkInfo> parse_link(std::span<const std::byte> message);        // RTM_NEWLINK
std::optional<AddressInfo> parse_address(std::span<const std::byte> message);  // RTM_NEWADDR
std::optional<RouteInfo> parse_route(std::span<const std::byte> message);      // RTM_NEW/DELROUTE
std::optional<RtnlAck> parse_ack(std::span<const std::byte> message);          // NLMSG_ERROR

}  // namespace ogw::gw
