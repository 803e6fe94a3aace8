// SPDX-License-Identifier: BSD-3-Clause
// The Ethernet shim's PeerAddress: a station's 6-byte MAC, as is.
#pragma once

#include <flowlib/inet.hpp>
#include <ipcp/peer_address.hpp>

#include <optional>
#include <string>

namespace ogw::ipcp {

PeerAddress eth_peer_address(const MacAddress& mac);
// Empty if `address` was not made by eth_peer_address().
std::optional<MacAddress> eth_mac(const PeerAddress& address);
// "02:00:00:00:00:01", or "(not an eth address)".
std::string format_eth_peer(const PeerAddress& address);

}  // namespace ogw::ipcp
