// SPDX-License-Identifier: BSD-3-Clause
// TUN offloads, pure: the virtio_net_hdr that precedes every packet on a TUN device opened with
// IFF_VNET_HDR, completion of a partial transport checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM), and
// the segmentation of a TCP GSO super-packet (VIRTIO_NET_HDR_GSO_TCPV4/TCPV6, up to 64 KiB)
// into packets of at most hdr_len + gso_size bytes, each a valid IP packet with its own
// lengths, IPv4 identification, TCP sequence number, flags and checksums.
//
// Decisions:
// - The header is read in host byte order (little-endian virtio, the TUN default on x86 and
//   arm64; TUNSETVNETBE is never used). Its hdr_len is only a hint (the kernel does not promise
//   it), so the headers are measured from the packet itself.
// - Only TCP over IPv4 (no fragment) or IPv6 (TCP directly after the fixed header) is split;
//   any other GSO type, or a super-packet that does not parse, is refused with a reason.
// - Segment i carries payload bytes [i * gso_size, (i + 1) * gso_size); FIN and PSH only on the
//   last segment, CWR only on the first; the IPv4 identification counts up from the original
//   (as the kernel's own TSO does). Transport checksums are computed in full, whatever the
//   super-packet's checksum field holds (with NEEDS_CSUM, the pseudo-header sum).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ogw::gw {

inline constexpr std::size_t vnet_hdr_size = 10;  // struct virtio_net_hdr
inline constexpr std::uint8_t vnet_flag_needs_csum = 1;
inline constexpr std::uint8_t vnet_flag_data_valid = 2;
inline constexpr std::uint8_t vnet_gso_none = 0;
inline constexpr std::uint8_t vnet_gso_tcpv4 = 1;
inline constexpr std::uint8_t vnet_gso_tcpv6 = 4;
inline constexpr std::uint8_t vnet_gso_ecn = 0x80;

struct VnetHeader {
    std::uint8_t flags = 0;
    std::uint8_t gso_type = vnet_gso_none;
    std::uint16_t hdr_len = 0;
    std::uint16_t gso_size = 0;
    std::uint16_t csum_start = 0;
    std::uint16_t csum_offset = 0;

    bool is_gso() const { return gso_type != vnet_gso_none; }
};

// The first vnet_hdr_size bytes; false if there are fewer.
bool decode_vnet_header(std::span<const std::byte> bytes, VnetHeader& out);
// Writes vnet_hdr_size bytes; false if out is shorter.
bool encode_vnet_header(const VnetHeader& h, std::span<std::byte> out);

// Names are stable: drop counters are reported under them.
enum class OffloadError : std::uint8_t {
    none,
    bad_checksum_offsets,  // csum_start / csum_offset outside the packet
    unsupported_gso,       // a GSO type other than TCPv4 / TCPv6
    bad_gso_packet,        // the super-packet does not parse as what its header says
};
std::string_view to_string(OffloadError e);

// NEEDS_CSUM: the field at csum_start + csum_offset holds the pseudo-header sum; replaces it
// by the checksum over [csum_start, end of packet).
OffloadError complete_checksum(std::span<std::byte> packet, std::uint16_t csum_start,
                               std::uint16_t csum_offset);

// How a TCP super-packet splits.
struct GsoPlan {
    OffloadError error = OffloadError::none;
    bool v6 = false;
    std::size_t l4_offset = 0;      // IP header length
    std::size_t header_length = 0;  // IP + TCP headers, copied into every segment
    std::size_t payload = 0;        // TCP payload bytes in the super-packet
    std::size_t segment_payload = 0;
    std::size_t count = 0;  // segments (at least 1)

    bool ok() const { return error == OffloadError::none; }
    // Size of segment i.
    std::size_t segment_size(std::size_t i) const;
};

// The split of `packet` (the IP packet after the vnet header) by `h`. count 0 on error.
GsoPlan plan_gso(std::span<const std::byte> packet, const VnetHeader& h);

// Builds segment i of the plan into out (which must not overlap packet): its size, or 0 if out
// is too short or i is out of range.
std::size_t build_gso_segment(std::span<const std::byte> packet, const GsoPlan& plan, std::size_t i,
                              std::span<std::byte> out);

}  // namespace ogw::gw
