// SPDX-License-Identifier: BSD-3-Clause
#include "packet/checksum.hpp"

#include <flowlib/bytes.hpp>

#include <bit>
#include <cstring>

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
    // The one's-complement sum does not depend on byte order (RFC 1071 §2(B)): sum native
    // 32-bit words, fold, and swap the bytes of the result on a little-endian host. About four
    // times faster than 16-bit big-endian loads, which matters for GSO segments.
    const std::byte* p = data.data();
    std::size_t n = data.size();
    std::uint64_t acc = 0;
    while (n >= 16) {
        std::uint32_t w[4];
        std::memcpy(w, p, sizeof w);
        acc += std::uint64_t{w[0]} + w[1] + w[2] + w[3];
        p += 16;
        n -= 16;
    }
    while (n >= 4) {
        std::uint32_t w = 0;
        std::memcpy(&w, p, sizeof w);
        acc += w;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        std::uint16_t w = 0;
        std::memcpy(&w, p, sizeof w);
        acc += w;
        p += 2;
        n -= 2;
    }
    if (n == 1) {
        std::uint16_t w = 0;
        std::memcpy(&w, p, 1);  // the odd byte is the high-order byte of a big-endian word
        acc += w;
    }
    auto native = fold(acc);
    if constexpr (std::endian::native == std::endian::little) {
        native = ((native >> 8) | (native << 8)) & 0xffffU;
    }
    return fold(std::uint64_t{sum} + native);
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
