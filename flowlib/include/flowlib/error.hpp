// SPDX-License-Identifier: BSD-3-Clause
// Error: an error code plus a short static description of where it happened.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace ogw {

// Protocol and input failures that are not errno values.
enum class errc {
    bad_length = 1,
    bad_version,
    bad_type,
    bad_value,
    unknown_endpoint,
    wrong_peer,
    bad_state,
    too_big,
    parse_error,
};

const std::error_category& ogw_category();

inline std::error_code make_error_code(errc e) {
    return {static_cast<int>(e), ogw_category()};
}

struct Error {
    std::error_code code;
    std::string where;  // what was being done, e.g. "bind 10.0.0.1:3435"

    std::string message() const;

    // errno as reported by the OS, as an Error.
    static Error from_errno(int err, std::string where) {
        return Error{std::error_code(err, std::system_category()), std::move(where)};
    }
    static Error last(std::string where) { return from_errno(errno, std::move(where)); }
};

}  // namespace ogw

template <>
struct std::is_error_code_enum<ogw::errc> : std::true_type {};
