// SPDX-License-Identifier: BSD-3-Clause
#include "udp_socket.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace ogw::ipcp {
namespace {

Result<void> set_option(int fd, int level, int option, int value, const char* what,
                        const SocketAddress& bind) {
    if (::setsockopt(fd, level, option, &value, sizeof value) != 0) {
        return unexpected(Error::last(std::string("setsockopt ") + what + " " + bind.to_string()));
    }
    return {};
}

// A privileged process may go beyond net.core.[rw]mem_max; others get what the limit allows.
void raise_buffer(int fd, int force_option, int option) {
    const int size = udp_socket_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, force_option, &size, sizeof size) != 0) {
        ::setsockopt(fd, SOL_SOCKET, option, &size, sizeof size);
    }
}

socklen_t sockaddr_length(const sockaddr* address) {
    sa_family_t family = 0;
    std::memcpy(&family,
                reinterpret_cast<const std::byte*>(address) + offsetof(sockaddr, sa_family),
                sizeof family);
    if (family == AF_INET) {
        return static_cast<socklen_t>(sizeof(sockaddr_in));
    }
    if (family == AF_INET6) {
        return static_cast<socklen_t>(sizeof(sockaddr_in6));
    }
    return 0;
}

}  // namespace

Result<UdpSocket> open_udp_socket(const SocketAddress& bind) {
    const std::string where = "bind " + bind.to_string();
    SocketAddress address = bind;
    if (bind.has_unresolved_scope()) {
        errno = 0;
        const unsigned index = ::if_nametoindex(bind.scope_name().c_str());
        if (index == 0) {
            return unexpected(Error::from_errno(errno != 0 ? errno : ENODEV, where));
        }
        address = bind.with_scope_id(index);
    }
    const bool v6 = address.ip().is_v6();
    const bool dual_stack = udp_dual_stack(address);
    UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        return unexpected(Error::last("socket for " + bind.to_string()));
    }
    if (v6) {
        // Set either way: the default (net.ipv6.bindv6only) is the system's choice.
        if (auto r = set_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? 0 : 1,
                                "IPV6_V6ONLY", bind);
            !r) {
            return unexpected(r.error());
        }
        if (auto r = set_option(fd.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO,
                                "IPV6_MTU_DISCOVER", bind);
            !r) {
            return unexpected(r.error());
        }
    }
    // IPv4 datagrams of a dual-stack socket follow the IPv4 option.
    if (!v6 || dual_stack) {
        if (auto r = set_option(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO,
                                "IP_MTU_DISCOVER", bind);
            !r) {
            return unexpected(r.error());
        }
    }
    raise_buffer(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF);
    raise_buffer(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF);

    const SockAddr sa = address.to_sockaddr();
    if (::bind(fd.get(), sa.get(), sa.length) != 0) {
        return unexpected(Error::last(where));
    }
    UdpSockaddr local{};
    socklen_t length = sizeof local;
    if (::getsockname(fd.get(), &local.any, &length) != 0) {
        return unexpected(Error::last("getsockname " + bind.to_string()));
    }
    auto local_address = SocketAddress::from_sockaddr(&local.any, length);
    if (!local_address) {
        return unexpected(local_address.error());
    }
    return UdpSocket{std::move(fd), *local_address, dual_stack};
}

SocketBuffers socket_buffers(int fd) {
    SocketBuffers b;
    socklen_t length = sizeof b.receive;
    if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &b.receive, &length) != 0) {
        b.receive = 0;
    }
    length = sizeof b.send;
    if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &b.send, &length) != 0) {
        b.send = 0;
    }
    return b;
}

std::optional<std::uint32_t> interface_mtu(int fd, const SocketAddress& local) {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return std::nullopt;
    }
    const std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owner(list, ::freeifaddrs);
    const char* owner_name = nullptr;
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || i->ifa_name == nullptr) {
            continue;
        }
        const socklen_t length = sockaddr_length(i->ifa_addr);
        if (length == 0) {
            continue;
        }
        const auto a = SocketAddress::from_sockaddr(i->ifa_addr, length);
        if (!a || a->ip() != local.ip()) {
            continue;
        }
        if (local.ip().is_v6() && local.scope_id() != 0 && a->scope_id() != local.scope_id()) {
            continue;  // the same link-local address on another link
        }
        owner_name = i->ifa_name;
        break;
    }
    if (owner_name == nullptr || std::strlen(owner_name) >= IFNAMSIZ) {
        return std::nullopt;
    }
    ifreq request{};
    std::memcpy(request.ifr_name, owner_name, std::strlen(owner_name));
    if (::ioctl(fd, SIOCGIFMTU, &request) != 0 || request.ifr_mtu <= 0) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(request.ifr_mtu);
}

std::size_t udp_max_payload(std::uint32_t mtu, IpAddress::Family family) {
    constexpr std::size_t udp_header = 8;
    if (family == IpAddress::Family::v4) {
        // The 16-bit total length covers the 20-byte IPv4 header too.
        const std::size_t packet = std::clamp<std::size_t>(mtu, 68, 65535);
        return packet - 20 - udp_header;
    }
    // The 16-bit payload length excludes the 40-byte IPv6 header.
    const std::size_t packet = std::max<std::size_t>(mtu, 1280);
    return std::min<std::size_t>(packet - 40, 65535) - udp_header;
}

bool udp_gso_available(int fd) {
    const int off = 0;  // the socket default stays "no segmentation"; cmsgs ask per message
    return ::setsockopt(fd, SOL_UDP, UDP_SEGMENT, &off, sizeof off) == 0;
}

bool enable_udp_gro(int fd) {
    const int on = 1;
    return ::setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on) == 0;
}

// ------------------------------------------------------------------------- send batch

UdpTxBatch::UdpTxBatch(IpAddress::Family family, bool dual_stack)
    : name_length_(static_cast<socklen_t>(
          family == IpAddress::Family::v4 ? sizeof(sockaddr_in) : sizeof(sockaddr_in6))),
      dual_stack_(dual_stack) {}

bool UdpTxBatch::set_next_destination(const PeerAddress& to) {
    if (full()) {
        return false;
    }
    auto& name = names_[batch_.size()];
    return (dual_stack_ ? udp_sockaddr_v6(to, name) : udp_sockaddr(to, name)) == name_length_;
}

bool UdpTxBatch::queue(const PeerAddress& to, std::size_t size) {
    if (!set_next_destination(to)) {
        return false;
    }
    const auto i = batch_.queue(size);
    if (!i) {
        return false;
    }
    batch_.set_destination(*i, &names_[*i], name_length_);
    return true;
}

bool UdpTxBatch::queue_copy(const PeerAddress& to, std::span<const std::byte> bytes) {
    if (!set_next_destination(to)) {
        return false;
    }
    const auto i = batch_.queue_copy(bytes);
    if (!i) {
        return false;
    }
    batch_.set_destination(*i, &names_[*i], name_length_);
    return true;
}

UdpTxBatch::SendResult UdpTxBatch::send(int fd) {
    SendResult r;
    static_cast<BatchSendResult&>(r) = batch_.send(fd);
    if (r.errors != 0) {
        r.last_error_to = udp_peer_address(&names_[r.last_error_index].any, name_length_);
    }
    return r;
}

}  // namespace ogw::ipcp
