// SPDX-License-Identifier: BSD-3-Clause
// Names travel as a 32-byte BLAKE2b hash of their bytes.
#pragma once

#include <ipcp/wire.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ogw::ipcp {

struct NameHash {
    std::array<std::byte, wire::name_hash_size> bytes{};

    static NameHash of(std::string_view name);
    std::string hex() const;
    bool operator==(const NameHash&) const = default;
};

struct NameHashHasher {
    std::size_t operator()(const NameHash& h) const;
};

}  // namespace ogw::ipcp
