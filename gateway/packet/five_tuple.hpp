// SPDX-License-Identifier: BSD-3-Clause
// The key of a gateway session: protocol, addresses and ports of an IP packet as read from the
// TUN device (the local side's view: src = the local host, dst = the remote host). ICMP and
// ICMPv6 echo use the identifier as both ports; other protocols use ports 0.
#pragma once

#include <flowlib/inet.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace ogw::gw {

namespace ipproto {
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t icmpv6 = 58;
}  // namespace ipproto

struct FiveTuple {
    IpAddress src;
    IpAddress dst;
    std::uint8_t proto = 0;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;

    FiveTuple reversed() const { return {dst, src, proto, dport, sport}; }
    friend bool operator==(const FiveTuple&, const FiveTuple&) = default;
};

}  // namespace ogw::gw

template <>
struct std::hash<ogw::gw::FiveTuple> {
    std::size_t operator()(const ogw::gw::FiveTuple& t) const noexcept {
        std::size_t h = std::hash<ogw::IpAddress>{}(t.src);
        h = h * 1000003U ^ std::hash<ogw::IpAddress>{}(t.dst);
        h = h * 1000003U ^ (static_cast<std::size_t>(t.proto) << 32 |
                            static_cast<std::size_t>(t.sport) << 16 | t.dport);
        return h;
    }
};
