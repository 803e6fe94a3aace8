// SPDX-License-Identifier: BSD-3-Clause
// The UDP shim's PeerAddress: canonical bytes made from a socket address, so that equal
// addresses have equal bytes and turning one back into a sockaddr is a few stores.
//
//   IPv4: family 4 (1 byte), port (2, big-endian), address (4)                       7 bytes
//   IPv6: family 6 (1 byte), port (2, big-endian), address (16), scope id (4, BE)   23 bytes
//
// A v4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address a.b.c.d: a socket bound to
// [::] is dual stack and reports IPv4 senders that way, while the directory, the engine and
// operators know them as IPv4. Only the destinations written for such a socket
// (udp_sockaddr_v6) are v4-mapped again. A socket bound to any other IPv6 address is v6-only.
#pragma once

#include <flowlib/inet.hpp>
#include <ipcp/peer_address.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>

namespace ogw::ipcp {

// A socket address of either family, without sockaddr_storage's 128 bytes.
union UdpSockaddr {
    sockaddr any;
    sockaddr_in v4;
    sockaddr_in6 v6;
};

// A socket bound to the IPv6 wildcard [::] is dual stack: it also sends to and receives from
// IPv4 peers (as v4-mapped addresses).
inline bool udp_dual_stack(const SocketAddress& bind) {
    return bind.ip().is_v6() && bind.ip().is_unspecified();
}

// Whether a socket bound to `bind` reaches `peer`: one of the bind's family (a v4-mapped address
// counts as IPv4), or any address for a dual-stack bind.
inline bool udp_bind_reaches(const SocketAddress& bind, const IpAddress& peer) {
    return udp_dual_stack(bind) || peer.unmapped().family() == bind.ip().family();
}

// A named zone that was not resolved yet (see SocketAddress::with_scope_id) becomes scope 0.
PeerAddress udp_peer_address(const SocketAddress& address);
// From an address the kernel reported (recvmmsg, getsockname). Empty for other families and
// short addresses. Both make the IPv4 form of a v4-mapped address.
std::optional<PeerAddress> udp_peer_address(const sockaddr* address, socklen_t length);

// Empty if `address` was not made by udp_peer_address().
std::optional<SocketAddress> udp_socket_address(const PeerAddress& address);
// Writes the socket address and returns its length, or 0 if `address` was not made by
// udp_peer_address().
socklen_t udp_sockaddr(const PeerAddress& address, UdpSockaddr& out);
// The same as an IPv6 socket address, for a dual-stack socket: an IPv4 address is written
// v4-mapped (::ffff:a.b.c.d).
socklen_t udp_sockaddr_v6(const PeerAddress& address, UdpSockaddr& out);

// "10.0.0.2:3435", "[fd00::2]:3435", "[fe80::2%eth0]:3435" (a numeric zone when no interface
// has that index), "(not a udp address)".
std::string format_udp_peer(const PeerAddress& address);

}  // namespace ogw::ipcp
