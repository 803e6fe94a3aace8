// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/loopback.hpp>

#include <algorithm>

namespace ogw::ipcp {

LoopbackNetwork::LoopbackNetwork(FakeClock& clock, std::uint64_t seed) : clock_(clock), rng_(seed) {}

LoopbackNetwork::Port& LoopbackNetwork::attach(std::string_view name) {
    const auto* p = reinterpret_cast<const std::byte*>(name.data());
    ports_.push_back(std::make_unique<Port>(*this, PeerAddress::from_bytes({p, name.size()})));
    return *ports_.back();
}

void LoopbackNetwork::add_timer_source(DeadlineFn next, FireFn fire) {
    timer_sources_.emplace_back(std::move(next), std::move(fire));
}

void LoopbackNetwork::send(const PeerAddress& from, const PeerAddress& to,
                           std::span<const std::byte> bytes) {
    ++sent_;
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    if ((filter_ && !filter_(from, to, bytes)) || coin(rng_) < faults_.loss) {
        ++dropped_;
        return;
    }
    enqueue(from, to, bytes);
    if (coin(rng_) < faults_.duplicate) {
        enqueue(from, to, bytes);
    }
}

void LoopbackNetwork::enqueue(const PeerAddress& from, const PeerAddress& to,
                              std::span<const std::byte> bytes) {
    Duration delay = faults_.delay;
    if (faults_.jitter.count() > 0) {
        std::uniform_int_distribution<std::int64_t> extra(0, faults_.jitter.count());
        delay += Duration(extra(rng_));
    }
    queue_.push(InFlight{clock_.now() + delay, seq_++, from, to,
                         std::vector<std::byte>(bytes.begin(), bytes.end())});
}

bool LoopbackNetwork::step(Instant until) {
    std::optional<Instant> next;
    if (!queue_.empty()) {
        next = queue_.top().at;
    }
    std::size_t source = timer_sources_.size();
    for (std::size_t i = 0; i < timer_sources_.size(); ++i) {
        const auto t = timer_sources_[i].first();
        if (t && (!next || *t < *next)) {
            next = t;
            source = i;
        }
    }
    if (!next || *next > until) {
        return false;
    }
    clock_.set(std::max(clock_.now(), *next));
    if (source < timer_sources_.size()) {
        timer_sources_[source].second(clock_.now());
        return true;
    }
    InFlight pkt = queue_.top();
    queue_.pop();
    for (auto& port : ports_) {
        if (port->addr_ == pkt.to && port->receiver_) {
            port->receiver_(clock_.now(), pkt.from, pkt.bytes);
        }
    }
    return true;
}

void LoopbackNetwork::run_until(Instant until) {
    while (step(until)) {
    }
    clock_.set(std::max(clock_.now(), until));
}

bool LoopbackNetwork::run_until_condition(const std::function<bool()>& done, Duration limit) {
    const Instant end = clock_.now() + limit;
    while (!done()) {
        if (!step(end)) {
            clock_.set(std::max(clock_.now(), end));
            return done();
        }
    }
    return true;
}

LoopbackIpcp::LoopbackIpcp(LoopbackNetwork& net, std::string_view name, EngineUser& user,
                           EngineConfig config)
    : port_(net.attach(name)), engine_(codec_, port_, user, config) {
    port_.set_receiver([this](Instant now, const PeerAddress& from, std::span<std::byte> b) {
        engine_.on_receive(now, from, b);
    });
    net.add_timer_source([this] { return engine_.next_deadline(); },
                         [this](Instant now) { engine_.on_timer(now); });
}

}  // namespace ogw::ipcp
