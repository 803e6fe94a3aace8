// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/eth_frame.hpp>

#include <cstring>

namespace ogw::ipcp {
namespace {

constexpr std::size_t mac_size = 6;
constexpr std::size_t ethertype_offset = 2 * mac_size;

MacAddress mac_at(std::span<const std::byte> bytes) {
    std::array<std::uint8_t, mac_size> b{};
    std::memcpy(b.data(), bytes.data(), mac_size);
    return MacAddress(b);
}

}  // namespace

void write_eth_header(std::span<std::byte> out, const EthHeader& h) {
    std::memcpy(out.data(), h.dst.bytes().data(), mac_size);
    std::memcpy(out.data() + mac_size, h.src.bytes().data(), mac_size);
    out[ethertype_offset] = static_cast<std::byte>(h.ethertype >> 8);
    out[ethertype_offset + 1] = static_cast<std::byte>(h.ethertype & 0xff);
}

std::optional<EthHeader> read_eth_header(std::span<const std::byte> frame) {
    if (frame.size() < eth_header_size) {
        return std::nullopt;
    }
    EthHeader h;
    h.dst = mac_at(frame);
    h.src = mac_at(frame.subspan(mac_size));
    h.ethertype = static_cast<std::uint16_t>(
        (std::to_integer<unsigned>(frame[ethertype_offset]) << 8) |
        std::to_integer<unsigned>(frame[ethertype_offset + 1]));
    return h;
}

std::string_view to_string(EthFrameKind kind) {
    switch (kind) {
    case EthFrameKind::ours: return "ours";
    case EthFrameKind::too_short: return "too_short";
    case EthFrameKind::other_type: return "other_type";
    case EthFrameKind::other_dst: return "other_dst";
    case EthFrameKind::bad_src: return "bad_src";
    case EthFrameKind::own: return "own";
    case EthFrameKind::count_: break;
    }
    return "?";
}

EthFrameKind classify_eth_frame(std::span<const std::byte> frame, const MacAddress& self,
                                std::uint16_t ethertype) {
    const auto h = read_eth_header(frame);
    if (!h) {
        return EthFrameKind::too_short;
    }
    if (h->ethertype != ethertype) {
        return EthFrameKind::other_type;
    }
    if (h->dst != self && !h->dst.is_broadcast()) {
        return EthFrameKind::other_dst;
    }
    if (h->src.is_multicast() || h->src.is_zero()) {
        return EthFrameKind::bad_src;
    }
    if (h->src == self) {
        return EthFrameKind::own;
    }
    return EthFrameKind::ours;
}

}  // namespace ogw::ipcp
