// SPDX-License-Identifier: BSD-3-Clause
// Every constant of shim wire protocol v1 (docs/protocol.md). All integers are big-endian.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ogw::ipcp::wire {

inline constexpr std::uint8_t version = 1;

enum class Type : std::uint8_t {
    data = 0,
    flow_req = 1,
    flow_reply = 2,
    flow_dealloc = 3,
    dealloc_ack = 4,
    keepalive = 5,
    name_query = 6,
    name_reply = 7,
};
inline constexpr std::uint8_t max_type = 7;

// Common header: version u8, type u8, length u16 (whole message), dst_eid u32.
inline constexpr std::size_t header_size = 8;
inline constexpr std::size_t max_message_size = 65535;

inline constexpr std::size_t name_hash_size = 32;  // BLAKE2b-256 of the name's bytes
// delay u32, bandwidth u64, availability u8, in_order u8, reserved u16, loss u32, ber u32,
// max_gap u32, timeout u64
inline constexpr std::size_t qos_size = 36;

// FLOW_REQ: fixed part, then src_name_len u8 and the requesting node's name, then the first SDU.
inline constexpr std::size_t flow_req_size = header_size + 4 + name_hash_size + qos_size + 1;  // 81
inline constexpr std::size_t max_node_name = 255;
inline constexpr std::size_t flow_reply_size = header_size + 4 + 4;                       // 16
inline constexpr std::size_t flow_dealloc_size = header_size + 4 + 4;                     // 16
inline constexpr std::size_t dealloc_ack_size = header_size + 4;                          // 12
inline constexpr std::size_t keepalive_size = header_size + 4 + 4 + 4;                    // 20
inline constexpr std::size_t name_query_size = header_size + 4 + name_hash_size;          // 44
inline constexpr std::size_t name_reply_size = name_query_size;                           // 44

// Keepalive flags.
inline constexpr std::uint8_t keepalive_echo_request = 0x01;
inline constexpr std::uint8_t keepalive_echo_reply = 0x02;
inline constexpr std::uint8_t keepalive_known_flags = 0x03;

// Underlay defaults (as upstream Ouroboros).
inline constexpr std::uint16_t default_udp_port = 3435;
inline constexpr std::uint16_t default_ethertype = 0xA000;

}  // namespace ogw::ipcp::wire
