// SPDX-License-Identifier: BSD-3-Clause
// Cookies for a responder under load (the idea of WireGuard's mac2, written for ogw): the
// responder answers an initiation with a cookie bound to the sender's underlay address, sealed
// so that only the on-path sender of that initiation can use it; the initiator puts
// mac2 = MAC(cookie, message) into its retransmission. A spoofed source never gets a cookie,
// so under load only requests from real addresses reach the X25519 operations.
#pragma once

#include <flowlib/clock.hpp>
#include <ipcp/secure/keys.hpp>
#include <ipcp/secure/secure_error.hpp>

#include <array>
#include <chrono>
#include <span>

namespace ogw::ipcp::secure {

// The secret behind cookies changes this often; a cookie is good for as long.
inline constexpr Duration cookie_lifetime = std::chrono::seconds(120);

// BLAKE2b-256(label || responder public key): the XChaCha20-Poly1305 key of cookie replies.
std::array<std::byte, 32> cookie_box_key(const PublicKey& responder);

class CookieChecker {
public:
    explicit CookieChecker(const PublicKey& self);

    // Whether `mac2` is MAC(cookie(source), covered) for the current or the previous secret.
    bool mac2_valid(Instant now, std::span<const std::byte> covered,
                    std::span<const std::byte, mac_size> mac2,
                    std::span<const std::byte> source) const;
    // Writes nonce | sealed cookie (cookie_reply_size - ext header bytes) into `out`, bound to
    // the request's mac1.
    SecureError make_reply(Instant now, Rng& rng, std::span<const std::byte, mac_size> mac1,
                           std::span<const std::byte> source, std::span<std::byte> out);

private:
    void rotate(Instant now, Rng& rng);
    void cookie_for(const Secret<32>& secret, std::span<const std::byte> source,
                    std::span<std::byte, mac_size> out) const;

    std::array<std::byte, 32> box_key_{};
    Secret<32> secret_;
    Secret<32> previous_;
    Instant born_{};
    bool has_secret_ = false;
    bool has_previous_ = false;
};

}  // namespace ogw::ipcp::secure
