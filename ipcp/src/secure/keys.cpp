// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/keys.hpp>

#include "primitives.hpp"

#include <flowlib/bytes.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ogw::ipcp::secure {

using detail::uc;

void ensure_sodium() {
    static const bool ready = [] {
        if (sodium_init() < 0) {
            std::fputs("ogw: libsodium failed to initialise\n", stderr);
            std::abort();
        }
        return true;
    }();
    (void)ready;
}

void secure_wipe(void* p, std::size_t n) { sodium_memzero(p, n); }

namespace {

// Base64 of 32 bytes, standard alphabet, padded: 44 characters.
constexpr std::size_t key_base64_size = 44;

std::string encode(std::span<const std::byte, key_size> bytes) {
    char buf[sodium_base64_ENCODED_LEN(key_size, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(buf, sizeof buf, uc(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    return std::string(buf);
}

// Strict: exactly 44 characters that decode to 32 bytes, nothing before or after.
bool decode(std::string_view text, std::span<std::byte, key_size> out) {
    if (text.size() != key_base64_size) {
        return false;
    }
    std::size_t len = 0;
    const char* end = nullptr;
    std::array<std::byte, key_size + 2> tmp{};
    const int rc = sodium_base642bin(uc(tmp.data()), tmp.size(), text.data(), text.size(),
                                     nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL);
    bool ok = rc == 0 && len == key_size && end == text.data() + text.size();
    if (ok) {
        // libsodium 1.0.18 decodes every byte >= 0x80 as some base64 digit (sign extension
        // in its constant-time character test): accept only the canonical spelling.
        char again[sodium_base64_ENCODED_LEN(key_size, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(again, sizeof again, uc(tmp.data()), key_size,
                          sodium_base64_VARIANT_ORIGINAL);
        ok = sodium_memcmp(again, text.data(), key_base64_size) == 0;
        sodium_memzero(again, sizeof again);
    }
    if (ok) {
        std::memcpy(out.data(), tmp.data(), key_size);
    }
    sodium_memzero(tmp.data(), tmp.size());
    return ok;
}

Error parse_error(const char* what) {
    return Error{make_error_code(errc::parse_error), what};
}

}  // namespace

std::string PublicKey::base64() const { return encode(bytes); }

Result<PublicKey> PublicKey::from_base64(std::string_view text) {
    PublicKey k;
    if (!decode(text, k.bytes)) {
        return unexpected(parse_error("public key: not 44 characters of base64 for 32 bytes"));
    }
    return k;
}

PublicKey PublicKey::from(std::span<const std::byte, key_size> b) {
    PublicKey k;
    std::memcpy(k.bytes.data(), b.data(), key_size);
    return k;
}

std::size_t PublicKeyHasher::operator()(const PublicKey& k) const {
    std::size_t v = 0;
    std::memcpy(&v, k.bytes.data(), sizeof v);
    return v;
}

PublicKey public_key_of(const SecretKey& secret) {
    ensure_sodium();
    PublicKey p;
    crypto_scalarmult_base(uc(p.bytes.data()), uc(secret.data()));
    return p;
}

std::string secret_to_base64(const SecretKey& secret) { return encode(secret.bytes()); }

Result<SecretKey> secret_from_base64(std::string_view text) {
    SecretKey k;
    if (!decode(text, k.bytes())) {
        return unexpected(parse_error("private key: not 44 characters of base64 for 32 bytes"));
    }
    return k;
}

SodiumRng::SodiumRng() { ensure_sodium(); }

void SodiumRng::fill(std::span<std::byte> out) { randombytes_buf(out.data(), out.size()); }

DeterministicRng::DeterministicRng(std::uint64_t seed) { be::store64(seed_.data(), seed); }

void DeterministicRng::fill(std::span<std::byte> out) {
    // Each call draws from its own stream: seed' = BLAKE2b-256(seed | call number).
    std::array<std::byte, 8> n{};
    be::store64(n.data(), calls_++);
    const auto s = detail::hash({seed_, n});
    randombytes_buf_deterministic(out.data(), out.size(), uc(s.data()));
}

SecretKey generate_secret(Rng& rng) {
    SecretKey k;
    rng.fill(k.bytes());
    // X25519 clamps when it uses the key; store it clamped too, as `wg genkey` does.
    k.data()[0] &= std::byte{248};
    k.data()[31] &= std::byte{127};
    k.data()[31] |= std::byte{64};
    return k;
}

}  // namespace ogw::ipcp::secure
