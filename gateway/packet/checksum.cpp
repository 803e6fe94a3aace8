// SPDX-License-Identifier: BSD-3-Clause
#include "packet/checksum.hpp"

#include <flowlib/bytes.hpp>

namespace ogw::gw {
namespace {

std::uint32_t fold(std::uint64_t sum) {
    while (sum > 0xffff) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint32_t>(sum);
}

}  // namespace

std::uint32_t checksum_add(std::uint32_t sum, std::span<const std::byte> data) {
    std::uint64_t total = sum;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        total += be::load16(data.data() + i);
    }
    if (i < data.size()) {
        total += static_cast<std::uint64_t>(be::load8(data.data() + i)) << 8;
    }
    return fold(total);
}

std::uint16_t checksum_finish(std::uint32_t sum) {
    return static_cast<std::uint16_t>(~fold(sum) & 0xffff);
}

std::uint16_t internet_checksum(std::span<const std::byte> data) {
    return checksum_finish(checksum_add(0, data));
}

std::uint32_t pseudo_header_sum(std::span<const std::byte> src, std::span<const std::byte> dst,
                                std::uint8_t proto, std::uint32_t length) {
    std::uint64_t total = checksum_add(0, src);
    total += checksum_add(0, dst);
    total += proto;
    total += length >> 16;
    total += length & 0xffff;
    return fold(total);
}

std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                std::uint32_t length) {
    return pseudo_header_sum(std::as_bytes(src.bytes()), std::as_bytes(dst.bytes()), proto, length);
}

std::uint16_t checksum_update16(std::uint16_t checksum, std::uint16_t old_word,
                                std::uint16_t new_word) {
    const std::uint32_t sum = (~checksum & 0xffffU) + (~old_word & 0xffffU) + new_word;
    return checksum_finish(sum);
}

}  // namespace ogw::gw
