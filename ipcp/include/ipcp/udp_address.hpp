// SPDX-License-Identifier: BSD-3-Clause
// The UDP shim's PeerAddress: canonical bytes made from a socket address, so that equal
// addresses have equal bytes and turning one back into a sockaddr is a few stores.
//
//   IPv4: family 4 (1 byte), port (2, big-endian), address (4)                       7 bytes
//   IPv6: family 6 (1 byte), port (2, big-endian), address (16), scope id (4, BE)   23 bytes
//
// A v4-mapped IPv6 address stays IPv6: the shim's IPv6 sockets are v6-only.
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

// A named zone that was not resolved yet (see SocketAddress::with_scope_id) becomes scope 0.
PeerAddress udp_peer_address(const SocketAddress& address);
// From an address the kernel reported (recvmmsg, getsockname). Empty for other families and
// short addresses.
std::optional<PeerAddress> udp_peer_address(const sockaddr* address, socklen_t length);

// Empty if `address` was not made by udp_peer_address().
std::optional<SocketAddress> udp_socket_address(const PeerAddress& address);
// Writes the socket address and returns its length, or 0 if `address` was not made by
// udp_peer_address().
socklen_t udp_sockaddr(const PeerAddress& address, UdpSockaddr& out);

// "10.0.0.2:3435", "[fd00::2]:3435", "[fe80::2%eth0]:3435" (a numeric zone when no interface
// has that index), "(not a udp address)".
std::string format_udp_peer(const PeerAddress& address);

}  // namespace ogw::ipcp
