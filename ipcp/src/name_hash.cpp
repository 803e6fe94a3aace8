// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/name_hash.hpp>

#include <sodium.h>

#include <cstring>

namespace ogw::ipcp {

NameHash NameHash::of(std::string_view name) {
    NameHash h;
    crypto_generichash(reinterpret_cast<unsigned char*>(h.bytes.data()), h.bytes.size(),
                       reinterpret_cast<const unsigned char*>(name.data()), name.size(), nullptr,
                       0);
    return h;
}

std::string NameHash::hex() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (std::byte b : bytes) {
        const auto v = static_cast<unsigned>(b);
        s += digits[v >> 4];
        s += digits[v & 0xF];
    }
    return s;
}

std::size_t NameHashHasher::operator()(const NameHash& h) const {
    std::size_t v = 0;
    std::memcpy(&v, h.bytes.data(), sizeof v);  // already uniformly distributed
    return v;
}

}  // namespace ogw::ipcp
