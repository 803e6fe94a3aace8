// SPDX-License-Identifier: BSD-3-Clause
// Longest-prefix match from a destination address to the remote gateway that serves it, from
// the config's `route = PREFIX NAME` lines. The same table bounds what each remote gateway may
// send: a packet from a peer passes only if its source address routes back to that peer
// (strict reverse-path filtering).
#pragma once

#include <flowlib/inet.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ogw::gw {

using PeerIndex = std::uint32_t;

class RouteTable {
public:
    // Adds (or replaces) the route for `prefix` (host bits are ignored).
    void add(const IpPrefix& prefix, const std::string& peer);
    void clear();

    std::optional<PeerIndex> lookup(const IpAddress& address) const;
    bool routes_to(const IpAddress& address, PeerIndex peer) const {
        return lookup(address) == peer;
    }

    // Peers are the names used in routes, numbered in order of first appearance.
    std::optional<PeerIndex> peer_index(const std::string& name) const;
    const std::string& peer_name(PeerIndex index) const { return peers_.at(index); }
    const std::vector<std::string>& peers() const { return peers_; }
    std::vector<IpPrefix> prefixes_of(PeerIndex peer) const;
    std::size_t size() const { return routes_.size(); }

private:
    struct Key {
        std::array<std::uint8_t, 16> bytes{};
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const;
    };
    static Key masked(const IpAddress& a, unsigned length);

    // One map per prefix length and family: [0..32] for IPv4, [33..161] for IPv6.
    std::array<std::unordered_map<Key, PeerIndex, KeyHash>, 33 + 129> by_length_;
    std::vector<unsigned> lengths_v4_;  // populated lengths, longest first
    std::vector<unsigned> lengths_v6_;
    std::vector<std::string> peers_;
    std::vector<std::pair<IpPrefix, PeerIndex>> routes_;
};

}  // namespace ogw::gw
