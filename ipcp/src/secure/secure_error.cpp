// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/secure_error.hpp>

#include <ostream>
#include <string>

namespace ogw::ipcp::secure {

std::string_view to_string(SecureError e) {
    switch (e) {
    case SecureError::ok: return "ok";
    case SecureError::malformed: return "malformed";
    case SecureError::buffer_too_small: return "buffer_too_small";
    case SecureError::bad_mac1: return "bad_mac1";
    case SecureError::cookie_required: return "cookie_required";
    case SecureError::bad_mac: return "bad_mac";
    case SecureError::bad_key: return "bad_key";
    case SecureError::unknown_key: return "unknown_key";
    case SecureError::name_mismatch: return "name_mismatch";
    case SecureError::replay: return "replay";
    case SecureError::stale: return "stale";
    case SecureError::rekey_needed: return "rekey_needed";
    case SecureError::expired: return "expired";
    case SecureError::no_session: return "no_session";
    case SecureError::count_: break;
    }
    return "unknown";
}

std::ostream& operator<<(std::ostream& os, SecureError e) { return os << to_string(e); }

namespace {

class SecureCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "ogw-secure"; }
    std::string message(int code) const override {
        switch (static_cast<SecureError>(code)) {
        case SecureError::ok: return "success";
        case SecureError::malformed: return "malformed security extension";
        case SecureError::buffer_too_small: return "buffer too small";
        case SecureError::bad_mac1: return "handshake not made for this node's key (or altered)";
        case SecureError::cookie_required: return "responder under load: cookie required";
        case SecureError::bad_mac: return "authentication failed";
        case SecureError::bad_key: return "invalid public key";
        case SecureError::unknown_key: return "peer key not allowed";
        case SecureError::name_mismatch: return "peer key allowed for another name";
        case SecureError::replay: return "replayed";
        case SecureError::stale: return "stale";
        case SecureError::rekey_needed: return "key use limit reached: rekey needed";
        case SecureError::expired: return "key expired";
        case SecureError::no_session: return "no key";
        case SecureError::count_: break;
        }
        return "unknown security error";
    }
};

}  // namespace

const std::error_category& secure_category() {
    static const SecureCategory category;
    return category;
}

}  // namespace ogw::ipcp::secure
