// SPDX-License-Identifier: BSD-3-Clause
// Why the security layer refused something. Returned by value on the data path (no allocation);
// convertible to std::error_code for logs.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <system_error>

namespace ogw::ipcp::secure {

enum class SecureError : std::uint8_t {
    ok = 0,
    malformed,        // wrong size, unknown extension kind, reserved bits set
    buffer_too_small, // the caller's buffer cannot hold the result
    bad_mac1,         // handshake not made for our static key, or altered in transit
    cookie_required,  // responder under load: mac2 missing or invalid
    bad_mac,          // AEAD authentication failed: wrong key or altered bytes
    bad_key,          // a public key of small order (X25519 result all zero)
    unknown_key,      // authenticated, but the peer's static key is not allowed
    name_mismatch,    // the key is allowed under another name than the one claimed
    replay,           // initiation timestamp or transport counter already seen
    stale,            // initiation outside the freshness window, counter behind the window
    rekey_needed,     // send limit (messages or key age) reached: no more sealing
    expired,          // receive: the key is older than reject_after_time
    no_session,       // no key for this message (e.g. unknown key phase)
    count_,
};
inline constexpr std::size_t secure_error_count = static_cast<std::size_t>(SecureError::count_);

std::string_view to_string(SecureError e);
std::ostream& operator<<(std::ostream& os, SecureError e);
const std::error_category& secure_category();

inline std::error_code make_error_code(SecureError e) {
    return {static_cast<int>(e), secure_category()};
}

}  // namespace ogw::ipcp::secure

template <>
struct std::is_error_code_enum<ogw::ipcp::secure::SecureError> : std::true_type {};
