// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary bytes as a stream of IP packets: each is parsed from all the bytes left (so what
// follows it is its trailing padding) and the next one starts at its ip_length. For every packet
// that parses: its lengths stay inside the bytes and do not depend on the padding; MSS clamping
// a copy keeps it parsing to the same session and keeps its TCP checksum's residue; every ICMP
// error and RST built from it parses back, is addressed to its sender, has valid checksums and
// is never answered itself. The TCP segments of the first TCP session, both ways, go to one
// TcpTracker whose RST must parse back with the numbers it reported.
#include "packet/checksum.hpp"
#include "packet/ip_parse.hpp"
#include "packet/mss_clamp.hpp"
#include "packet/packet_builder.hpp"
#include "packet/tcp_tracker.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

namespace {

using namespace ogw;
using namespace ogw::gw;

// Larger than any packet built here, so that a builder exceeding its own limit shows.
using Buffer = std::array<std::byte, 2 * icmp_error_max_size>;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// The Internet checksum over the transport part, pseudo-header included where the protocol has
// one: 0 when the checksum field is right.
std::uint16_t transport_residue(std::span<const std::byte> packet, const PacketInfo& info) {
    const auto l4 = packet.subspan(info.l4_offset, info.l4_length);
    const std::uint32_t pseudo =
        info.tuple.proto == ipproto::icmp
            ? 0
            : pseudo_header_sum(info.tuple.src, info.tuple.dst, info.tuple.proto,
                                static_cast<std::uint32_t>(l4.size()));
    return checksum_finish(checksum_add(pseudo, l4));
}

void check_lengths(std::span<const std::byte> bytes, const PacketInfo& info) {
    require(info.ip_length <= bytes.size());
    require(info.l4_offset + info.l4_length == info.ip_length);
    const PacketInfo unpadded = parse_ip(bytes.first(info.ip_length));
    require(unpadded.ok() && unpadded.tuple == info.tuple && unpadded.kind == info.kind &&
            unpadded.l4_offset == info.l4_offset && unpadded.tcp.mss == info.tcp.mss);
}

void check_clamp(std::span<const std::byte> packet, const PacketInfo& info, std::uint16_t max_mss) {
    std::vector<std::byte> copy(packet.begin(), packet.end());
    const bool changed = clamp_mss(copy, max_mss);
    const PacketInfo after = parse_ip(copy);
    require(after.ok() && after.tuple == info.tuple && after.kind == info.kind);
    if (!changed) {
        require(std::equal(copy.begin(), copy.end(), packet.begin()));
        return;
    }
    require(info.kind == PacketKind::tcp && info.tcp.has(tcp_flag::syn) && max_mss > 0);
    require(after.tcp.has_mss && after.tcp.mss <= max_mss);
    for (std::size_t i = 0; i < copy.size(); ++i) {
        const bool in_tcp_header =
            i >= info.l4_offset && i < info.l4_offset + info.tcp.header_length;
        require(in_tcp_header || copy[i] == packet[i]);
    }
    // An incremental update keeps the one's-complement sum, so a wrong checksum stays exactly
    // as wrong and a right one stays right.
    require(transport_residue(copy, after) == transport_residue(packet, info));
}

void check_icmp_error(std::span<const std::byte> error, const PacketInfo& offending,
                      const IpAddress& from) {
    const PacketInfo info = parse_ip(error);
    require(info.ok() && info.kind == PacketKind::icmp_error);
    require(info.ip_length == error.size() && error.size() <= icmp_error_max_size);
    require(info.tuple.src == from && info.tuple.dst == offending.tuple.src);
    require(transport_residue(error, info) == 0);
    Buffer again{};
    require(build_icmp_unreachable(again, error, offending.tuple.src, Unreachable::host) == 0);
    require(build_icmp_too_big(again, error, offending.tuple.src, 1280) == 0);
}

void check_icmp_errors(std::span<const std::byte> packet, const PacketInfo& info) {
    Buffer out{};
    const IpAddress& from = info.tuple.dst;
    for (const Unreachable reason : {Unreachable::no_route, Unreachable::host, Unreachable::port,
                                     Unreachable::admin_prohibited}) {
        const std::size_t n = build_icmp_unreachable(out, packet, from, reason);
        if (n > 0) {
            check_icmp_error(std::span(out).first(n), info, from);
            require(build_icmp_unreachable(std::span(out).first(n - 1), packet, from, reason) == 0);
        }
    }
    for (const std::uint32_t mtu : {68U, 576U, 1280U, 1500U, 70000U}) {
        const std::size_t n = build_icmp_too_big(out, packet, from, mtu);
        if (n > 0) {
            check_icmp_error(std::span(out).first(n), info, from);
        }
    }
}

void check_rst(const FiveTuple& session, const RstNumbers& numbers) {
    Buffer out{};
    const std::size_t n =
        build_tcp_rst_to_local(out, session, numbers.seq, numbers.ack, numbers.with_ack);
    if (session.src.family() != session.dst.family()) {
        require(n == 0);
        return;
    }
    const std::span<const std::byte> rst(out.data(), n);
    const PacketInfo info = parse_ip(rst);
    require(info.ok() && info.kind == PacketKind::tcp && info.tuple == session.reversed());
    require(info.tcp.has(tcp_flag::rst) && info.tcp.has(tcp_flag::ack) == numbers.with_ack);
    require(info.tcp.seq == numbers.seq && info.tcp.ack == (numbers.with_ack ? numbers.ack : 0));
    require(transport_residue(rst, info) == 0);
}

struct Tracked {
    TcpTracker tracker;
    std::optional<FiveTuple> session;
};

void track(Tracked& tracked, const PacketInfo& info) {
    if (info.kind != PacketKind::tcp) {
        return;
    }
    if (!tracked.session) {
        tracked.session = info.tuple;
    }
    if (info.tuple == *tracked.session) {
        tracked.tracker.on_outbound(info.tcp);
    } else if (info.tuple == tracked.session->reversed()) {
        tracked.tracker.on_inbound(info.tcp);
    } else {
        return;
    }
    const TcpTracker& t = tracked.tracker;
    require(!t.closed_both_ways() || t.closing());
    const auto rst = t.rst_to_local();
    require(!(t.reset() && rst));
    if (rst) {
        check_rst(*tracked.session, *rst);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    Tracked tracked;
    std::size_t offset = 0;
    while (offset < input.size()) {
        const auto rest = input.subspan(offset);
        const PacketInfo info = parse_ip(rest);
        if (!info.ok()) {
            break;
        }
        check_lengths(rest, info);
        const auto packet = rest.first(info.ip_length);
        const bool v6 = info.tuple.src.is_v6();
        for (const std::uint16_t max_mss :
             {std::uint16_t{0}, std::uint16_t{536}, mss_for_mtu(1280, v6),
              static_cast<std::uint16_t>(info.tcp.mss - 1U)}) {
            check_clamp(packet, info, max_mss);
        }
        check_icmp_errors(packet, info);
        if (const auto reply =
                info.kind == PacketKind::tcp ? rst_in_reply_to(info.tcp) : std::nullopt) {
            check_rst(info.tuple, *reply);
        }
        track(tracked, info);
        offset += info.ip_length;
    }
    return 0;
}
