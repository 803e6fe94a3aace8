// SPDX-License-Identifier: BSD-3-Clause
// Helpers for the rtnetlink message tests: byte vectors written as numbers, and prefixes.
#pragma once

#include <flowlib/inet.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace ogw::gw::test {

using Bytes = std::vector<std::byte>;

// Netlink is in host byte order; the golden vectors are written for little-endian hosts.
inline constexpr bool little_endian = std::endian::native == std::endian::little;

inline Bytes bytes(std::initializer_list<int> values) {
    Bytes out;
    out.reserve(values.size());
    for (const int v : values) {
        out.push_back(static_cast<std::byte>(v));
    }
    return out;
}

inline Bytes copy(std::span<const std::byte> in) {
    return {in.begin(), in.end()};
}

inline IpPrefix prefix(std::string_view text) {
    return IpPrefix::parse(text).value();
}

}  // namespace ogw::gw::test
