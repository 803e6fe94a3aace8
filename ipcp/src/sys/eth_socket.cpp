// SPDX-License-Identifier: BSD-3-Clause
#include "eth_socket.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ogw::ipcp {
namespace {

constexpr std::uint32_t ethertype_offset = 12;
constexpr std::uint32_t accept_whole_frame = 0xFFFFFFFF;

// A privileged process may go beyond net.core.[rw]mem_max; others get what the limit allows.
void raise_buffer(int fd, int force_option, int option) {
    const int size = eth_socket_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, force_option, &size, sizeof size) != 0) {
        ::setsockopt(fd, SOL_SOCKET, option, &size, sizeof size);
    }
}

ifreq request_for(const std::string& dev) {
    ifreq r{};
    std::memcpy(r.ifr_name, dev.data(), dev.size());
    return r;
}

Result<void> check_name(const std::string& dev) {
    if (dev.empty() || dev.size() >= IFNAMSIZ) {
        return unexpected(Error::from_errno(EINVAL, "device '" + dev + "': bad interface name"));
    }
    return {};
}

Result<UniqueFd> open_packet_socket(const std::string& dev) {
    // Protocol 0: nothing is received until bind() names the Ethertype, after the filter.
    UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        const int err = errno;
        std::string where = "AF_PACKET socket on " + dev;
        if (err == EPERM || err == EACCES) {
            where += " (the eth IPCP needs CAP_NET_RAW)";
        }
        return unexpected(Error::from_errno(err, where));
    }
    return fd;
}

Result<void> attach_filter(int fd, const std::string& dev, std::uint16_t ethertype) {
    auto program = eth_socket_filter(ethertype);
    const sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) != 0) {
        return unexpected(Error::last("attach the Ethertype filter to " + dev));
    }
    return {};
}

}  // namespace

std::array<sock_filter, eth_filter_length> eth_socket_filter(std::uint16_t ethertype) {
    constexpr auto ld_w_abs = static_cast<std::uint16_t>(BPF_LD | BPF_W | BPF_ABS);
    constexpr auto ld_h_abs = static_cast<std::uint16_t>(BPF_LD | BPF_H | BPF_ABS);
    constexpr auto jgt_k = static_cast<std::uint16_t>(BPF_JMP | BPF_JGT | BPF_K);
    constexpr auto jeq_k = static_cast<std::uint16_t>(BPF_JMP | BPF_JEQ | BPF_K);
    constexpr auto ret_k = static_cast<std::uint16_t>(BPF_RET | BPF_K);
    static_assert(PACKET_HOST == 0 && PACKET_BROADCAST == 1);
    return {{
        // 0: A = the packet type (an ancillary load).
        {ld_w_abs, 0, 0, static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)},
        // 1: neither to this host nor broadcast: drop (to 5).
        {jgt_k, 3, 0, PACKET_BROADCAST},
        // 2: A = the Ethertype.
        {ld_h_abs, 0, 0, ethertype_offset},
        // 3: ours: accept (4), else drop (5).
        {jeq_k, 0, 1, ethertype},
        // 4
        {ret_k, 0, 0, accept_whole_frame},
        // 5
        {ret_k, 0, 0, 0},
    }};
}

Result<EthSocket> open_eth_socket(const std::string& dev, std::uint16_t ethertype) {
    if (auto r = check_name(dev); !r) {
        return unexpected(r.error());
    }
    EthSocket s;
    s.ifindex = ::if_nametoindex(dev.c_str());
    if (s.ifindex == 0) {
        return unexpected(Error::last("device " + dev));
    }
    auto fd = open_packet_socket(dev);
    if (!fd) {
        return unexpected(fd.error());
    }
    s.fd = std::move(*fd);

    ifreq hw = request_for(dev);
    if (::ioctl(s.fd.get(), SIOCGIFHWADDR, &hw) != 0) {
        return unexpected(Error::last("hardware address of " + dev));
    }
    if (hw.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        return unexpected(Error::from_errno(
            EPFNOSUPPORT, dev + " is not an Ethernet device (link type " +
                              std::to_string(hw.ifr_hwaddr.sa_family) + ")"));
    }
    std::array<std::uint8_t, 6> mac{};
    std::memcpy(mac.data(), hw.ifr_hwaddr.sa_data, mac.size());
    s.mac = MacAddress(mac);

    ifreq mtu = request_for(dev);
    if (::ioctl(s.fd.get(), SIOCGIFMTU, &mtu) != 0 || mtu.ifr_mtu <= 0) {
        return unexpected(Error::last("MTU of " + dev));
    }
    s.mtu = static_cast<std::uint32_t>(mtu.ifr_mtu);

    if (auto r = attach_filter(s.fd.get(), dev, ethertype); !r) {
        return unexpected(r.error());
    }
    raise_buffer(s.fd.get(), SO_RCVBUFFORCE, SO_RCVBUF);
    raise_buffer(s.fd.get(), SO_SNDBUFFORCE, SO_SNDBUF);

    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ethertype);
    address.sll_ifindex = static_cast<int>(s.ifindex);
    if (::bind(s.fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return unexpected(Error::last("bind AF_PACKET socket to " + dev));
    }
    return s;
}

}  // namespace ogw::ipcp
