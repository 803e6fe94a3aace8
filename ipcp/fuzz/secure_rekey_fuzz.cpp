// SPDX-License-Identifier: BSD-3-Clause
// The REKEY body decoder (docs/security.md §6.1): any input is refused or parsed; what parses
// is written back to the very same bytes.
#include <ipcp/secure/rekey.hpp>

#include <array>
#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ogw::ipcp::secure;
    const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
    const auto body = parse_rekey(in);
    if (!body) {
        return 0;
    }
    if (size != rekey_body_size) {
        std::abort();
    }
    std::array<std::byte, rekey_body_size> out{};
    write_rekey(out, *body);
    if (std::memcmp(out.data(), data, size) != 0) {
        std::abort();
    }
    return 0;
}
