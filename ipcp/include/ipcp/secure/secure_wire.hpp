// SPDX-License-Identifier: BSD-3-Clause
// Every size and code of the security layer (docs/security.md): the handshake extensions that
// ride on FLOW_REQ and FLOW_REPLY, and the sealed form of every other message. Integers on the
// wire are big-endian, as in the rest of protocol v1.
#pragma once

#include <ipcp/wire.hpp>

#include <cstddef>
#include <cstdint>

namespace ogw::ipcp::secure {

inline constexpr std::size_t key_size = 32;           // X25519 keys and symmetric keys
inline constexpr std::size_t tag_size = 16;           // Poly1305 tag
inline constexpr std::size_t mac_size = 16;           // mac1, mac2, cookie
inline constexpr std::size_t hash_size = 32;          // BLAKE2b-256
inline constexpr std::size_t counter_size = 8;        // transport counter field
inline constexpr std::size_t timestamp_size = 8;      // initiation timestamp
inline constexpr std::size_t cookie_nonce_size = 24;  // XChaCha20-Poly1305 nonce

// Bit 7 of the header's type byte: set on a FLOW_REQ / FLOW_REPLY that carries a handshake
// extension, and on every sealed message of any other type.
inline constexpr std::uint8_t secure_type_flag = 0x80;

// ---- sealed messages (everything after the handshake)
//   header (8, as in v1, type | 0x80) | counter (8) | ciphertext (n) | tag (16)
// header and counter are the associated data; length covers the whole message.
inline constexpr std::size_t clear_header_size = wire::header_size;                 // 8
inline constexpr std::size_t sealed_prefix_size = clear_header_size + counter_size;  // 16
inline constexpr std::size_t sealed_suffix_size = tag_size;                          // 16
// What sealing adds to every message: reduce max_sdu by this much.
inline constexpr std::size_t sealed_overhead = counter_size + tag_size;              // 24
// The counter field: bit 63 is the key phase, bits 0..62 the per-direction counter.
inline constexpr std::uint64_t counter_phase_bit = 1ULL << 63;
inline constexpr std::uint64_t counter_value_mask = counter_phase_bit - 1;

// ---- handshake extensions: kind u8, reserved u8[3] (0), then the kind's fields
enum class ExtKind : std::uint8_t {
    initiation = 1,  // on FLOW_REQ
    response = 2,    // on FLOW_REPLY: accepted, or refused by an authenticated responder
    refusal = 3,     // on FLOW_REPLY: refused before the initiator could be authenticated
    cookie = 4,      // on FLOW_REPLY: responder under load, retry with mac2
};
inline constexpr std::size_t ext_header_size = 4;

// Initiation: ext header | ephemeral (32) | static (32 + tag) | timestamp + early data + tag |
//             mac1 (16) | mac2 (16)
inline constexpr std::size_t init_ephemeral_offset = ext_header_size;                   // 4
inline constexpr std::size_t init_static_offset = init_ephemeral_offset + key_size;     // 36
inline constexpr std::size_t init_payload_offset = init_static_offset + key_size + tag_size;  // 84
inline constexpr std::size_t initiation_fixed_size =
    init_payload_offset + timestamp_size + tag_size + 2 * mac_size;                     // 140
constexpr std::size_t initiation_size(std::size_t early_data) {
    return initiation_fixed_size + early_data;
}

// Response: ext header | ephemeral (32) | confirmation tag (16) | mac1 (16)
inline constexpr std::size_t resp_ephemeral_offset = ext_header_size;                   // 4
inline constexpr std::size_t resp_confirm_offset = resp_ephemeral_offset + key_size;    // 36
inline constexpr std::size_t resp_mac1_offset = resp_confirm_offset + tag_size;         // 52
inline constexpr std::size_t response_size = resp_mac1_offset + mac_size;               // 68

// Refusal: ext header | the request's mac1 (16)
inline constexpr std::size_t refusal_size = ext_header_size + mac_size;                 // 20

// Cookie: ext header | nonce (24) | encrypted cookie (16 + tag)
inline constexpr std::size_t cookie_nonce_offset = ext_header_size;                     // 4
inline constexpr std::size_t cookie_box_offset = cookie_nonce_offset + cookie_nonce_size;  // 28
inline constexpr std::size_t cookie_reply_size = cookie_box_offset + mac_size + tag_size;  // 60

}  // namespace ogw::ipcp::secure
