// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/eth_resolver.hpp>

#include <algorithm>
#include <utility>

namespace ogw::ipcp {

EthResolver::EthResolver(Send send, EthResolverConfig config)
    : send_(std::move(send)),
      config_(config),
      next_id_(config.first_query_id != 0 ? config.first_query_id : 1) {}

std::optional<PeerAddress> EthResolver::lookup(Instant now, const NameHash& name) const {
    const auto it = cache_.find(name);
    if (it == cache_.end() || it->second.expires <= now) {
        return std::nullopt;
    }
    return it->second.address;
}

void EthResolver::resolve(Instant now, std::string_view name, Done done) {
    const NameHash hash = NameHash::of(name);
    if (auto cached = lookup(now, hash)) {
        ++counters_.resolved;
        done(cached);
        return;
    }
    const auto it = std::find_if(pending_.begin(), pending_.end(),
                                 [&](const Pending& p) { return p.hash == hash; });
    if (it != pending_.end()) {
        it->waiters.push_back(std::move(done));
        return;
    }
    if (pending_.size() >= config_.max_pending) {
        ++counters_.unresolved;
        done(std::nullopt);
        return;
    }
    Pending p;
    p.hash = hash;
    p.name = std::string(name);
    p.id = next_id_++;
    if (next_id_ == 0) {
        next_id_ = 1;
    }
    p.started = now;
    p.next_send = now;
    p.waiters.push_back(std::move(done));
    pending_.push_back(std::move(p));
    transmit(pending_.back());
}

// Planned from the previous planned time, so a late timer does not shift the schedule.
void EthResolver::plan_next(Pending& p) {
    ++p.sent;
    p.next_send = p.sent <= config_.retransmit.size() ? p.next_send + config_.retransmit[p.sent - 1]
                                                      : Instant::max();
}

void EthResolver::transmit(Pending& p) {
    ++counters_.queries_sent;
    plan_next(p);
    send_(NameQueryMsg{p.id, p.hash});
}

bool EthResolver::on_reply(Instant now, const PeerAddress& from, const NameReplyMsg& reply) {
    const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
        return p.id == reply.query_id && p.hash == reply.name;
    });
    if (it == pending_.end()) {
        ++counters_.replies_unmatched;
        return false;
    }
    ++counters_.replies_taken;
    remember(now, *it, from);
    std::vector<Done> waiters = std::move(it->waiters);
    pending_.erase(it);
    counters_.resolved += waiters.size();
    for (auto& done : waiters) {
        done(from);
    }
    return true;
}

void EthResolver::remember(Instant now, const Pending& p, const PeerAddress& address) {
    if (cache_.size() >= config_.max_entries && !cache_.contains(p.hash)) {
        std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
        if (cache_.size() >= config_.max_entries) {
            cache_.erase(std::min_element(cache_.begin(), cache_.end(),
                                          [](const auto& a, const auto& b) {
                                              return a.second.expires < b.second.expires;
                                          }));
        }
    }
    cache_.insert_or_assign(p.hash, Entry{p.name, address, now + config_.ttl});
}

void EthResolver::on_timer(Instant now) {
    std::vector<Done> expired;
    for (std::size_t i = 0; i < pending_.size();) {
        Pending& p = pending_[i];
        if (now >= p.started + config_.give_up) {
            for (auto& done : p.waiters) {
                expired.push_back(std::move(done));
            }
            pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
        }
        if (p.next_send <= now) {
            transmit(p);
            while (p.next_send <= now) {
                plan_next(p);  // a timer that fired very late sends once, not a burst
            }
        }
        ++i;
    }
    counters_.unresolved += expired.size();
    for (auto& done : expired) {
        done(std::nullopt);
    }
}

std::optional<Instant> EthResolver::next_deadline() const {
    std::optional<Instant> next;
    for (const auto& p : pending_) {
        const Instant due = std::min(p.next_send, p.started + config_.give_up);
        if (!next || due < *next) {
            next = due;
        }
    }
    return next;
}

void EthResolver::forget(const NameHash& name, const PeerAddress& address) {
    const auto it = cache_.find(name);
    if (it != cache_.end() && it->second.address == address) {
        cache_.erase(it);
        ++counters_.forgotten;
    }
}

}  // namespace ogw::ipcp
