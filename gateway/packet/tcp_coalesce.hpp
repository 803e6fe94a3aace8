// SPDX-License-Identifier: BSD-3-Clause
// TCP coalescing for TUN writes with IFF_VNET_HDR (the receive-side twin of tun_offload.hpp's
// GSO split, as wireguard-go's TCP GRO): consecutive in-order segments of one TCP connection
// become one GSO super-packet that the kernel takes with one write and one pass through its
// stack, instead of one per segment.
//
// A segment joins the pending group when it continues it exactly: same IP header (IPv4 without
// options and the next identification, or IPv6 with TCP right after the fixed header), same
// ports, acknowledgment, window and TCP options, flags ACK (PSH allowed on the last), the next
// sequence number, a payload no longer than the first one's; a shorter payload or PSH closes
// the group. What comes out, split again by plan_gso()/build_gso_segment(), gives back the
// segments that went in (with their checksums recomputed).
#pragma once

#include "packet/ip_parse.hpp"
#include "packet/tun_offload.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ogw::gw {

class TcpCoalescer {
public:
    static constexpr std::size_t max_segments = 64;
    static constexpr std::size_t max_size = 65535;

    TcpCoalescer();

    bool empty() const { return count_ == 0; }
    std::size_t segments() const { return count_; }
    // The pending group takes no more segments (PSH, a short one, or full).
    bool closed() const { return closed_ || count_ >= max_segments; }
    // The bytes of the pending segments as they came in.
    std::size_t bytes_in() const { return count_ == 0 ? 0 : size_ + (count_ - 1) * header_length_; }

    // Takes (copies) `packet`, parsed as `info`, if it can start a group (when empty) or
    // continue the pending one. False: flush the pending group first, or write the packet
    // as is.
    bool append(std::span<const std::byte> packet, const PacketInfo& info);

    // The pending group, ready to write after a virtio_net_hdr `h`: one segment is returned
    // as it came in (h without GSO); several form a super-packet with a partial checksum
    // (VIRTIO_NET_HDR_F_NEEDS_CSUM). Empties the coalescer; the span stays valid until the
    // next append().
    std::span<const std::byte> flush(VnetHeader& h);

private:
    bool can_start(std::span<const std::byte> packet, const PacketInfo& info) const;
    bool continues(std::span<const std::byte> packet, const PacketInfo& info) const;

    std::vector<std::byte> buf_;
    std::size_t size_ = 0;
    std::size_t count_ = 0;
    std::size_t header_length_ = 0;
    std::size_t l4_offset_ = 0;
    std::size_t segment_payload_ = 0;
    std::uint32_t next_seq_ = 0;
    std::uint16_t next_id_ = 0;
    bool v6_ = false;
    bool closed_ = false;
    bool push_ = false;
};

}  // namespace ogw::gw
