// SPDX-License-Identifier: BSD-3-Clause
// Parses arbitrary bytes as rtnetlink link and address messages (what the link monitor reads
// from the kernel) and applies whatever parses to a LinkTable. Nothing may crash or over-read;
// a parsed link has a non-zero index.
#include <ipcp/link_monitor.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ogw::ipcp;
    // The monitor reads into an aligned buffer: so does this.
    auto buffer = std::make_unique<std::uint32_t[]>(size / 4 + 1);
    std::memcpy(buffer.get(), data, size);
    const std::span<const std::byte> message(reinterpret_cast<const std::byte*>(buffer.get()),
                                             size);
    LinkTable table;
    if (const auto link = parse_link_message(message)) {
        if (link->link.index == 0) {
            std::abort();
        }
        table.apply(*link);
        (void)link->link.up();
    }
    if (const auto address = parse_address_message(message)) {
        table.apply(*address);
        (void)table.owner_of(address->address);
    }
    return 0;
}
