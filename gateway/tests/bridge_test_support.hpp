// SPDX-License-Identifier: BSD-3-Clause
// Ethernet frames, ARP messages and IP packets with chosen addresses for the TAP bridge tests.
#pragma once

#include "packet_test_support.hpp"

#include <flowlib/inet.hpp>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <utility>

namespace ogw::gw::testing {

// 02:00:00:00:00:<last> (locally administered unicast).
inline MacAddress mac(std::uint8_t last) {
    return MacAddress({0x02, 0x00, 0x00, 0x00, 0x00, last});
}

inline MacAddress mac(const char* text) {
    return MacAddress::parse(text).value();
}

struct Tag {
    std::uint16_t tpid = 0x8100;
    std::uint16_t tci = 0;
};

inline Bytes ethernet(const MacAddress& dst, const MacAddress& src, std::uint16_t type,
                      const Bytes& payload, std::initializer_list<Tag> tags = {}) {
    Bytes frame;
    for (const MacAddress* m : {&dst, &src}) {
        for (const std::uint8_t b : m->bytes()) {
            frame.push_back(static_cast<std::byte>(b));
        }
    }
    auto push16 = [&frame](std::uint16_t v) {
        frame.push_back(static_cast<std::byte>(v >> 8));
        frame.push_back(static_cast<std::byte>(v));
    };
    for (const Tag& tag : tags) {
        push16(tag.tpid);
        push16(tag.tci);
    }
    push16(type);
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

// udp_v4 (a valid UDP packet) with other addresses and the checksums redone.
inline Bytes udp4(std::array<std::uint8_t, 4> src, std::array<std::uint8_t, 4> dst) {
    Bytes packet = udp_v4;
    for (std::size_t i = 0; i < 4; ++i) {
        put8(packet, 12 + i, src[i]);
        put8(packet, 16 + i, dst[i]);
    }
    refresh_ipv4_header_checksum(packet);
    refresh_transport_checksum(packet);
    return packet;
}

// icmpv6_echo_v6 with another source address.
inline Bytes echo6(const char* src) {
    Bytes packet = icmpv6_echo_v6;
    const IpAddress address = IpAddress::parse(src).value();
    for (std::size_t i = 0; i < 16; ++i) {
        put8(packet, 8 + i, address.bytes()[i]);
    }
    refresh_transport_checksum(packet);
    return packet;
}

// An ARP request (RFC 826, Ethernet/IPv4) from sha/spa for tpa.
inline Bytes arp_request(const MacAddress& sha, std::array<std::uint8_t, 4> spa,
                         std::array<std::uint8_t, 4> tpa) {
    Bytes arp = bytes({0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01});
    for (const std::uint8_t b : sha.bytes()) {
        arp.push_back(static_cast<std::byte>(b));
    }
    for (const std::uint8_t b : spa) {
        arp.push_back(static_cast<std::byte>(b));
    }
    arp.insert(arp.end(), 6, std::byte{0});
    for (const std::uint8_t b : tpa) {
        arp.push_back(static_cast<std::byte>(b));
    }
    return arp;
}

}  // namespace ogw::gw::testing
