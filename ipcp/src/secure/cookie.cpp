// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/cookie.hpp>

#include "primitives.hpp"

namespace ogw::ipcp::secure {

using detail::as_bytes;
using detail::uc;

namespace {

constexpr std::string_view cookie_label = "ogw cookie";

}  // namespace

std::array<std::byte, 32> cookie_box_key(const PublicKey& responder) {
    return detail::hash({as_bytes(cookie_label), responder.bytes});
}

CookieChecker::CookieChecker(const PublicKey& self) : box_key_(cookie_box_key(self)) {}

void CookieChecker::cookie_for(const Secret<32>& secret, std::span<const std::byte> source,
                               std::span<std::byte, mac_size> out) const {
    detail::blake2b(out, secret.bytes(), {source});
}

void CookieChecker::rotate(Instant now, Rng& rng) {
    if (has_secret_ && now - born_ < cookie_lifetime) {
        return;
    }
    if (has_secret_ && now - born_ < 2 * cookie_lifetime) {
        previous_ = std::move(secret_);
        has_previous_ = true;
    } else {
        previous_.wipe();
        has_previous_ = false;
    }
    rng.fill(secret_.bytes());
    born_ = now;
    has_secret_ = true;
}

bool CookieChecker::mac2_valid(Instant now, std::span<const std::byte> covered,
                               std::span<const std::byte, mac_size> mac2,
                               std::span<const std::byte> source) const {
    if (!has_secret_) {
        return false;
    }
    const auto matches = [&](const Secret<32>& secret) {
        Secret<mac_size> cookie;
        cookie_for(secret, source, cookie.bytes());
        std::array<std::byte, mac_size> expect{};
        detail::blake2b(expect, cookie.bytes(), {covered});
        return detail::equal(expect, mac2);
    };
    // A cookie handed out just before the secret changed stays good for its lifetime.
    if (now - born_ < cookie_lifetime && matches(secret_)) {
        return true;
    }
    return has_previous_ && now - born_ < cookie_lifetime && matches(previous_);
}

SecureError CookieChecker::make_reply(Instant now, Rng& rng,
                                      std::span<const std::byte, mac_size> mac1,
                                      std::span<const std::byte> source,
                                      std::span<std::byte> out) {
    if (out.size() != cookie_nonce_size + mac_size + tag_size) {
        return SecureError::buffer_too_small;
    }
    rotate(now, rng);
    const std::span<std::byte> nonce = out.first(cookie_nonce_size);
    const std::span<std::byte> box = out.subspan(cookie_nonce_size);
    rng.fill(nonce);
    cookie_for(secret_, source, box.first<mac_size>());
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(uc(box.data()), &len, uc(box.data()), mac_size,
                                               uc(mac1.data()), mac1.size(), nullptr,
                                               uc(nonce.data()), uc(box_key_.data()));
    return SecureError::ok;
}

}  // namespace ogw::ipcp::secure
