// SPDX-License-Identifier: BSD-3-Clause
#include "packet/ip_parse.hpp"

#include "packet/checksum.hpp"
#include "packet/tcp_options.hpp"

#include <flowlib/bytes.hpp>

#include <array>

namespace ogw::gw {
namespace {

constexpr std::size_t ipv4_min_header = 20;
constexpr std::size_t ipv6_header = 40;
constexpr std::size_t tcp_min_header = 20;
constexpr std::size_t udp_header = 8;
constexpr std::size_t icmp_header = 8;
// Each extension header may appear once, destination options twice (RFC 8200 §4.1); a longer
// chain is an attack or a bug.
constexpr int max_extension_headers = 8;

namespace nh {
constexpr std::uint8_t hop_by_hop = 0;
constexpr std::uint8_t routing = 43;
constexpr std::uint8_t fragment = 44;
constexpr std::uint8_t destination_options = 60;
}  // namespace nh

template <std::size_t N>
IpAddress address_at(const std::byte* p) {
    std::array<std::uint8_t, N> bytes{};
    for (std::size_t i = 0; i < N; ++i) {
        bytes[i] = be::load8(p + i);
    }
    if constexpr (N == 4) {
        return IpAddress::v4(bytes);
    } else {
        return IpAddress::v6(bytes);
    }
}

PacketInfo failure(ParseError error) {
    PacketInfo info;
    info.error = error;
    return info;
}

void parse_tcp(std::span<const std::byte> l4, PacketInfo& info) {
    if (l4.size() < tcp_min_header) {
        info.error = ParseError::transport_too_short;
        return;
    }
    const std::size_t header_length = static_cast<std::size_t>(be::load8(&l4[12]) >> 4) * 4;
    if (header_length < tcp_min_header || header_length > l4.size()) {
        info.error = ParseError::bad_transport_header;
        return;
    }
    info.kind = PacketKind::tcp;
    info.tuple.sport = be::load16(&l4[0]);
    info.tuple.dport = be::load16(&l4[2]);
    TcpSegment& tcp = info.tcp;
    tcp.seq = be::load32(&l4[4]);
    tcp.ack = be::load32(&l4[8]);
    tcp.flags = be::load8(&l4[13]);
    tcp.window = be::load16(&l4[14]);
    tcp.header_length = static_cast<std::uint8_t>(header_length);
    tcp.payload_length = l4.size() - header_length;
    const auto options = l4.subspan(tcp_min_header, header_length - tcp_min_header);
    TcpOptionReader reader(options);
    TcpOption option;
    while (reader.next(option)) {
        if (option.kind == tcp_option::mss && option.length == tcp_option::mss_length) {
            tcp.has_mss = true;
            tcp.mss = be::load16(&options[option.offset + 2]);
            break;
        }
    }
}

void parse_udp(std::span<const std::byte> l4, PacketInfo& info) {
    if (l4.size() < udp_header) {
        info.error = ParseError::transport_too_short;
        return;
    }
    const std::size_t length = be::load16(&l4[4]);
    if (length < udp_header || length > l4.size()) {
        info.error = ParseError::bad_transport_header;
        return;
    }
    info.kind = PacketKind::udp;
    info.tuple.sport = be::load16(&l4[0]);
    info.tuple.dport = be::load16(&l4[2]);
    info.udp_length = length;
}

void parse_icmp(std::span<const std::byte> l4, bool v6, PacketInfo& info) {
    if (l4.size() < icmp_header) {
        info.error = ParseError::transport_too_short;
        return;
    }
    info.icmp_type = be::load8(&l4[0]);
    info.icmp_code = be::load8(&l4[1]);
    const std::uint8_t echo_request = v6 ? 128 : 8;
    const std::uint8_t echo_reply = v6 ? 129 : 0;
    if (info.icmp_type == echo_request || info.icmp_type == echo_reply) {
        info.kind = info.icmp_type == echo_request ? PacketKind::icmp_echo_request
                                                   : PacketKind::icmp_echo_reply;
        const std::uint16_t id = be::load16(&l4[4]);
        info.tuple.sport = id;
        info.tuple.dport = id;
    } else if (is_icmp_error_type(v6, info.icmp_type)) {
        info.kind = PacketKind::icmp_error;
    }
}

void parse_transport(std::span<const std::byte> packet, bool v6, PacketInfo& info) {
    info.l4_length = info.ip_length - info.l4_offset;
    if (info.fragment != FragmentPart::none) {
        info.kind = PacketKind::fragment;
        return;
    }
    const auto l4 = packet.subspan(info.l4_offset, info.l4_length);
    const std::uint8_t proto = info.tuple.proto;
    if (proto == ipproto::tcp) {
        parse_tcp(l4, info);
    } else if (proto == ipproto::udp) {
        parse_udp(l4, info);
    } else if (proto == (v6 ? ipproto::icmpv6 : ipproto::icmp)) {
        parse_icmp(l4, v6, info);
    }
}

PacketInfo parse_v4(std::span<const std::byte> packet) {
    if (packet.size() < ipv4_min_header) {
        return failure(ParseError::too_short);
    }
    const std::size_t header_length = static_cast<std::size_t>(be::load8(&packet[0]) & 0x0f) * 4;
    if (header_length < ipv4_min_header) {
        return failure(ParseError::bad_header_length);
    }
    if (header_length > packet.size()) {
        return failure(ParseError::too_short);
    }
    const std::size_t total_length = be::load16(&packet[2]);
    if (total_length < header_length || total_length > packet.size()) {
        return failure(ParseError::bad_length);
    }
    if (internet_checksum(packet.first(header_length)) != 0) {
        return failure(ParseError::bad_checksum);
    }
    PacketInfo info;
    const std::uint16_t fragment_field = be::load16(&packet[6]);
    info.dont_fragment = (fragment_field & 0x4000) != 0;
    if ((fragment_field & 0x1fff) != 0) {
        info.fragment = FragmentPart::later;
    } else if ((fragment_field & 0x2000) != 0) {
        info.fragment = FragmentPart::first;
    }
    info.tuple.proto = be::load8(&packet[9]);
    info.tuple.src = address_at<4>(&packet[12]);
    info.tuple.dst = address_at<4>(&packet[16]);
    info.ip_length = total_length;
    info.l4_offset = header_length;
    parse_transport(packet, false, info);
    return info.ok() ? info : failure(info.error);
}

// Walks the extension headers from the fixed header on; sets proto, l4_offset and fragment.
ParseError walk_extension_headers(std::span<const std::byte> packet, PacketInfo& info) {
    std::uint8_t next = be::load8(&packet[6]);
    std::size_t offset = ipv6_header;
    for (int count = 0; count <= max_extension_headers; ++count) {
        const std::size_t left = info.ip_length - offset;
        switch (next) {
            case nh::hop_by_hop:
            case nh::routing:
            case nh::destination_options: {
                if ((next == nh::hop_by_hop && count != 0) || left < 2) {
                    return ParseError::bad_extension_headers;
                }
                const std::size_t length =
                    (static_cast<std::size_t>(be::load8(&packet[offset + 1])) + 1) * 8;
                if (length > left) {
                    return ParseError::bad_extension_headers;
                }
                next = be::load8(&packet[offset]);
                offset += length;
                break;
            }
            case nh::fragment: {
                constexpr std::size_t fragment_header = 8;
                if (left < fragment_header) {
                    return ParseError::bad_extension_headers;
                }
                const std::uint16_t field = be::load16(&packet[offset + 2]);
                next = be::load8(&packet[offset]);
                offset += fragment_header;
                const bool later = (field & 0xfff8) != 0;
                const bool more = (field & 0x0001) != 0;
                if (later || more) {
                    // Later fragments hold only the Fragment header's Next Header, so the first
                    // fragment stops there too and all of them share one key.
                    info.fragment = later ? FragmentPart::later : FragmentPart::first;
                    info.tuple.proto = next;
                    info.l4_offset = offset;
                    return ParseError::none;
                }
                break;
            }
            default:
                info.tuple.proto = next;
                info.l4_offset = offset;
                return ParseError::none;
        }
    }
    return ParseError::bad_extension_headers;
}

PacketInfo parse_v6(std::span<const std::byte> packet) {
    if (packet.size() < ipv6_header) {
        return failure(ParseError::too_short);
    }
    const std::size_t payload_length = be::load16(&packet[4]);
    if (payload_length == 0 && be::load8(&packet[6]) == nh::hop_by_hop) {
        return failure(ParseError::unsupported);
    }
    if (ipv6_header + payload_length > packet.size()) {
        return failure(ParseError::bad_length);
    }
    PacketInfo info;
    info.dont_fragment = true;
    info.tuple.src = address_at<16>(&packet[8]);
    info.tuple.dst = address_at<16>(&packet[24]);
    info.ip_length = ipv6_header + payload_length;
    if (const ParseError error = walk_extension_headers(packet, info); error != ParseError::none) {
        return failure(error);
    }
    parse_transport(packet, true, info);
    return info.ok() ? info : failure(info.error);
}

}  // namespace

std::string_view to_string(ParseError error) {
    switch (error) {
        case ParseError::none:
            return "none";
        case ParseError::too_short:
            return "too_short";
        case ParseError::bad_version:
            return "bad_version";
        case ParseError::bad_header_length:
            return "bad_header_length";
        case ParseError::bad_length:
            return "bad_length";
        case ParseError::bad_checksum:
            return "bad_checksum";
        case ParseError::bad_extension_headers:
            return "bad_extension_headers";
        case ParseError::unsupported:
            return "unsupported";
        case ParseError::transport_too_short:
            return "transport_too_short";
        case ParseError::bad_transport_header:
            return "bad_transport_header";
    }
    return "unknown";
}

std::string_view to_string(PacketKind kind) {
    switch (kind) {
        case PacketKind::tcp:
            return "tcp";
        case PacketKind::udp:
            return "udp";
        case PacketKind::icmp_echo_request:
            return "icmp_echo_request";
        case PacketKind::icmp_echo_reply:
            return "icmp_echo_reply";
        case PacketKind::icmp_error:
            return "icmp_error";
        case PacketKind::fragment:
            return "fragment";
        case PacketKind::other:
            return "other";
    }
    return "unknown";
}

bool is_icmp_error_type(bool v6, std::uint8_t type) {
    if (v6) {
        return type < 128;
    }
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

PacketInfo parse_ip(std::span<const std::byte> packet) {
    if (packet.empty()) {
        return failure(ParseError::too_short);
    }
    switch (be::load8(&packet[0]) >> 4) {
        case 4:
            return parse_v4(packet);
        case 6:
            return parse_v6(packet);
        default:
            return failure(ParseError::bad_version);
    }
}

}  // namespace ogw::gw
