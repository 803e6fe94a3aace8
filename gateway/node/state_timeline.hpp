// SPDX-License-Identifier: BSD-3-Clause
// The states a flow went through, for `ogw flow show`: the first and the latest ones, at most
// max_entries (a link that keeps flapping must not grow it without end). The first entries
// are kept inline: most flows never go past them, and then cost no allocation.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/flow_state.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace ogw::gw {

class StateTimeline {
public:
    using Entry = std::pair<Instant, flow::FlowState>;
    static constexpr std::size_t max_entries = 16;

    // Appends `state` unless it is the latest already; past max_entries the oldest entry after
    // the first goes.
    void note(Instant at, flow::FlowState state);

    std::size_t size() const { return inline_size_ + (more_ ? more_->size() : 0); }
    bool empty() const { return inline_size_ == 0; }
    Entry operator[](std::size_t i) const;
    Entry front() const { return (*this)[0]; }
    Entry back() const { return (*this)[size() - 1]; }

private:
    static constexpr std::size_t inline_entries = 2;
    static_assert(max_entries > inline_entries);  // note() drops the second from the heap ones

    std::array<Instant, inline_entries> at_{};
    std::array<flow::FlowState, inline_entries> states_{};
    std::uint8_t inline_size_ = 0;
    std::unique_ptr<std::vector<Entry>> more_;  // after the inline entries, once they are full
};

}  // namespace ogw::gw
