// SPDX-License-Identifier: BSD-3-Clause
// The Ethernet shim's socket: AF_PACKET, SOCK_RAW (frames with their Ethernet header), bound to
// one interface and one Ethertype, non-blocking and close-on-exec. A classic BPF program
// attached before the bind (SO_ATTACH_FILTER) lets only frames of that Ethertype addressed to
// this host or broadcast reach the socket, so unrelated traffic is never copied to user space.
// Opening it needs CAP_NET_RAW.
#pragma once

#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <linux/filter.h>

#include <array>
#include <cstdint>
#include <string>

namespace ogw::ipcp {

inline constexpr int eth_socket_buffer_bytes = 4 << 20;

struct EthSocket {
    UniqueFd fd;
    std::uint32_t ifindex = 0;
    MacAddress mac;
    std::uint32_t mtu = 0;
};

// Errors name the device: "device veth0: No such device", "AF_PACKET socket on veth0:
// Operation not permitted (the eth IPCP needs CAP_NET_RAW)", "veth0 is not an Ethernet device".
Result<EthSocket> open_eth_socket(const std::string& dev, std::uint16_t ethertype);

// The filter: accept frames to this host (PACKET_HOST) or broadcast (PACKET_BROADCAST) whose
// Ethertype is `ethertype`; drop everything else (multicast, other hosts' frames seen in
// promiscuous mode, our own outgoing frames, other Ethertypes).
inline constexpr std::size_t eth_filter_length = 6;
std::array<sock_filter, eth_filter_length> eth_socket_filter(std::uint16_t ethertype);

}  // namespace ogw::ipcp
