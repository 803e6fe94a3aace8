// SPDX-License-Identifier: BSD-3-Clause
// The private key file and the functions behind `ogw genkey` / `ogw pubkey` (as `wg genkey` /
// `wg pubkey`): one line of base64. The only part of the security layer that touches the file
// system, called once at start-up or by the CLI, never on the data path.
#pragma once

#include <flowlib/result.hpp>
#include <ipcp/secure/keys.hpp>

#include <string>
#include <string_view>

namespace ogw::ipcp::secure {

// Reads a private key: a regular file holding the base64 key and optional surrounding
// whitespace. Refused, with an error naming the file and its mode, if group or others have
// any access to it (mode & 077), or if it is not a regular file or not a valid key.
Result<SecretKey> load_private_key(const std::string& path);

// `ogw genkey`: a new private key as base64 (no newline).
std::string genkey(Rng& rng);

// `ogw pubkey`: the public key (base64, no newline) of the private key in `private_base64`
// (as read from stdin: surrounding whitespace is ignored).
Result<std::string> pubkey(std::string_view private_base64);

// Strips ASCII whitespace at both ends.
std::string_view trim_key_text(std::string_view text);

}  // namespace ogw::ipcp::secure
