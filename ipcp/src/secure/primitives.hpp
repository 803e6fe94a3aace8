// SPDX-License-Identifier: BSD-3-Clause
// Thin wrappers over the libsodium primitives the security layer is built from (private).
//   HASH(x)      BLAKE2b-256(x)
//   KEYED(k, x)  BLAKE2b-256 keyed with k
//   MAC(k, x)    BLAKE2b-128 keyed with k
//   KDF2(ck, x)  prk = KEYED(ck, x); out1 = KEYED(prk, 0x01); out2 = KEYED(prk, out1 | 0x02)
//   AEAD         ChaCha20-Poly1305 IETF, nonce = 4 zero bytes | 64-bit little-endian counter
//   DH(a, B)     X25519; fails on an all-zero result (small-order B)
#pragma once

#include <ipcp/secure/keys.hpp>

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace ogw::ipcp::secure::detail {

using Bytes = std::span<const std::byte>;

inline unsigned char* uc(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
inline const unsigned char* uc(const std::byte* p) {
    return reinterpret_cast<const unsigned char*>(p);
}

inline Bytes as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// BLAKE2b over the concatenation of `parts`, `out.size()` bytes (16..64), keyed if `key` is
// not empty (16..64 bytes).
void blake2b(std::span<std::byte> out, Bytes key, std::initializer_list<Bytes> parts);

inline std::array<std::byte, 32> hash(std::initializer_list<Bytes> parts) {
    std::array<std::byte, 32> h{};
    blake2b(h, {}, parts);
    return h;
}

// (out1, out2) from chaining key `ck` and input key material `ikm`.
void kdf2(Bytes ck, Bytes ikm, std::span<std::byte, 32> out1, std::span<std::byte, 32> out2);

// In place: text becomes ciphertext, tag is written.
void aead_seal(std::span<const std::byte, 32> key, std::uint64_t counter,
               std::span<std::byte> text, std::span<std::byte, 16> tag, Bytes ad);
// In place; false (and text undefined) if the tag does not verify.
[[nodiscard]] bool aead_open(std::span<const std::byte, 32> key, std::uint64_t counter,
                             std::span<std::byte> text, std::span<const std::byte, 16> tag,
                             Bytes ad);

// X25519; false on an all-zero shared secret.
[[nodiscard]] bool dh(std::span<std::byte, 32> out, const SecretKey& secret, const PublicKey& pub);

// Constant-time equality of two equally long byte strings.
bool equal(Bytes a, Bytes b);

}  // namespace ogw::ipcp::secure::detail
