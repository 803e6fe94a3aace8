// SPDX-License-Identifier: BSD-3-Clause
#include "packet/packet_builder.hpp"

#include "packet/checksum.hpp"
#include "packet/ip_parse.hpp"
#include "packet/tcp_segment.hpp"

#include <flowlib/bytes.hpp>

#include <algorithm>
#include <array>

namespace ogw::gw {
namespace {

constexpr std::uint8_t default_ttl = 64;
constexpr std::size_t ipv4_header = 20;
constexpr std::size_t ipv6_header = 40;
constexpr std::size_t tcp_header = 20;
constexpr std::size_t icmp_header = 8;
constexpr std::size_t ipv4_quoted_payload = 8;
constexpr std::uint8_t icmpv6_redirect = 137;
// IPv6 extension headers that ip_parse walks; after a Fragment header they hide the upper layer.
constexpr std::array<std::uint8_t, 3> walked_extension_headers = {0, 43, 60};

std::size_t ip_header_size(const IpAddress& address) {
    return address.is_v4() ? ipv4_header : ipv6_header;
}

void write_address(std::byte* p, const IpAddress& address) {
    const auto bytes = std::as_bytes(address.bytes());
    std::copy(bytes.begin(), bytes.end(), p);
}

// The IP header of a total_length-byte packet at p, which has room for it.
void write_ip_header(std::byte* p, const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                     std::size_t total_length) {
    if (src.is_v4()) {
        be::store8(p, 0x45);
        be::store8(p + 1, 0);
        be::store16(p + 2, static_cast<std::uint16_t>(total_length));
        be::store16(p + 4, 0);
        be::store16(p + 6, 0x4000);
        be::store8(p + 8, default_ttl);
        be::store8(p + 9, proto);
        be::store16(p + 10, 0);
        write_address(p + 12, src);
        write_address(p + 16, dst);
        be::store16(p + 10, internet_checksum({p, ipv4_header}));
        return;
    }
    be::store32(p, 0x6000'0000);
    be::store16(p + 4, static_cast<std::uint16_t>(total_length - ipv6_header));
    be::store8(p + 6, proto);
    be::store8(p + 7, default_ttl);
    write_address(p + 8, src);
    write_address(p + 24, dst);
}

// Not "this network" 0.0.0.0/8, loopback, multicast, IPv4 class E (broadcast included) or ::.
bool is_single_host(const IpAddress& address) {
    if (address.is_unspecified() || address.is_loopback() || address.is_multicast()) {
        return false;
    }
    return !address.is_v4() || (address.bytes()[0] != 0 && address.bytes()[0] < 240);
}

// Multicast, and for IPv4 class E, which holds the limited broadcast address.
bool is_group(const IpAddress& address) {
    return address.is_multicast() || (address.is_v4() && address.bytes()[0] >= 240);
}

// RFC 1122 §3.2.2, RFC 4443 §2.4(e): no error about an ICMP error or an ICMPv6 Redirect.
bool is_unanswerable_icmp_type(bool v6, std::uint8_t type) {
    return is_icmp_error_type(v6, type) || (v6 && type == icmpv6_redirect);
}

// Whether packet (not a later fragment) is, or may be, an ICMP message that must not be
// answered. A fragmented message has its type in the first fragment, if that holds a byte of it.
bool is_unanswerable_icmp(std::span<const std::byte> packet, const PacketInfo& info) {
    const bool v6 = info.tuple.src.is_v6();
    const std::uint8_t proto = info.tuple.proto;
    const bool icmp = proto == (v6 ? ipproto::icmpv6 : ipproto::icmp);
    if (info.fragment == FragmentPart::none) {
        return icmp && is_unanswerable_icmp_type(v6, info.icmp_type);
    }
    if (v6 && std::find(walked_extension_headers.begin(), walked_extension_headers.end(), proto) !=
                  walked_extension_headers.end()) {
        return true;
    }
    return icmp && (info.l4_length == 0 ||
                    is_unanswerable_icmp_type(v6, be::load8(&packet[info.l4_offset])));
}

struct IcmpSpec {
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint32_t rest = 0;  // bytes 4..7 of the ICMP header
    bool needs_df = false;
    bool answers_multicast = false;
};

std::size_t build_icmp_error(std::span<std::byte> out, std::span<const std::byte> offending,
                             const IpAddress& from, const IcmpSpec& spec) {
    const PacketInfo info = parse_ip(offending);
    if (!info.ok() || info.fragment == FragmentPart::later ||
        is_unanswerable_icmp(offending, info)) {
        return 0;
    }
    const IpAddress& to = info.tuple.src;
    const bool v6 = to.is_v6();
    if (from.family() != to.family() || !is_single_host(to)) {
        return 0;
    }
    if (is_group(info.tuple.dst) && !(v6 && spec.answers_multicast)) {
        return 0;
    }
    if (spec.needs_df && !info.dont_fragment) {
        return 0;
    }
    const std::size_t header = ip_header_size(to);
    const std::size_t quote =
        v6 ? std::min(info.ip_length, icmp_error_max_size - header - icmp_header)
           : std::min(info.ip_length, info.l4_offset + ipv4_quoted_payload);
    const std::size_t total = header + icmp_header + quote;
    if (total > out.size()) {
        return 0;
    }
    const std::uint8_t proto = v6 ? ipproto::icmpv6 : ipproto::icmp;
    write_ip_header(out.data(), from, to, proto, total);
    std::byte* icmp = out.data() + header;
    be::store8(icmp, spec.type);
    be::store8(icmp + 1, spec.code);
    be::store16(icmp + 2, 0);
    be::store32(icmp + 4, spec.rest);
    std::copy_n(offending.begin(), quote, icmp + icmp_header);
    const std::size_t icmp_length = icmp_header + quote;
    const std::uint32_t sum =
        v6 ? pseudo_header_sum(from, to, proto, static_cast<std::uint32_t>(icmp_length)) : 0;
    be::store16(icmp + 2, checksum_finish(checksum_add(sum, {icmp, icmp_length})));
    return total;
}

}  // namespace

std::size_t build_tcp_rst_to_local(std::span<std::byte> out, const FiveTuple& session,
                                   std::uint32_t seq, std::uint32_t ack, bool with_ack) {
    const IpAddress& from = session.dst;
    const IpAddress& to = session.src;
    if (from.family() != to.family()) {
        return 0;
    }
    const std::size_t header = ip_header_size(to);
    const std::size_t total = header + tcp_header;
    if (total > out.size()) {
        return 0;
    }
    write_ip_header(out.data(), from, to, ipproto::tcp, total);
    std::byte* tcp = out.data() + header;
    be::store16(tcp, session.dport);
    be::store16(tcp + 2, session.sport);
    be::store32(tcp + 4, seq);
    be::store32(tcp + 8, with_ack ? ack : 0);
    be::store8(tcp + 12, static_cast<std::uint8_t>(tcp_header / 4 << 4));
    be::store8(tcp + 13,
               static_cast<std::uint8_t>(with_ack ? tcp_flag::rst | tcp_flag::ack : tcp_flag::rst));
    be::store16(tcp + 14, 0);
    be::store16(tcp + 16, 0);
    be::store16(tcp + 18, 0);
    const std::uint32_t sum = pseudo_header_sum(from, to, ipproto::tcp, tcp_header);
    be::store16(tcp + 16, checksum_finish(checksum_add(sum, {tcp, tcp_header})));
    return total;
}

std::size_t build_icmp_unreachable(std::span<std::byte> out, std::span<const std::byte> offending,
                                   const IpAddress& from, Unreachable code) {
    IcmpSpec spec;
    const bool v6 = from.is_v6();
    spec.type = v6 ? 1 : 3;
    switch (code) {
        case Unreachable::no_route:
            spec.code = 0;
            break;
        case Unreachable::host:
            spec.code = v6 ? 3 : 1;
            break;
        case Unreachable::port:
            spec.code = v6 ? 4 : 3;
            break;
        case Unreachable::admin_prohibited:
            spec.code = v6 ? 1 : 13;
            break;
    }
    return build_icmp_error(out, offending, from, spec);
}

std::size_t build_icmp_too_big(std::span<std::byte> out, std::span<const std::byte> offending,
                               const IpAddress& from, std::uint32_t mtu) {
    IcmpSpec spec;
    spec.rest = mtu;
    if (from.is_v6()) {
        if (mtu < 1280) {
            return 0;
        }
        spec.type = 2;
        spec.answers_multicast = true;
    } else {
        if (mtu < 68 || mtu > 0xffff) {
            return 0;
        }
        spec.type = 3;
        spec.code = 4;
        spec.needs_df = true;
    }
    return build_icmp_error(out, offending, from, spec);
}

}  // namespace ogw::gw
