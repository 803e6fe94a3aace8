// SPDX-License-Identifier: BSD-3-Clause
#include "keys.hpp"

#include "exit_codes.hpp"

#include <ipcp/secure/key_file.hpp>

#include <sodium.h>

#include <array>
#include <istream>
#include <ostream>
#include <string>

#include <sys/stat.h>

namespace ogw::cli {
namespace {

// Far more than a key and any whitespace around it; anything longer is not a key.
constexpr std::size_t max_input = 4096;

}  // namespace

int run_genkey(ipcp::secure::Rng& rng, std::ostream& out, std::ostream& err,
               bool out_open_to_others) {
    if (out_open_to_others) {
        err << "Warning: writing a private key to a file that group or others can access; "
               "consider umask 077 and trying again\n";
    }
    std::string key = ipcp::secure::genkey(rng);
    out << key << '\n' << std::flush;
    sodium_memzero(key.data(), key.size());
    return out ? exit_ok : exit_failed;
}

int run_pubkey(std::istream& in, std::ostream& out, std::ostream& err) {
    std::string text;
    std::array<char, 512> buf{};
    while (in && text.size() <= max_input) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        text.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    sodium_memzero(buf.data(), buf.size());
    const auto pub = text.size() > max_input ? ipcp::secure::pubkey("")
                                             : ipcp::secure::pubkey(text);
    sodium_memzero(text.data(), text.size());
    if (!pub) {
        err << "ogw pubkey: standard input is not a private key (one line of 44 base64 "
               "characters, as written by ogw genkey or wg genkey)\n";
        return exit_failed;
    }
    out << *pub << '\n' << std::flush;
    return out ? exit_ok : exit_failed;
}

bool open_to_others(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0;
}

}  // namespace ogw::cli
