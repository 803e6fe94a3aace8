// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/eth_address.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

namespace ogw::ipcp {
namespace {

constexpr std::size_t mac_size = 6;

}  // namespace

PeerAddress eth_peer_address(const MacAddress& mac) {
    return PeerAddress::from_bytes(std::as_bytes(std::span(mac.bytes())));
}

std::optional<MacAddress> eth_mac(const PeerAddress& address) {
    if (address.bytes().size() != mac_size) {
        return std::nullopt;
    }
    std::array<std::uint8_t, mac_size> b{};
    std::memcpy(b.data(), address.bytes().data(), mac_size);
    return MacAddress(b);
}

std::string format_eth_peer(const PeerAddress& address) {
    const auto mac = eth_mac(address);
    return mac ? mac->to_string() : std::string("(not an eth address)");
}

}  // namespace ogw::ipcp
