// SPDX-License-Identifier: BSD-3-Clause
// `ogw genkey` and `ogw pubkey`, as `wg genkey` / `wg pubkey`: they need no daemon.
//   ogw genkey | tee /etc/ogw/private.key | ogw pubkey
#pragma once

#include <ipcp/secure/keys.hpp>

#include <iosfwd>

namespace ogw::cli {

// Writes a new private key (base64) and a newline to out. `out_open_to_others`: out is a
// regular file that group or others may access; a warning goes to err (as wg genkey does).
int run_genkey(ipcp::secure::Rng& rng, std::ostream& out, std::ostream& err,
               bool out_open_to_others = false);

// Reads a private key (base64, surrounding whitespace ignored) from in and writes its public
// key and a newline to out. Exit 1 with a message on err if in does not hold a key.
int run_pubkey(std::istream& in, std::ostream& out, std::ostream& err);

// Whether fd is a regular file with any group or other permission bit.
bool open_to_others(int fd);

}  // namespace ogw::cli
