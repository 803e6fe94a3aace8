// SPDX-License-Identifier: BSD-3-Clause
// An underlay address as the shim engine sees it: opaque, canonical bytes that a driver made
// from its own address type (a UDP socket address, an Ethernet MAC). Equal addresses have equal
// bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ogw::ipcp {

class PeerAddress {
public:
    static constexpr std::size_t capacity = 28;

    PeerAddress() = default;
    static PeerAddress from_bytes(std::span<const std::byte> b) {
        PeerAddress a;
        a.size_ = static_cast<std::uint8_t>(b.size() < capacity ? b.size() : capacity);
        std::memcpy(a.bytes_.data(), b.data(), a.size_);
        return a;
    }

    std::span<const std::byte> bytes() const { return {bytes_.data(), size_}; }
    bool empty() const { return size_ == 0; }
    bool operator==(const PeerAddress& o) const {
        return size_ == o.size_ && std::memcmp(bytes_.data(), o.bytes_.data(), size_) == 0;
    }

private:
    std::array<std::byte, capacity> bytes_{};
    std::uint8_t size_ = 0;
};

struct PeerAddressHasher {
    std::size_t operator()(const PeerAddress& a) const {
        std::size_t h = 1469598103934665603ULL;  // FNV-1a
        for (std::byte b : a.bytes()) {
            h = (h ^ static_cast<std::size_t>(b)) * 1099511628211ULL;
        }
        return h;
    }
};

}  // namespace ogw::ipcp
