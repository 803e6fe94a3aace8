// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary bytes into every rtnetlink answer parser: the whole input as one message, then each
// message of it taken as a batch (as Rtnl's callbacks see them). Nothing may read past the
// bytes given (each message is copied into a block of its own size for AddressSanitizer), at
// most one parser may accept a message, and what is accepted must be a valid value.
#include "tun/rtnl_message.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

namespace {

using ogw::gw::parse_ack;
using ogw::gw::parse_address;
using ogw::gw::parse_link;
using ogw::gw::parse_route;

constexpr std::size_t header_size = 16;  // sizeof(nlmsghdr)

void check(std::span<const std::byte> bytes) {
    // Heap blocks are aligned as the kernel's messages are; the parsers refuse others.
    const std::vector<std::byte> message(bytes.begin(), bytes.end());
    const auto link = parse_link(message);
    const auto address = parse_address(message);
    const auto route = parse_route(message);
    const auto ack = parse_ack(message);
    const int accepted = int{link.has_value()} + int{address.has_value()} + int{route.has_value()} +
                         int{ack.has_value()};
    if (accepted > 1) {
        std::abort();
    }
    if (address && address->address.length() > address->address.address().max_prefix_length()) {
        std::abort();
    }
    if (route && route->prefix.length() > route->prefix.address().max_prefix_length()) {
        std::abort();
    }
    if (ack && ack->error < 0) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    check(input);
    std::size_t offset = 0;
    while (size - offset >= header_size) {
        std::uint32_t length = 0;
        std::memcpy(&length, data + offset, sizeof length);
        if (length < header_size || length > size - offset) {
            break;
        }
        check(input.subspan(offset, length));
        offset += (std::size_t{length} + 3) & ~std::size_t{3};
        if (offset >= size) {
            break;
        }
    }
    return 0;
}
