// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/mac_table.hpp"

#include <sodium.h>

#include <cassert>
#include <tuple>
#include <utility>

namespace ogw::gw {

std::uint64_t mac_to_u64(const MacAddress& mac) {
    std::uint64_t value = 0;
    for (const std::uint8_t b : mac.bytes()) {
        value = value << 8 | b;
    }
    return value;
}

MacAddress mac_from_u64(std::uint64_t value) {
    std::array<std::uint8_t, 6> bytes{};
    for (std::size_t i = bytes.size(); i-- > 0;) {
        bytes[i] = static_cast<std::uint8_t>(value);
        value >>= 8;
    }
    return MacAddress(bytes);
}

std::size_t MacTable::KeyedHash::operator()(std::uint64_t mac) const {
    static_assert(crypto_shorthash_BYTES == sizeof(std::uint64_t));
    static_assert(crypto_shorthash_KEYBYTES == std::tuple_size_v<MacHashKey>);
    std::uint64_t h = 0;
    crypto_shorthash(reinterpret_cast<unsigned char*>(&h),
                     reinterpret_cast<const unsigned char*>(&mac), sizeof mac, key.data());
    return static_cast<std::size_t>(h);
}

MacTable::MacTable(const MacTableConfig& config, const MacHashKey& key)
    : config_(config), map_(0, KeyedHash{key}) {
    assert(config_.ageing_time > Duration::zero());
    assert(config_.capacity > 0);
    map_.reserve(config_.capacity);
    spare_.reserve(config_.capacity);
}

LearnResult MacTable::learn(const MacAddress& mac, MacOwner owner, Instant now) {
    if (mac.is_multicast() || mac.is_zero()) {
        ++counters_.invalid_source;
        return LearnResult::invalid_source;
    }
    const std::uint64_t key = mac_to_u64(mac);
    const auto it = map_.find(key);
    if (it == map_.end()) {
        make_room(now);
        insert(key, owner, now);
        ++counters_.learnt;
        return LearnResult::learnt;
    }
    Entry& e = it->second;
    LearnResult result = LearnResult::refreshed;
    if (aged(e, now)) {
        ++counters_.aged_out;
        ++counters_.learnt;
        result = LearnResult::learnt;
    } else if (e.owner != owner) {
        ++counters_.moved;
        result = LearnResult::moved;
    }
    e.owner = owner;
    e.last_seen = now;
    if (newest_ != &e) {
        unlink(e);
        link_newest(e);
    }
    return result;
}

std::optional<MacOwner> MacTable::lookup(const MacAddress& mac, Instant now) const {
    const auto it = map_.find(mac_to_u64(mac));
    if (it == map_.end() || aged(it->second, now)) {
        return std::nullopt;
    }
    return it->second.owner;
}

std::size_t MacTable::flush_peer(PeerIndex peer, Instant now) {
    std::size_t flushed = 0;
    for (Entry* e = newest_; e != nullptr;) {
        Entry* const older = e->older;
        if (e->owner.is_peer(peer)) {
            ++(aged(*e, now) ? counters_.aged_out : flushed);
            remove(*e);
        }
        e = older;
    }
    counters_.flushed += flushed;
    return flushed;
}

std::size_t MacTable::expire(Instant now, std::size_t budget) {
    std::size_t removed = 0;
    while (removed < budget && oldest_ != nullptr && aged(*oldest_, now)) {
        remove(*oldest_);
        ++removed;
    }
    counters_.aged_out += removed;
    return removed;
}

std::optional<Instant> MacTable::next_deadline() const {
    if (oldest_ == nullptr) {
        return std::nullopt;
    }
    return oldest_->last_seen + config_.ageing_time;
}

void MacTable::link_newest(Entry& e) {
    e.newer = nullptr;
    e.older = newest_;
    (newest_ != nullptr ? newest_->newer : oldest_) = &e;
    newest_ = &e;
}

void MacTable::unlink(Entry& e) {
    (e.newer != nullptr ? e.newer->older : newest_) = e.older;
    (e.older != nullptr ? e.older->newer : oldest_) = e.newer;
    e.newer = nullptr;
    e.older = nullptr;
}

void MacTable::remove(Entry& e) {
    const std::uint64_t key = e.mac;
    unlink(e);
    spare_.push_back(map_.extract(key));
}

void MacTable::make_room(Instant now) {
    if (map_.size() < config_.capacity) {
        return;
    }
    ++(aged(*oldest_, now) ? counters_.aged_out : counters_.evicted);
    remove(*oldest_);
}

void MacTable::insert(std::uint64_t key, MacOwner owner, Instant now) {
    const Entry fresh{key, owner, now, nullptr, nullptr};
    Entry* e = nullptr;
    if (spare_.empty()) {
        e = &map_.try_emplace(key, fresh).first->second;
    } else {
        Map::node_type node = std::move(spare_.back());
        spare_.pop_back();
        node.key() = key;
        node.mapped() = fresh;
        e = &map_.insert(std::move(node)).position->second;
    }
    link_newest(*e);
}

}  // namespace ogw::gw
