// SPDX-License-Identifier: BSD-3-Clause
#include "packet/tun_offload.hpp"

#include "packet/checksum.hpp"
#include "packet/five_tuple.hpp"

#include <flowlib/bytes.hpp>

#include <algorithm>
#include <cstring>

namespace ogw::gw {
namespace {

constexpr std::size_t ipv4_min_header = 20;
constexpr std::size_t ipv6_header = 40;
constexpr std::size_t tcp_min_header = 20;
constexpr std::uint8_t tcp_fin = 0x01;
constexpr std::uint8_t tcp_psh = 0x08;
constexpr std::uint8_t tcp_cwr = 0x80;

// virtio_net_hdr fields are in host byte order (legacy virtio on a little-endian host).
std::uint16_t load_host16(const std::byte* p) {
    std::uint16_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void store_host16(std::byte* p, std::uint16_t v) {
    std::memcpy(p, &v, sizeof v);
}

GsoPlan refuse(OffloadError e) {
    GsoPlan p;
    p.error = e;
    return p;
}

}  // namespace

bool decode_vnet_header(std::span<const std::byte> bytes, VnetHeader& out) {
    if (bytes.size() < vnet_hdr_size) {
        return false;
    }
    const std::byte* p = bytes.data();
    out.flags = be::load8(p);
    out.gso_type = be::load8(p + 1);
    out.hdr_len = load_host16(p + 2);
    out.gso_size = load_host16(p + 4);
    out.csum_start = load_host16(p + 6);
    out.csum_offset = load_host16(p + 8);
    return true;
}

bool encode_vnet_header(const VnetHeader& h, std::span<std::byte> out) {
    if (out.size() < vnet_hdr_size) {
        return false;
    }
    std::byte* p = out.data();
    be::store8(p, h.flags);
    be::store8(p + 1, h.gso_type);
    store_host16(p + 2, h.hdr_len);
    store_host16(p + 4, h.gso_size);
    store_host16(p + 6, h.csum_start);
    store_host16(p + 8, h.csum_offset);
    return true;
}

std::string_view to_string(OffloadError e) {
    switch (e) {
        case OffloadError::none:
            return "none";
        case OffloadError::bad_checksum_offsets:
            return "bad_checksum_offsets";
        case OffloadError::unsupported_gso:
            return "unsupported_gso";
        case OffloadError::bad_gso_packet:
            return "bad_gso_packet";
    }
    return "?";
}

OffloadError complete_checksum(std::span<std::byte> packet, std::uint16_t csum_start,
                               std::uint16_t csum_offset) {
    const std::size_t field = std::size_t{csum_start} + csum_offset;
    if (csum_start >= packet.size() || field + 2 > packet.size()) {
        return OffloadError::bad_checksum_offsets;
    }
    std::uint16_t sum = checksum_finish(checksum_add(0, packet.subspan(csum_start)));
    if (sum == 0) {
        sum = 0xffff;  // as the kernel's skb_checksum_help: 0 means "none" for UDP
    }
    be::store16(packet.data() + field, sum);
    return OffloadError::none;
}

std::size_t GsoPlan::segment_size(std::size_t i) const {
    if (i >= count) {
        return 0;
    }
    const std::size_t done = i * segment_payload;
    return header_length + std::min(segment_payload, payload - done);
}

GsoPlan plan_gso(std::span<const std::byte> packet, const VnetHeader& h) {
    const std::uint8_t type = h.gso_type & static_cast<std::uint8_t>(~vnet_gso_ecn);
    if (type != vnet_gso_tcpv4 && type != vnet_gso_tcpv6) {
        return refuse(OffloadError::unsupported_gso);
    }
    GsoPlan plan;
    plan.v6 = type == vnet_gso_tcpv6;
    const std::byte* p = packet.data();
    if (packet.size() < ipv4_min_header) {
        return refuse(OffloadError::bad_gso_packet);
    }
    const std::uint8_t version = be::load8(p) >> 4;
    if (!plan.v6) {
        const std::size_t ihl = static_cast<std::size_t>(be::load8(p) & 0x0fU) * 4;
        const bool fragment = (be::load16(p + 6) & 0x3fffU) != 0;
        if (version != 4 || ihl < ipv4_min_header || ihl > packet.size() ||
            be::load8(p + 9) != ipproto::tcp || fragment || be::load16(p + 2) != packet.size()) {
            return refuse(OffloadError::bad_gso_packet);
        }
        plan.l4_offset = ihl;
    } else {
        if (version != 6 || packet.size() < ipv6_header || be::load8(p + 6) != ipproto::tcp ||
            std::size_t{be::load16(p + 4)} + ipv6_header != packet.size()) {
            return refuse(OffloadError::bad_gso_packet);
        }
        plan.l4_offset = ipv6_header;
    }
    if (plan.l4_offset + tcp_min_header > packet.size()) {
        return refuse(OffloadError::bad_gso_packet);
    }
    const std::size_t doff = static_cast<std::size_t>(be::load8(p + plan.l4_offset + 12) >> 4) * 4;
    plan.header_length = plan.l4_offset + doff;
    if (doff < tcp_min_header || plan.header_length >= packet.size() || h.gso_size == 0 ||
        plan.header_length + h.gso_size > 65535) {
        return refuse(OffloadError::bad_gso_packet);
    }
    plan.payload = packet.size() - plan.header_length;
    plan.segment_payload = h.gso_size;
    plan.count = (plan.payload + plan.segment_payload - 1) / plan.segment_payload;
    return plan;
}

std::size_t build_gso_segment(std::span<const std::byte> packet, const GsoPlan& plan, std::size_t i,
                              std::span<std::byte> out) {
    const std::size_t size = plan.segment_size(i);
    if (!plan.ok() || size == 0 || size > out.size() ||
        plan.header_length + plan.payload != packet.size()) {
        return 0;
    }
    const std::size_t hdr = plan.header_length;
    std::byte* o = out.data();
    std::memcpy(o, packet.data(), hdr);
    std::memcpy(o + hdr, packet.data() + hdr + i * plan.segment_payload, size - hdr);

    std::span<const std::byte> src;
    std::span<const std::byte> dst;
    if (!plan.v6) {
        be::store16(o + 2, static_cast<std::uint16_t>(size));
        be::store16(o + 4, static_cast<std::uint16_t>(be::load16(o + 4) + i));
        be::store16(o + 10, 0);
        be::store16(o + 10, internet_checksum({o, plan.l4_offset}));
        src = {o + 12, 4};
        dst = {o + 16, 4};
    } else {
        be::store16(o + 4, static_cast<std::uint16_t>(size - ipv6_header));
        src = {o + 8, 16};
        dst = {o + 24, 16};
    }
    std::byte* tcp = o + plan.l4_offset;
    const auto seq_advance = static_cast<std::uint32_t>(i * plan.segment_payload);
    be::store32(tcp + 4, be::load32(tcp + 4) + seq_advance);
    std::uint8_t flags = be::load8(tcp + 13);
    if (i + 1 != plan.count) {
        flags &= static_cast<std::uint8_t>(~(tcp_fin | tcp_psh));
    }
    if (i != 0) {
        flags &= static_cast<std::uint8_t>(~tcp_cwr);
    }
    be::store8(tcp + 13, flags);
    be::store16(tcp + 16, 0);
    const std::size_t l4_length = size - plan.l4_offset;
    const std::uint32_t pseudo =
        pseudo_header_sum(src, dst, ipproto::tcp, static_cast<std::uint32_t>(l4_length));
    be::store16(tcp + 16, checksum_finish(checksum_add(pseudo, {tcp, l4_length})));
    return size;
}

}  // namespace ogw::gw
