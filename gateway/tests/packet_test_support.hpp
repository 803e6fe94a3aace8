// SPDX-License-Identifier: BSD-3-Clause
// Golden packets (checksums computed outside this project), and checksum checks and a packet
// crafter written independently of gateway/packet/checksum.cpp, for the packet layer tests.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

namespace ogw::gw::testing {

using Bytes = std::vector<std::byte>;

inline Bytes bytes(std::initializer_list<std::uint8_t> values) {
    Bytes out;
    for (const std::uint8_t v : values) {
        out.push_back(static_cast<std::byte>(v));
    }
    return out;
}

inline std::uint8_t u8(std::span<const std::byte> data, std::size_t offset) {
    return static_cast<std::uint8_t>(data[offset]);
}

inline std::uint16_t u16(std::span<const std::byte> data, std::size_t offset) {
    return static_cast<std::uint16_t>(u8(data, offset) << 8 | u8(data, offset + 1));
}

inline std::uint32_t u32(std::span<const std::byte> data, std::size_t offset) {
    return static_cast<std::uint32_t>(u16(data, offset)) << 16 | u16(data, offset + 2);
}

// The one's-complement sum is the plain sum modulo 0xffff; a message with a correct checksum
// sums to 0 modulo 0xffff. The byte parts are added up separately on purpose.
inline std::uint64_t sum_mod_ffff(std::span<const std::byte> prefix,
                                  std::span<const std::byte> data) {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    for (const auto part : {prefix, data}) {
        for (std::size_t i = 0; i < part.size(); ++i) {
            (i % 2 == 0 ? high : low) += u8(part, i);
        }
    }
    return (high * 256 + low) % 0xffff;
}

inline bool sums_to_zero(std::span<const std::byte> prefix, std::span<const std::byte> data) {
    return sum_mod_ffff(prefix, data) == 0;
}

inline std::size_t ipv4_header_length(std::span<const std::byte> packet) {
    return static_cast<std::size_t>(u8(packet, 0) & 0x0f) * 4;
}

// IPv4 header checksum, and TCP/UDP/ICMPv6 checksum with the pseudo-header built from the raw
// header (an IPv6 packet without extension headers, or an IPv4 packet). ICMPv4 has no
// pseudo-header.
inline bool ipv4_header_checksum_ok(std::span<const std::byte> packet) {
    return sums_to_zero({}, packet.first(ipv4_header_length(packet)));
}

inline std::span<const std::byte> transport_of(std::span<const std::byte> packet) {
    if ((u8(packet, 0) >> 4) == 4) {
        const std::size_t header = ipv4_header_length(packet);
        return packet.subspan(header, u16(packet, 2) - header);
    }
    return packet.subspan(40, u16(packet, 4));
}

inline Bytes pseudo_header_of(std::span<const std::byte> packet) {
    Bytes pseudo;
    auto push = [&pseudo](std::span<const std::byte> part) {
        pseudo.insert(pseudo.end(), part.begin(), part.end());
    };
    const std::size_t length = transport_of(packet).size();
    if ((u8(packet, 0) >> 4) == 4) {
        if (u8(packet, 9) == 1) {
            return pseudo;
        }
        push(packet.subspan(12, 8));
        push(bytes({0, u8(packet, 9), static_cast<std::uint8_t>(length >> 8),
                    static_cast<std::uint8_t>(length)}));
    } else {
        push(packet.subspan(8, 32));
        push(bytes({0, 0, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length),
                    0, 0, 0, u8(packet, 6)}));
    }
    return pseudo;
}

inline bool transport_checksum_ok(std::span<const std::byte> packet) {
    return sums_to_zero(pseudo_header_of(packet), transport_of(packet));
}

inline void put8(Bytes& packet, std::size_t offset, std::uint8_t value) {
    packet[offset] = static_cast<std::byte>(value);
}

inline void put16(Bytes& packet, std::size_t offset, std::uint16_t value) {
    put8(packet, offset, static_cast<std::uint8_t>(value >> 8));
    put8(packet, offset + 1, static_cast<std::uint8_t>(value));
}

inline void put32(Bytes& packet, std::size_t offset, std::uint32_t value) {
    put16(packet, offset, static_cast<std::uint16_t>(value >> 16));
    put16(packet, offset + 2, static_cast<std::uint16_t>(value));
}

// Stores the checksum that makes prefix + data (data includes the field) sum to zero.
inline void store_checksum(Bytes& packet, std::size_t field, std::span<const std::byte> prefix,
                           std::size_t data_offset, std::size_t data_length) {
    put16(packet, field, 0);
    const std::span<const std::byte> data(packet.data() + data_offset, data_length);
    put16(packet, field,
          static_cast<std::uint16_t>((0xffff - sum_mod_ffff(prefix, data)) % 0xffff));
}

// Recomputes the checksums of a crafted packet after its bytes were changed: the IPv4 header
// checksum, and the transport checksum of an unfragmented TCP, UDP, ICMP or ICMPv6 packet laid
// out as transport_checksum_ok expects.
inline void refresh_ipv4_header_checksum(Bytes& packet) {
    store_checksum(packet, 10, {}, 0, ipv4_header_length(packet));
}

inline void refresh_transport_checksum(Bytes& packet) {
    const bool v4 = (u8(packet, 0) >> 4) == 4;
    const std::size_t l4_offset = v4 ? ipv4_header_length(packet) : 40;
    const std::uint8_t proto = u8(packet, v4 ? 9 : 6);
    const std::size_t field = proto == 6 ? 16 : proto == 17 ? 6 : 2;
    const Bytes pseudo = pseudo_header_of(packet);
    store_checksum(packet, l4_offset + field, pseudo, l4_offset, transport_of(packet).size());
}

// A TCP segment 10.0.0.1:40000 -> 10.0.0.2:80 (v6: fd00::1 -> fd00::2) with correct checksums.
// options must be a multiple of 4 bytes long.
struct TcpPacketSpec {
    bool v6 = false;
    std::uint8_t flags = 0x02;
    std::uint32_t seq = 1000;
    std::uint32_t ack = 0;
    Bytes options;
    Bytes payload;
};

inline Bytes tcp_packet(const TcpPacketSpec& spec) {
    const std::size_t ip_header = spec.v6 ? 40 : 20;
    const std::size_t tcp_header = 20 + spec.options.size();
    const std::size_t total = ip_header + tcp_header + spec.payload.size();
    Bytes packet(total);
    if (spec.v6) {
        put8(packet, 0, 0x60);
        put16(packet, 4, static_cast<std::uint16_t>(total - ip_header));
        put8(packet, 6, 6);
        put8(packet, 7, 64);
        put8(packet, 8, 0xfd);
        put8(packet, 23, 1);
        put8(packet, 24, 0xfd);
        put8(packet, 39, 2);
    } else {
        for (const auto& [offset, value] : std::initializer_list<std::pair<std::size_t, int>>{
                 {0, 0x45}, {8, 64}, {9, 6}, {12, 10}, {15, 1}, {16, 10}, {19, 2}}) {
            put8(packet, offset, static_cast<std::uint8_t>(value));
        }
        put16(packet, 2, static_cast<std::uint16_t>(total));
        put16(packet, 6, 0x4000);
        refresh_ipv4_header_checksum(packet);
    }
    put16(packet, ip_header, 40000);
    put16(packet, ip_header + 2, 80);
    put32(packet, ip_header + 4, spec.seq);
    put32(packet, ip_header + 8, spec.ack);
    put8(packet, ip_header + 12, static_cast<std::uint8_t>(tcp_header / 4 << 4));
    put8(packet, ip_header + 13, spec.flags);
    put16(packet, ip_header + 14, 1000);
    std::copy(spec.options.begin(), spec.options.end(),
              packet.begin() + 20 + static_cast<std::ptrdiff_t>(ip_header));
    std::copy(spec.payload.begin(), spec.payload.end(),
              packet.begin() + static_cast<std::ptrdiff_t>(ip_header + tcp_header));
    refresh_transport_checksum(packet);
    return packet;
}

// An exact-size heap copy of the first n bytes, so that AddressSanitizer catches any read past
// them.
inline std::vector<std::byte> prefix(const Bytes& packet, std::size_t n) {
    return {packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(n)};
}

// clang-format off
// 10.0.0.1:40000 -> 10.0.0.2:80 SYN, seq 0x01020304, window 64240, DF, TTL 64; options
// MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (as Linux sends them).
inline const Bytes tcp_syn_v4 = bytes({
    0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x0a, 0x74,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x50,
    0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
    0x82, 0x5e, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0x0a, 0x0b, 0x0c, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
});
// [fd00::1]:40001 -> [fd00::2]:443 SYN, seq 0xfffffff0, window 64800; MSS 1440 and the same
// options as tcp_syn_v4.
inline const Bytes tcp_syn_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x9c, 0x41, 0x01, 0xbb, 0xff, 0xff, 0xff, 0xf0,
    0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfd, 0x20, 0x9c, 0xe9, 0x00, 0x00,
    0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0x0a, 0x0b, 0x0c, 0x0d,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
});
// 10.0.0.1:5353 -> 10.0.0.2:53, payload "abcd", DF clear.
inline const Bytes udp_v4 = bytes({
    0x45, 0x00, 0x00, 0x20, 0x1c, 0x46, 0x00, 0x00, 0x40, 0x11, 0x4a, 0x85,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x14, 0xe9, 0x00, 0x35,
    0x00, 0x0c, 0x11, 0xef, 0x61, 0x62, 0x63, 0x64,
});
// 10.0.0.1 -> 10.0.0.2 echo request, id 0x1234, sequence 1, 8 bytes of data, DF.
inline const Bytes icmp_echo_v4 = bytes({
    0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x0a, 0x91,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0xd9, 0xba,
    0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
});
// fd00::1 -> fd00::2 echo request, id 0xbeef, sequence 1, 8 bytes of data.
inline const Bytes icmpv6_echo_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0xba, 0xaf, 0xbe, 0xef, 0x00, 0x01,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
});
// The two fragments (ID 0x4242) of a UDP datagram 10.0.0.1:5000 -> 10.0.0.2:6000 with 24 bytes
// of data: the first (MF) holds the UDP header and 8 bytes, the later one (offset 2) the rest.
inline const Bytes udp_first_fragment_v4 = bytes({
    0x45, 0x00, 0x00, 0x24, 0x42, 0x42, 0x20, 0x00, 0x40, 0x11, 0x04, 0x85,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x13, 0x88, 0x17, 0x70,
    0x00, 0x20, 0x3c, 0x23, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
});
inline const Bytes udp_later_fragment_v4 = bytes({
    0x45, 0x00, 0x00, 0x24, 0x42, 0x42, 0x00, 0x02, 0x40, 0x11, 0x24, 0x83,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x09, 0x0a, 0x0b,
    0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
});
// [fd00::1]:7000 -> [fd00::2]:8000 "xyz" behind a hop-by-hop and a destination options header
// (PadN each).
inline const Bytes udp_ext_headers_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
    0x11, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x1b, 0x58, 0x1f, 0x40,
    0x00, 0x0b, 0xd8, 0xc1, 0x78, 0x79, 0x7a,
});
// The first (offset 0, M) and a later (offset 2) fragment of a UDP datagram
// [fd00::1]:7001 -> [fd00::2]:8001 with 24 bytes of data, identification 0xabcd.
inline const Bytes udp_first_fragment_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x00, 0x01, 0x00, 0x00, 0xab, 0xcd,
    0x1b, 0x59, 0x1f, 0x41, 0x00, 0x20, 0x46, 0x7f, 0x00, 0x01, 0x02, 0x03,
    0x04, 0x05, 0x06, 0x07,
});
inline const Bytes udp_later_fragment_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x00, 0x10, 0x00, 0x00, 0xab, 0xcd,
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
    0x14, 0x15, 0x16, 0x17,
});
// An atomic fragment (offset 0, M clear, RFC 6946): [fd00::1]:40002 -> [fd00::2]:22 ACK with
// "hello", seq 1000, ack 2000, window 500.
inline const Bytes tcp_atomic_fragment_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x21, 0x2c, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34,
    0x9c, 0x42, 0x00, 0x16, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
    0x50, 0x10, 0x01, 0xf4, 0xc7, 0xf4, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c,
    0x6f,
});

// clang-format on

}  // namespace ogw::gw::testing
