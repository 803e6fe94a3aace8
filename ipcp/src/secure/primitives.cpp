// SPDX-License-Identifier: BSD-3-Clause
#include "primitives.hpp"

#include <cassert>
#include <cstring>

namespace ogw::ipcp::secure::detail {

void blake2b(std::span<std::byte> out, Bytes key, std::initializer_list<Bytes> parts) {
    assert(out.size() >= crypto_generichash_BYTES_MIN &&
           out.size() <= crypto_generichash_BYTES_MAX);
    assert(key.empty() ||
           (key.size() >= crypto_generichash_KEYBYTES_MIN &&
            key.size() <= crypto_generichash_KEYBYTES_MAX));
    crypto_generichash_state st;
    crypto_generichash_init(&st, key.empty() ? nullptr : uc(key.data()), key.size(), out.size());
    for (Bytes p : parts) {
        crypto_generichash_update(&st, uc(p.data()), p.size());
    }
    crypto_generichash_final(&st, uc(out.data()), out.size());
    sodium_memzero(&st, sizeof st);
}

void kdf2(Bytes ck, Bytes ikm, std::span<std::byte, 32> out1, std::span<std::byte, 32> out2) {
    Secret<32> prk;
    blake2b(prk.bytes(), ck, {ikm});
    static constexpr std::byte one[1] = {std::byte{1}};
    static constexpr std::byte two[1] = {std::byte{2}};
    blake2b(out1, prk.bytes(), {one});
    blake2b(out2, prk.bytes(), {out1, two});
}

namespace {

std::array<unsigned char, crypto_aead_chacha20poly1305_IETF_NPUBBYTES> nonce_of(
    std::uint64_t counter) {
    std::array<unsigned char, crypto_aead_chacha20poly1305_IETF_NPUBBYTES> n{};
    for (std::size_t i = 0; i < 8; ++i) {
        n[4 + i] = static_cast<unsigned char>(counter >> (8 * i));
    }
    return n;
}

}  // namespace

void aead_seal(std::span<const std::byte, 32> key, std::uint64_t counter,
               std::span<std::byte> text, std::span<std::byte, 16> tag, Bytes ad) {
    const auto n = nonce_of(counter);
    unsigned long long tag_len = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(
        uc(text.data()), uc(tag.data()), &tag_len, uc(text.data()), text.size(), uc(ad.data()),
        ad.size(), nullptr, n.data(), uc(key.data()));
}

bool aead_open(std::span<const std::byte, 32> key, std::uint64_t counter,
               std::span<std::byte> text, std::span<const std::byte, 16> tag, Bytes ad) {
    const auto n = nonce_of(counter);
    return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
               uc(text.data()), nullptr, uc(text.data()), text.size(), uc(tag.data()),
               uc(ad.data()), ad.size(), n.data(), uc(key.data())) == 0;
}

bool dh(std::span<std::byte, 32> out, const SecretKey& secret, const PublicKey& pub) {
    return crypto_scalarmult(uc(out.data()), uc(secret.data()), uc(pub.bytes.data())) == 0;
}

bool equal(Bytes a, Bytes b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ogw::ipcp::secure::detail
