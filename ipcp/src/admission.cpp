// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/admission.hpp>

#include <algorithm>
#include <chrono>

namespace ogw::ipcp {

namespace {

constexpr Duration window = std::chrono::seconds(1);

}  // namespace

Admit Admission::admit_request(const PeerAddress& from) const {
    const auto it = sources_.find(from);
    if (it != sources_.end() && it->second.half_open >= cfg_.half_open_per_source) {
        return Admit::too_many_half_open;
    }
    return Admit::yes;
}

Admit Admission::admit_handshake(Instant now, const PeerAddress& from) {
    count_handshake(now);
    auto it = sources_.find(from);
    if (it == sources_.end()) {
        if (sources_.size() >= cfg_.max_sources) {
            prune(now);
        }
        sources_full_ = sources_.size() >= cfg_.max_sources;
        if (sources_full_) {
            return Admit::rate_limited;  // and under_load() holds: cookies first
        }
        const double burst = 2.0 * cfg_.handshakes_per_source;
        it = sources_.emplace(from, Source{0, burst, now}).first;
    }
    Source& s = it->second;
    const double rate = cfg_.handshakes_per_source;
    const double seconds = std::chrono::duration<double>(now - s.refilled).count();
    s.tokens = std::min(2.0 * rate, s.tokens + std::max(0.0, seconds) * rate);
    s.refilled = now;
    if (s.tokens < 1.0) {
        return Admit::rate_limited;
    }
    s.tokens -= 1.0;
    return Admit::yes;
}

bool Admission::under_load(Instant now) const {
    const bool current_window = now - window_start_ < window;
    const std::uint32_t recent = current_window ? std::max(window_count_, previous_count_)
                                 : now - window_start_ < 2 * window ? window_count_
                                                                     : 0;
    return recent > cfg_.load_handshakes || half_open_ > cfg_.load_half_open || sources_full_;
}

void Admission::half_open_added(const PeerAddress& from) {
    ++sources_[from].half_open;
    ++half_open_;
}

void Admission::half_open_removed(const PeerAddress& from) {
    const auto it = sources_.find(from);
    if (it == sources_.end() || it->second.half_open == 0) {
        return;
    }
    --it->second.half_open;
    --half_open_;
}

void Admission::count_handshake(Instant now) {
    if (now - window_start_ >= window) {
        previous_count_ = now - window_start_ < 2 * window ? window_count_ : 0;
        window_start_ = now;
        window_count_ = 0;
    }
    ++window_count_;
}

void Admission::prune(Instant now) {
    // A source with nothing half-open whose bucket has refilled carries no state worth keeping.
    const double full = 2.0 * cfg_.handshakes_per_source;
    std::erase_if(sources_, [&](const auto& entry) {
        const Source& s = entry.second;
        const double seconds = std::chrono::duration<double>(now - s.refilled).count();
        return s.half_open == 0 &&
               s.tokens + seconds * cfg_.handshakes_per_source >= full;
    });
}

}  // namespace ogw::ipcp
