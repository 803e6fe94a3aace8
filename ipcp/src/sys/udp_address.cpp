// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/udp_address.hpp>

#include <net/if.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ogw::ipcp {
namespace {

constexpr std::byte family_v4{4};
constexpr std::byte family_v6{6};
constexpr std::size_t v4_size = 1 + 2 + 4;
constexpr std::size_t v6_size = 1 + 2 + 16 + 4;
constexpr std::size_t address_offset = 3;
constexpr std::size_t scope_offset = address_offset + 16;

// Port and scope id arrive and leave in network order: they are copied, never swapped.
template <std::size_t N>
PeerAddress make_peer(std::byte family, const void* port_be, const void* address,
                      std::size_t address_size, const void* scope_be) {
    std::array<std::byte, N> b{};
    b[0] = family;
    std::memcpy(&b[1], port_be, 2);
    std::memcpy(&b[address_offset], address, address_size);
    if constexpr (N == v6_size) {
        std::memcpy(&b[scope_offset], scope_be, 4);
    }
    return PeerAddress::from_bytes(b);
}

// ::ffff:a.b.c.d: ten zero bytes, two 0xff, then a.b.c.d.
constexpr std::size_t v4_mapped_offset = 12;

}  // namespace

PeerAddress udp_peer_address(const SocketAddress& address) {
    const std::uint16_t port = htons(address.port());
    const IpAddress unmapped = address.ip().unmapped();
    const auto ip = unmapped.bytes();
    if (unmapped.is_v4()) {
        return make_peer<v4_size>(family_v4, &port, ip.data(), ip.size(), nullptr);
    }
    const std::uint32_t scope = htonl(address.scope_id());
    return make_peer<v6_size>(family_v6, &port, ip.data(), ip.size(), &scope);
}

std::optional<PeerAddress> udp_peer_address(const sockaddr* address, socklen_t length) {
    if (address == nullptr || length < static_cast<socklen_t>(sizeof(sa_family_t))) {
        return std::nullopt;
    }
    sa_family_t family = 0;
    std::memcpy(&family,
                reinterpret_cast<const std::byte*>(address) + offsetof(sockaddr, sa_family),
                sizeof family);
    if (family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in sin{};
        std::memcpy(&sin, address, sizeof sin);
        return make_peer<v4_size>(family_v4, &sin.sin_port, &sin.sin_addr, 4, nullptr);
    }
    if (family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, address, sizeof sin6);
        if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {  // an IPv4 sender on a dual-stack socket
            return make_peer<v4_size>(family_v4, &sin6.sin6_port,
                                      &sin6.sin6_addr.s6_addr[v4_mapped_offset], 4, nullptr);
        }
        const std::uint32_t scope = htonl(sin6.sin6_scope_id);
        return make_peer<v6_size>(family_v6, &sin6.sin6_port, &sin6.sin6_addr, 16, &scope);
    }
    return std::nullopt;
}

socklen_t udp_sockaddr(const PeerAddress& address, UdpSockaddr& out) {
    const auto b = address.bytes();
    if (b.size() == v4_size && b[0] == family_v4) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        std::memcpy(&sin.sin_port, &b[1], 2);
        std::memcpy(&sin.sin_addr, &b[address_offset], 4);
        out.v4 = sin;
        return static_cast<socklen_t>(sizeof sin);
    }
    if (b.size() == v6_size && b[0] == family_v6) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        std::memcpy(&sin6.sin6_port, &b[1], 2);
        std::memcpy(&sin6.sin6_addr, &b[address_offset], 16);
        std::uint32_t scope = 0;
        std::memcpy(&scope, &b[scope_offset], 4);
        sin6.sin6_scope_id = ntohl(scope);
        out.v6 = sin6;
        return static_cast<socklen_t>(sizeof sin6);
    }
    return 0;
}

socklen_t udp_sockaddr_v6(const PeerAddress& address, UdpSockaddr& out) {
    const socklen_t length = udp_sockaddr(address, out);
    if (length != static_cast<socklen_t>(sizeof(sockaddr_in))) {
        return length;
    }
    const sockaddr_in sin = out.v4;
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = sin.sin_port;
    sin6.sin6_addr.s6_addr[v4_mapped_offset - 2] = 0xff;
    sin6.sin6_addr.s6_addr[v4_mapped_offset - 1] = 0xff;
    std::memcpy(&sin6.sin6_addr.s6_addr[v4_mapped_offset], &sin.sin_addr, 4);
    out.v6 = sin6;
    return static_cast<socklen_t>(sizeof sin6);
}

std::optional<SocketAddress> udp_socket_address(const PeerAddress& address) {
    UdpSockaddr sa{};
    const socklen_t length = udp_sockaddr(address, sa);
    if (length == 0) {
        return std::nullopt;
    }
    auto r = SocketAddress::from_sockaddr(&sa.any, length);
    if (!r) {
        return std::nullopt;
    }
    return *r;
}

std::string format_udp_peer(const PeerAddress& address) {
    const auto a = udp_socket_address(address);
    if (!a) {
        return "(not a udp address)";
    }
    if (a->ip().is_v4() || a->scope_id() == 0) {
        return a->to_string();
    }
    std::array<char, IF_NAMESIZE> name{};
    if (::if_indextoname(a->scope_id(), name.data()) == nullptr) {
        return a->to_string();
    }
    return "[" + a->ip().to_string() + "%" + name.data() + "]:" + std::to_string(a->port());
}

}  // namespace ogw::ipcp
