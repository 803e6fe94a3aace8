// SPDX-License-Identifier: BSD-3-Clause
#include "gw/route_table.hpp"

#include <algorithm>
#include <cstring>

namespace ogw::gw {
namespace {

unsigned slot(bool v6, unsigned length) { return v6 ? 33 + length : length; }

void note_length(std::vector<unsigned>& lengths, unsigned length) {
    if (std::find(lengths.begin(), lengths.end(), length) == lengths.end()) {
        lengths.push_back(length);
        std::sort(lengths.rbegin(), lengths.rend());
    }
}

}  // namespace

std::size_t RouteTable::KeyHash::operator()(const Key& k) const {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, k.bytes.data(), 8);
    std::memcpy(&b, k.bytes.data() + 8, 8);
    return static_cast<std::size_t>((a * 0x9E3779B97F4A7C15ULL) ^ (b + 0x632BE59BD9B4E019ULL));
}

RouteTable::Key RouteTable::masked(const IpAddress& a, unsigned length) {
    Key k;
    const auto bytes = a.bytes();
    for (unsigned i = 0; i < bytes.size() && i * 8 < length; ++i) {
        const unsigned bits = std::min(8U, length - i * 8);
        k.bytes[i] = static_cast<std::uint8_t>(bytes[i] & (0xFFU << (8 - bits)));
    }
    return k;
}

void RouteTable::add(const IpPrefix& prefix, const std::string& peer) {
    PeerIndex index = 0;
    if (const auto existing = peer_index(peer)) {
        index = *existing;
    } else {
        index = static_cast<PeerIndex>(peers_.size());
        peers_.push_back(peer);
    }
    const bool v6 = prefix.address().is_v6();
    by_length_[slot(v6, prefix.length())][masked(prefix.address(), prefix.length())] = index;
    note_length(v6 ? lengths_v6_ : lengths_v4_, prefix.length());
    const IpPrefix net = prefix.network();
    auto it = std::find_if(routes_.begin(), routes_.end(),
                           [&](const auto& r) { return r.first == net; });
    if (it != routes_.end()) {
        it->second = index;
    } else {
        routes_.emplace_back(net, index);
    }
}

void RouteTable::clear() {
    for (auto& m : by_length_) {
        m.clear();
    }
    lengths_v4_.clear();
    lengths_v6_.clear();
    peers_.clear();
    routes_.clear();
}

std::optional<PeerIndex> RouteTable::lookup(const IpAddress& address) const {
    const bool v6 = address.is_v6();
    for (unsigned length : v6 ? lengths_v6_ : lengths_v4_) {
        const auto& map = by_length_[slot(v6, length)];
        if (const auto it = map.find(masked(address, length)); it != map.end()) {
            return it->second;
        }
    }
    return std::nullopt;
}

std::optional<PeerIndex> RouteTable::peer_index(const std::string& name) const {
    const auto it = std::find(peers_.begin(), peers_.end(), name);
    if (it == peers_.end()) {
        return std::nullopt;
    }
    return static_cast<PeerIndex>(it - peers_.begin());
}

std::vector<IpPrefix> RouteTable::prefixes_of(PeerIndex peer) const {
    std::vector<IpPrefix> out;
    for (const auto& [prefix, index] : routes_) {
        if (index == peer) {
            out.push_back(prefix);
        }
    }
    return out;
}

}  // namespace ogw::gw
