// SPDX-License-Identifier: BSD-3-Clause
// The version check at the start of every CLI connection: the daemon's answer to `hello`
// must name the control protocol version this ogw speaks.
#pragma once

#include <flowlib/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ogw::cli {

// nullopt when `hello` (the result of the op) names our protocol version; otherwise the
// message telling the operator which versions differ.
std::optional<std::string> protocol_mismatch(const json::Value& hello, std::string_view socket);

// The message for a daemon that answered with another version in the envelope ("v") or
// refused ours with -EPROTO; `theirs` is 0 and `daemon_version` empty when unknown.
std::string version_mismatch_message(std::string_view socket, std::int64_t theirs,
                                     std::string_view daemon_version = {});

}  // namespace ogw::cli
