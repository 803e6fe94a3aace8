// SPDX-License-Identifier: BSD-3-Clause
#include "handshake.hpp"

#include <flowlib/version.hpp>

namespace ogw::cli {

std::string version_mismatch_message(std::string_view socket, std::int64_t theirs,
                                     std::string_view daemon_version) {
    std::string text = "control protocol version mismatch: ogw " + std::string(ogw::version) +
                       " speaks version " + std::to_string(control_protocol_version) + ", ogwd";
    if (!daemon_version.empty()) {
        text += " " + std::string(daemon_version);
    }
    text += " at " + std::string(socket);
    text += theirs > 0 ? " speaks version " + std::to_string(theirs) : " speaks another version";
    return text + "; use the ogw that came with this ogwd";
}

std::optional<std::string> protocol_mismatch(const json::Value& hello, std::string_view socket) {
    const auto theirs = hello.get_int("protocol");
    if (theirs && *theirs == control_protocol_version) {
        return std::nullopt;
    }
    return version_mismatch_message(socket, theirs.value_or(0),
                                    hello.get_string("version").value_or(""));
}

}  // namespace ogw::cli
