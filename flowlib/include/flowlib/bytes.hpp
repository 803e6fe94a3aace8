// SPDX-License-Identifier: BSD-3-Clause
// Big-endian loads and stores on byte spans. Callers check sizes first; these do not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ogw::be {

inline std::uint8_t load8(const std::byte* p) { return static_cast<std::uint8_t>(p[0]); }

inline std::uint16_t load16(const std::byte* p) {
    return static_cast<std::uint16_t>(static_cast<unsigned>(p[0]) << 8 |
                                      static_cast<unsigned>(p[1]));
}

inline std::uint32_t load32(const std::byte* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

inline std::uint64_t load64(const std::byte* p) {
    return static_cast<std::uint64_t>(load32(p)) << 32 | load32(p + 4);
}

inline void store8(std::byte* p, std::uint8_t v) { p[0] = static_cast<std::byte>(v); }

inline void store16(std::byte* p, std::uint16_t v) {
    p[0] = static_cast<std::byte>(v >> 8);
    p[1] = static_cast<std::byte>(v);
}

inline void store32(std::byte* p, std::uint32_t v) {
    p[0] = static_cast<std::byte>(v >> 24);
    p[1] = static_cast<std::byte>(v >> 16);
    p[2] = static_cast<std::byte>(v >> 8);
    p[3] = static_cast<std::byte>(v);
}

inline void store64(std::byte* p, std::uint64_t v) {
    store32(p, static_cast<std::uint32_t>(v >> 32));
    store32(p + 4, static_cast<std::uint32_t>(v));
}

}  // namespace ogw::be
