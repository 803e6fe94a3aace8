// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/error.hpp>

namespace ogw {
namespace {

class OgwCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "ogw"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::bad_length: return "bad length";
        case errc::bad_version: return "unsupported version";
        case errc::bad_type: return "unknown message type";
        case errc::bad_value: return "invalid value";
        case errc::unknown_endpoint: return "unknown endpoint";
        case errc::wrong_peer: return "wrong peer";
        case errc::bad_state: return "wrong state";
        case errc::too_big: return "too big";
        case errc::parse_error: return "parse error";
        }
        return "unknown ogw error";
    }
};

}  // namespace

const std::error_category& ogw_category() {
    static const OgwCategory category;
    return category;
}

std::string Error::message() const {
    if (where.empty()) {
        return code.message();
    }
    return where + ": " + code.message();
}

}  // namespace ogw
