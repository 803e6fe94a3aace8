// SPDX-License-Identifier: BSD-3-Clause
#include "packet/tcp_coalesce.hpp"

#include "packet/checksum.hpp"

#include <flowlib/bytes.hpp>

#include <cstring>

namespace ogw::gw {
namespace {

constexpr std::size_t ipv4_header = 20;
constexpr std::size_t ipv6_header = 40;

bool same(std::span<const std::byte> a, std::span<const std::byte> b, std::size_t from,
          std::size_t to) {
    return std::memcmp(a.data() + from, b.data() + from, to - from) == 0;
}

}  // namespace

TcpCoalescer::TcpCoalescer() : buf_(max_size) {}

bool TcpCoalescer::can_start(std::span<const std::byte> packet, const PacketInfo& info) const {
    if (!info.ok() || info.kind != PacketKind::tcp || info.fragment != FragmentPart::none ||
        info.tcp.payload_length == 0 || packet.size() != info.ip_length ||
        info.l4_offset + info.tcp.header_length + info.tcp.payload_length != packet.size()) {
        return false;
    }
    const std::uint8_t flags = info.tcp.flags;
    if (flags != tcp_flag::ack && flags != (tcp_flag::ack | tcp_flag::psh)) {
        return false;
    }
    const std::byte* p = packet.data();
    const std::uint8_t version = be::load8(p) >> 4;
    if (version == 4) {
        return info.l4_offset == ipv4_header;  // no IP options
    }
    return version == 6 && info.l4_offset == ipv6_header && be::load8(p + 6) == ipproto::tcp;
}

bool TcpCoalescer::continues(std::span<const std::byte> packet, const PacketInfo& info) const {
    if (closed_ || count_ >= max_segments || v6_ != (info.l4_offset == ipv6_header) ||
        info.l4_offset != l4_offset_ || info.l4_offset + info.tcp.header_length != header_length_ ||
        info.tcp.payload_length > segment_payload_ || size_ + info.tcp.payload_length > max_size ||
        info.tcp.seq != next_seq_) {
        return false;
    }
    const std::span<const std::byte> first(buf_.data(), header_length_);
    const std::byte* p = packet.data();
    if (!v6_) {
        // Version to TOS, flags to protocol, addresses; the next identification.
        if (!same(first, packet, 0, 2) || !same(first, packet, 6, 10) ||
            !same(first, packet, 12, ipv4_header) || be::load16(p + 4) != next_id_) {
            return false;
        }
    } else if (!same(first, packet, 0, 4) || !same(first, packet, 6, ipv6_header)) {
        return false;
    }
    const std::size_t t = l4_offset_;
    // Ports; acknowledgment, data offset, window, urgent pointer and options. Flags and
    // checksum may differ (PSH is allowed on the last segment).
    return same(first, packet, t, t + 4) && same(first, packet, t + 8, t + 13) &&
           same(first, packet, t + 14, t + 16) && same(first, packet, t + 18, header_length_);
}

bool TcpCoalescer::append(std::span<const std::byte> packet, const PacketInfo& info) {
    if (!can_start(packet, info)) {
        return false;
    }
    const std::size_t payload = info.tcp.payload_length;
    if (count_ == 0) {
        std::memcpy(buf_.data(), packet.data(), packet.size());
        size_ = packet.size();
        l4_offset_ = info.l4_offset;
        header_length_ = info.l4_offset + info.tcp.header_length;
        segment_payload_ = payload;
        v6_ = l4_offset_ == ipv6_header;
        next_id_ = v6_ ? 0 : static_cast<std::uint16_t>(be::load16(packet.data() + 4) + 1U);
    } else {
        if (!continues(packet, info)) {
            return false;
        }
        std::memcpy(buf_.data() + size_, packet.data() + header_length_, payload);
        size_ += payload;
        next_id_ = static_cast<std::uint16_t>(next_id_ + 1U);
    }
    ++count_;
    next_seq_ = info.tcp.seq + static_cast<std::uint32_t>(payload);
    push_ = info.tcp.has(tcp_flag::psh);
    closed_ = push_ || payload < segment_payload_;
    return true;
}

std::span<const std::byte> TcpCoalescer::flush(VnetHeader& h) {
    h = VnetHeader{};
    const std::size_t n = count_;
    const std::size_t size = size_;
    count_ = 0;
    size_ = 0;
    closed_ = false;
    if (n <= 1) {
        return {buf_.data(), n == 0 ? 0 : size};
    }
    std::byte* o = buf_.data();
    if (!v6_) {
        be::store16(o + 2, static_cast<std::uint16_t>(size));
        be::store16(o + 10, 0);
        be::store16(o + 10, internet_checksum({o, l4_offset_}));
    } else {
        be::store16(o + 4, static_cast<std::uint16_t>(size - ipv6_header));
    }
    std::byte* tcp = o + l4_offset_;
    if (push_) {
        be::store8(tcp + 13, static_cast<std::uint8_t>(be::load8(tcp + 13) | tcp_flag::psh));
    }
    // The partial checksum: the pseudo-header sum, not complemented; the kernel adds the rest.
    const std::span<const std::byte> src =
        v6_ ? std::span<const std::byte>(o + 8, 16) : std::span<const std::byte>(o + 12, 4);
    const std::span<const std::byte> dst =
        v6_ ? std::span<const std::byte>(o + 24, 16) : std::span<const std::byte>(o + 16, 4);
    const std::uint32_t pseudo =
        pseudo_header_sum(src, dst, ipproto::tcp, static_cast<std::uint32_t>(size - l4_offset_));
    be::store16(tcp + 16, static_cast<std::uint16_t>(pseudo));
    h.flags = vnet_flag_needs_csum;
    h.gso_type = v6_ ? vnet_gso_tcpv6 : vnet_gso_tcpv4;
    h.hdr_len = static_cast<std::uint16_t>(header_length_);
    h.gso_size = static_cast<std::uint16_t>(segment_payload_);
    h.csum_start = static_cast<std::uint16_t>(l4_offset_);
    h.csum_offset = 16;
    return {buf_.data(), size};
}

}  // namespace ogw::gw
