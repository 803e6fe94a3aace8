// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/ethernet_frame.hpp"

#include <flowlib/bytes.hpp>

namespace ogw::gw {
namespace {

constexpr std::size_t type_offset = 2 * mac_address_size;
constexpr std::uint16_t vid_mask = 0x0fff;

MacAddress mac_at(const std::byte* p) {
    std::array<std::uint8_t, mac_address_size> bytes{};
    for (std::size_t i = 0; i < mac_address_size; ++i) {
        bytes[i] = be::load8(p + i);
    }
    return MacAddress(bytes);
}

bool is_tag(std::uint16_t type) {
    return type == ethertype::vlan || type == ethertype::qinq || type == ethertype::qinq_legacy;
}

EthernetFrame failure(FrameError error) {
    EthernetFrame frame;
    frame.error = error;
    return frame;
}

}  // namespace

std::string_view to_string(FrameError error) {
    switch (error) {
    case FrameError::none: return "none";
    case FrameError::too_short: return "too_short";
    case FrameError::truncated_tag: return "truncated_tag";
    case FrameError::too_many_tags: return "too_many_tags";
    case FrameError::length_field: return "length_field";
    case FrameError::count_: break;
    }
    return "?";
}

EthernetFrame parse_ethernet(std::span<const std::byte> frame) {
    if (frame.size() < ethernet_header_size) {
        return failure(FrameError::too_short);
    }
    EthernetFrame out;
    out.dst = mac_at(frame.data());
    out.src = mac_at(frame.data() + mac_address_size);
    std::size_t type_at = type_offset;
    std::uint16_t type = be::load16(&frame[type_at]);
    while (is_tag(type)) {
        if (out.vlan_tags == max_vlan_tags) {
            return failure(FrameError::too_many_tags);
        }
        // TPID (already read) | TCI (2) | the next type (2)
        if (frame.size() < type_at + 2 + vlan_tag_size) {
            return failure(FrameError::truncated_tag);
        }
        out.vlan_ids[out.vlan_tags++] =
            static_cast<std::uint16_t>(be::load16(&frame[type_at + 2]) & vid_mask);
        type_at += vlan_tag_size;
        type = be::load16(&frame[type_at]);
    }
    if (type < ethertype::min_type) {
        return failure(FrameError::length_field);
    }
    out.ethertype = type;
    out.payload_offset = type_at + 2;
    out.payload = frame.subspan(out.payload_offset);
    return out;
}

}  // namespace ogw::gw
