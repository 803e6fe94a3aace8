// SPDX-License-Identifier: BSD-3-Clause
#include "packet/checksum.hpp"
#include "packet/ip_parse.hpp"
#include "packet/tcp_coalesce.hpp"
#include "packet/tun_offload.hpp"

#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::put16;
using testing::put8;
using testing::tcp_packet;
using testing::TcpPacketSpec;
using testing::u16;
using testing::u32;
using testing::u8;

constexpr std::uint8_t ack = tcp_flag::ack;
constexpr std::uint8_t psh = tcp_flag::psh;

Bytes payload_of(std::size_t n, std::uint8_t seed) {
    Bytes p(n);
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = static_cast<std::byte>((seed + i * 7) & 0xff);
    }
    return p;
}

Bytes with_id(Bytes packet, std::uint16_t id) {
    put16(packet, 4, id);
    testing::refresh_ipv4_header_checksum(packet);
    return packet;
}

// A super-packet as the kernel hands it over: its TCP checksum field holds the pseudo-header
// sum only (NEEDS_CSUM).
Bytes super_packet(bool v6, std::size_t payload, std::uint8_t flags, std::uint16_t id = 7) {
    TcpPacketSpec spec;
    spec.v6 = v6;
    spec.flags = flags;
    spec.seq = 0xfffff000;  // wraps while splitting
    spec.ack = 555;
    spec.options = testing::bytes({1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2});  // NOP NOP TS
    spec.payload = payload_of(payload, 3);
    Bytes p = tcp_packet(spec);
    if (!v6) {
        p = with_id(p, id);
    }
    const std::size_t l4 = v6 ? 40 : 20;
    const auto pseudo =
        pseudo_header_sum(std::span<const std::byte>(p).subspan(v6 ? 8 : 12, v6 ? 16 : 4),
                          std::span<const std::byte>(p).subspan(v6 ? 24 : 16, v6 ? 16 : 4),
                          ipproto::tcp, static_cast<std::uint32_t>(p.size() - l4));
    put16(p, l4 + 16, static_cast<std::uint16_t>(pseudo));
    return p;
}

VnetHeader gso_header(bool v6, std::uint16_t gso_size) {
    VnetHeader h;
    h.flags = vnet_flag_needs_csum;
    h.gso_type = v6 ? vnet_gso_tcpv6 : vnet_gso_tcpv4;
    h.gso_size = gso_size;
    h.csum_start = v6 ? 40 : 20;
    h.csum_offset = 16;
    return h;
}

std::vector<Bytes> split(const Bytes& packet, const VnetHeader& h) {
    const GsoPlan plan = plan_gso(packet, h);
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < plan.count; ++i) {
        Bytes seg(plan.segment_size(i));
        const std::size_t n = build_gso_segment(packet, plan, i, seg);
        EXPECT_EQ(n, seg.size());
        out.push_back(seg);
    }
    return out;
}

TEST(VnetHeader, RoundTripsAndRefusesShortInput) {
    VnetHeader h = gso_header(false, 1448);
    h.hdr_len = 66;
    Bytes b(vnet_hdr_size);
    ASSERT_TRUE(encode_vnet_header(h, b));
    VnetHeader back;
    ASSERT_TRUE(decode_vnet_header(b, back));
    EXPECT_EQ(back.flags, h.flags);
    EXPECT_EQ(back.gso_type, h.gso_type);
    EXPECT_EQ(back.hdr_len, 66);
    EXPECT_EQ(back.gso_size, 1448);
    EXPECT_EQ(back.csum_start, 20);
    EXPECT_EQ(back.csum_offset, 16);
    EXPECT_FALSE(decode_vnet_header(std::span<const std::byte>(b).first(9), back));
    EXPECT_FALSE(encode_vnet_header(h, std::span<std::byte>(b).first(9)));
}

TEST(TunOffload, CompletesAPartialChecksum) {
    for (const bool v6 : {false, true}) {
        Bytes p = super_packet(v6, 333, ack);  // odd length
        EXPECT_FALSE(testing::transport_checksum_ok(p));
        const auto start = static_cast<std::uint16_t>(v6 ? 40 : 20);
        EXPECT_EQ(complete_checksum(p, start, 16), OffloadError::none);
        EXPECT_TRUE(testing::transport_checksum_ok(p)) << v6;
    }
}

TEST(TunOffload, RefusesChecksumOffsetsOutsideThePacket) {
    Bytes p = super_packet(false, 10, ack);
    const auto size = static_cast<std::uint16_t>(p.size());
    EXPECT_EQ(complete_checksum(p, size, 0), OffloadError::bad_checksum_offsets);
    EXPECT_EQ(complete_checksum(p, 20, static_cast<std::uint16_t>(size - 21)),
              OffloadError::bad_checksum_offsets);
    EXPECT_EQ(complete_checksum(p, 20, static_cast<std::uint16_t>(size - 22)), OffloadError::none);
}

TEST(TunOffload, SplitsAnIpv4SuperPacket) {
    const Bytes p = super_packet(false, 2500, ack | psh);
    const auto segments = split(p, gso_header(false, 1000));
    ASSERT_EQ(segments.size(), 3U);
    std::size_t payload = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const Bytes& s = segments[i];
        const PacketInfo info = parse_ip(s);
        ASSERT_TRUE(info.ok()) << to_string(info.error);
        EXPECT_EQ(info.kind, PacketKind::tcp);
        EXPECT_TRUE(testing::ipv4_header_checksum_ok(s));
        EXPECT_TRUE(testing::transport_checksum_ok(s));
        EXPECT_EQ(u16(s, 2), s.size());
        EXPECT_EQ(u16(s, 4), 7 + i);
        EXPECT_EQ(info.tcp.seq, static_cast<std::uint32_t>(0xfffff000U + i * 1000));
        EXPECT_EQ(info.tcp.ack, 555U);
        EXPECT_EQ(info.tcp.has(psh), i == 2);
        EXPECT_EQ(info.tcp.payload_length, i < 2 ? 1000U : 500U);
        EXPECT_TRUE(std::equal(s.begin() + 52, s.end(), p.begin() + 52 + static_cast<std::ptrdiff_t>(payload)));
        payload += info.tcp.payload_length;
    }
    EXPECT_EQ(payload, 2500U);
}

TEST(TunOffload, SplitsAnIpv6SuperPacketAndKeepsFinAndCwrWhereTheyBelong) {
    const Bytes p = super_packet(true, 3000, ack | tcp_flag::fin | tcp_flag::cwr);
    const auto segments = split(p, gso_header(true, 1000));
    ASSERT_EQ(segments.size(), 3U);
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const PacketInfo info = parse_ip(segments[i]);
        ASSERT_TRUE(info.ok());
        EXPECT_TRUE(testing::transport_checksum_ok(segments[i]));
        EXPECT_EQ(u16(segments[i], 4), segments[i].size() - 40);
        EXPECT_EQ(info.tcp.has(tcp_flag::fin), i == 2);
        EXPECT_EQ(info.tcp.has(tcp_flag::cwr), i == 0);
    }
}

TEST(TunOffload, RefusesWhatItCannotSplit) {
    const Bytes p = super_packet(false, 2000, ack);
    VnetHeader udp = gso_header(false, 1000);
    udp.gso_type = 5;  // VIRTIO_NET_HDR_GSO_UDP_L4
    EXPECT_EQ(plan_gso(p, udp).error, OffloadError::unsupported_gso);
    EXPECT_EQ(plan_gso(p, gso_header(true, 1000)).error, OffloadError::bad_gso_packet);
    EXPECT_EQ(plan_gso(p, gso_header(false, 0)).error, OffloadError::bad_gso_packet);
    EXPECT_EQ(plan_gso(testing::prefix(p, p.size() - 1), gso_header(false, 1000)).error,
              OffloadError::bad_gso_packet);
    Bytes fragment = p;
    put16(fragment, 6, 0x2000);  // MF
    EXPECT_EQ(plan_gso(fragment, gso_header(false, 1000)).error, OffloadError::bad_gso_packet);
    Bytes udp_packet = p;
    put8(udp_packet, 9, ipproto::udp);
    EXPECT_EQ(plan_gso(udp_packet, gso_header(false, 1000)).error, OffloadError::bad_gso_packet);
    const GsoPlan plan = plan_gso(p, gso_header(false, 1000));
    ASSERT_TRUE(plan.ok());
    Bytes small(plan.segment_size(0) - 1);
    EXPECT_EQ(build_gso_segment(p, plan, 0, small), 0U);
    Bytes enough(2000);
    EXPECT_EQ(build_gso_segment(p, plan, plan.count, enough), 0U);
}

TEST(TcpCoalescer, CoalescesWhatASplitProducedAndSplitsBackToTheSame) {
    for (const bool v6 : {false, true}) {
        const Bytes p = super_packet(v6, 4321, ack | psh);
        const auto segments = split(p, gso_header(v6, 1200));
        TcpCoalescer c;
        for (const Bytes& s : segments) {
            ASSERT_TRUE(c.append(s, parse_ip(s)));
        }
        EXPECT_TRUE(c.closed());  // PSH and a short last segment
        EXPECT_EQ(c.segments(), segments.size());
        std::size_t in = 0;
        for (const Bytes& s : segments) {
            in += s.size();
        }
        EXPECT_EQ(c.bytes_in(), in);
        VnetHeader h;
        const auto out = c.flush(h);
        EXPECT_TRUE(c.empty());
        EXPECT_EQ(h.gso_type, v6 ? vnet_gso_tcpv6 : vnet_gso_tcpv4);
        EXPECT_EQ(h.gso_size, 1200);
        EXPECT_EQ(h.flags, vnet_flag_needs_csum);
        const Bytes super(out.begin(), out.end());
        EXPECT_EQ(super.size(), p.size());
        if (!v6) {
            EXPECT_TRUE(testing::ipv4_header_checksum_ok(super));
        }
        // The partial checksum completes to a valid one.
        Bytes completed = super;
        ASSERT_EQ(complete_checksum(completed, h.csum_start, h.csum_offset), OffloadError::none);
        EXPECT_TRUE(testing::transport_checksum_ok(completed));
        EXPECT_EQ(split(super, h), segments);
    }
}

TEST(TcpCoalescer, ReturnsASingleSegmentAsItCame) {
    const Bytes p = testing::tcp_packet({false, ack, 1, 2, {}, payload_of(100, 1)});
    TcpCoalescer c;
    ASSERT_TRUE(c.append(p, parse_ip(p)));
    VnetHeader h;
    const auto out = c.flush(h);
    EXPECT_FALSE(h.is_gso());
    EXPECT_EQ(h.flags, 0);
    EXPECT_EQ(Bytes(out.begin(), out.end()), p);
    EXPECT_TRUE(c.flush(h).empty());
}

TEST(TcpCoalescer, TakesOnlyTheExactContinuation) {
    const auto seg = [](std::uint32_t seq, std::uint16_t id, std::uint8_t flags = ack,
                        std::uint32_t ack_no = 2, std::size_t n = 100) {
        return with_id(testing::tcp_packet({false, flags, seq, ack_no, {}, payload_of(n, 1)}), id);
    };
    const Bytes first = seg(1000, 1);
    const auto offer = [&](const Bytes& next) {
        TcpCoalescer c;
        EXPECT_TRUE(c.append(first, parse_ip(first)));
        return c.append(next, parse_ip(next));
    };
    EXPECT_TRUE(offer(seg(1100, 2)));
    EXPECT_TRUE(offer(seg(1100, 2, ack | psh)));
    EXPECT_TRUE(offer(seg(1100, 2, ack, 2, 50)));
    EXPECT_FALSE(offer(seg(1200, 2)));               // a gap
    EXPECT_FALSE(offer(seg(1100, 3)));               // not the next identification
    EXPECT_FALSE(offer(seg(1100, 2, ack, 3)));       // another acknowledgment
    EXPECT_FALSE(offer(seg(1100, 2, ack, 2, 101)));  // longer than the first
    EXPECT_FALSE(offer(seg(1100, 2, ack | tcp_flag::fin)));
    Bytes other_port = seg(1100, 2);
    put16(other_port, 20, 40001);
    testing::refresh_transport_checksum(other_port);
    EXPECT_FALSE(offer(other_port));

    TcpCoalescer c;
    const Bytes syn = testing::tcp_packet({false, tcp_flag::syn, 1, 0, {}, payload_of(10, 1)});
    EXPECT_FALSE(c.append(syn, parse_ip(syn)));
    const Bytes bare_ack = testing::tcp_packet({false, ack, 1, 0, {}, {}});
    EXPECT_FALSE(c.append(bare_ack, parse_ip(bare_ack)));
    EXPECT_TRUE(c.empty());

    // After a short segment, nothing more joins.
    ASSERT_TRUE(c.append(first, parse_ip(first)));
    const Bytes short_one = seg(1100, 2, ack, 2, 10);
    ASSERT_TRUE(c.append(short_one, parse_ip(short_one)));
    EXPECT_TRUE(c.closed());
    const Bytes after = seg(1110, 3, ack, 2, 10);
    EXPECT_FALSE(c.append(after, parse_ip(after)));
}

TEST(TcpCoalescer, StopsAtSixtyFourKilobytes) {
    TcpCoalescer c;
    std::uint32_t seq = 1;
    std::size_t taken = 0;
    for (std::uint16_t id = 0; id < 100; ++id) {
        const Bytes s =
            with_id(testing::tcp_packet({false, ack, seq, 2, {}, payload_of(1400, 1)}), id);
        if (!c.append(s, parse_ip(s))) {
            break;
        }
        ++taken;
        seq += 1400;
    }
    EXPECT_EQ(taken, (TcpCoalescer::max_size - 40) / 1400);
    VnetHeader h;
    EXPECT_LE(c.flush(h).size(), TcpCoalescer::max_size);
}

}  // namespace
}  // namespace ogw::gw
