// SPDX-License-Identifier: BSD-3-Clause
// X25519 keys, their base64 text form (standard alphabet with padding, as WireGuard writes
// keys: 44 characters for 32 bytes), and the randomness the security layer draws from.
#pragma once

#include <flowlib/result.hpp>
#include <ipcp/secure/secure_wire.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace ogw::ipcp::secure {

// Calls sodium_init() once (thread-safe in libsodium); every entry point that needs it calls
// this, so callers do not have to. Aborts if libsodium cannot initialise.
void ensure_sodium();

// Wipes itself on destruction and on move; never printed.
template <std::size_t N>
class Secret {
public:
    Secret() = default;
    ~Secret() { wipe(); }
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& o) noexcept : bytes_(o.bytes_) { o.wipe(); }
    Secret& operator=(Secret&& o) noexcept {
        if (this != &o) {
            bytes_ = o.bytes_;
            o.wipe();
        }
        return *this;
    }

    static Secret from(std::span<const std::byte, N> b) {
        Secret s;
        for (std::size_t i = 0; i < N; ++i) {
            s.bytes_[i] = b[i];
        }
        return s;
    }

    std::span<std::byte, N> bytes() { return bytes_; }
    std::span<const std::byte, N> bytes() const { return bytes_; }
    std::byte* data() { return bytes_.data(); }
    const std::byte* data() const { return bytes_.data(); }
    void wipe();

    friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "(hidden)"; }

private:
    std::array<std::byte, N> bytes_{};
};

void secure_wipe(void* p, std::size_t n);

template <std::size_t N>
void Secret<N>::wipe() {
    secure_wipe(bytes_.data(), N);
}

using SecretKey = Secret<key_size>;

struct PublicKey {
    std::array<std::byte, key_size> bytes{};

    bool operator==(const PublicKey&) const = default;
    std::string base64() const;
    static Result<PublicKey> from_base64(std::string_view text);
    static PublicKey from(std::span<const std::byte, key_size> b);
    friend std::ostream& operator<<(std::ostream& os, const PublicKey& k) {
        return os << k.base64();
    }
};

struct PublicKeyHasher {
    std::size_t operator()(const PublicKey& k) const;
};

// The X25519 public key of a private key.
PublicKey public_key_of(const SecretKey& secret);

// Base64 text of a private key (for `ogw genkey`), and back. Decoding accepts exactly the
// 44-character padded form, nothing around it; callers trim whitespace first.
std::string secret_to_base64(const SecretKey& secret);
Result<SecretKey> secret_from_base64(std::string_view text);

// Where randomness comes from. The core never calls randombytes_buf itself.
class Rng {
public:
    virtual ~Rng() = default;
    virtual void fill(std::span<std::byte> out) = 0;
};

// libsodium's CSPRNG (getrandom).
class SodiumRng final : public Rng {
public:
    SodiumRng();
    void fill(std::span<std::byte> out) override;
};

// A reproducible stream from a 32-byte seed (ChaCha20, randombytes_buf_deterministic): for
// tests and fuzzing only.
class DeterministicRng final : public Rng {
public:
    explicit DeterministicRng(std::uint64_t seed);
    void fill(std::span<std::byte> out) override;

private:
    std::array<std::byte, 32> seed_{};
    std::uint64_t calls_ = 0;
};

// A fresh key pair's private half.
SecretKey generate_secret(Rng& rng);

}  // namespace ogw::ipcp::secure
