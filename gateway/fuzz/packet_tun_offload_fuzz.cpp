// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary bytes as what a TUN device with IFF_VNET_HDR hands over: a virtio_net_hdr, then a
// packet. Checksum completion stays inside the packet; a GSO split that is accepted produces
// segments of the planned sizes, each with a correct transport checksum; segments that parse
// go through the TcpCoalescer, and whatever it coalesces splits back into exactly those
// segments.
#include "packet/checksum.hpp"
#include "packet/ip_parse.hpp"
#include "packet/tcp_coalesce.hpp"
#include "packet/tun_offload.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using namespace ogw;
using namespace ogw::gw;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

std::uint16_t tcp_residue(std::span<const std::byte> s, const GsoPlan& plan) {
    const std::size_t l4 = plan.l4_offset;
    const auto src = plan.v6 ? s.subspan(8, 16) : s.subspan(12, 4);
    const auto dst = plan.v6 ? s.subspan(24, 16) : s.subspan(16, 4);
    const std::uint32_t pseudo =
        pseudo_header_sum(src, dst, ipproto::tcp, static_cast<std::uint32_t>(s.size() - l4));
    return checksum_finish(checksum_add(pseudo, s.subspan(l4)));
}

void check_coalescing(const std::vector<std::vector<std::byte>>& segments) {
    TcpCoalescer c;
    std::vector<std::vector<std::byte>> group;
    const auto flush = [&] {
        VnetHeader h;
        const auto out = c.flush(h);
        if (group.size() > 1) {
            require(h.is_gso());
            const GsoPlan plan = plan_gso(out, h);
            require(plan.ok() && plan.count == group.size());
            for (std::size_t i = 0; i < plan.count; ++i) {
                std::vector<std::byte> again(plan.segment_size(i));
                require(build_gso_segment(out, plan, i, again) == again.size());
                require(again == group[i]);
            }
        } else if (group.size() == 1) {
            require(!h.is_gso() &&
                    std::equal(out.begin(), out.end(), group[0].begin(), group[0].end()));
        }
        group.clear();
    };
    for (const auto& s : segments) {
        const PacketInfo info = parse_ip(s);
        if (!info.ok() || info.ip_length != s.size()) {
            continue;
        }
        if (!c.append(s, info)) {
            flush();
            if (!c.append(s, info)) {
                continue;
            }
        }
        group.push_back(s);
    }
    flush();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    VnetHeader h;
    if (!decode_vnet_header(input, h)) {
        return 0;
    }
    std::vector<std::byte> packet(input.begin() + vnet_hdr_size, input.end());
    if (!h.is_gso()) {
        std::vector<std::byte> copy = packet;
        if (complete_checksum(copy, h.csum_start, h.csum_offset) == OffloadError::none) {
            const std::size_t field = std::size_t{h.csum_start} + h.csum_offset;
            for (std::size_t i = 0; i < copy.size(); ++i) {
                require(copy[i] == packet[i] || i == field || i == field + 1);
            }
            if (h.csum_offset % 2 == 0) {
                // The field held the pseudo-header sum: with it added back, everything sums
                // to zero.
                const auto old =
                    static_cast<std::uint32_t>((std::to_integer<unsigned>(packet[field]) << 8) |
                                               std::to_integer<unsigned>(packet[field + 1]));
                require(checksum_finish(checksum_add(old, std::span(copy).subspan(h.csum_start))) ==
                        0);
            }
        }
        return 0;
    }
    const GsoPlan plan = plan_gso(packet, h);
    if (!plan.ok()) {
        require(plan.count == 0);
        return 0;
    }
    require(plan.count >= 1 && plan.header_length + plan.payload == packet.size());
    std::vector<std::vector<std::byte>> segments;
    std::size_t payload = 0;
    for (std::size_t i = 0; i < plan.count; ++i) {
        const std::size_t n = plan.segment_size(i);
        require(n > plan.header_length && n <= plan.header_length + h.gso_size && n <= 65535);
        std::vector<std::byte> out(n + 7);
        require(build_gso_segment(packet, plan, i, std::span(out).first(n - 1)) == 0);
        require(build_gso_segment(packet, plan, i, out) == n);
        out.resize(n);
        require(tcp_residue(out, plan) == 0);
        payload += n - plan.header_length;
        segments.push_back(std::move(out));
    }
    require(payload == plan.payload);
    check_coalescing(segments);
    return 0;
}
