// SPDX-License-Identifier: BSD-3-Clause
#include "node/state_timeline.hpp"

namespace ogw::gw {

void StateTimeline::note(Instant at, flow::FlowState state) {
    if (!empty() && back().second == state) {
        return;
    }
    if (size() >= max_entries) {
        // The second entry goes: the first heap entry takes its place.
        at_[1] = more_->front().first;
        states_[1] = more_->front().second;
        more_->erase(more_->begin());
    }
    if (inline_size_ < inline_entries) {
        at_[inline_size_] = at;
        states_[inline_size_] = state;
        ++inline_size_;
        return;
    }
    if (!more_) {
        more_ = std::make_unique<std::vector<Entry>>();
    }
    more_->emplace_back(at, state);
}

StateTimeline::Entry StateTimeline::operator[](std::size_t i) const {
    if (i < inline_size_) {
        return {at_[i], states_[i]};
    }
    return (*more_)[i - inline_size_];
}

}  // namespace ogw::gw
