// SPDX-License-Identifier: BSD-3-Clause
// A node flow's state timeline stays bounded however often the flow changes state.
#include "node/node_flow.hpp"

#include <gtest/gtest.h>

#include <iterator>

namespace ogw::gw {
namespace {

using flow::FlowState;

TEST(NodeFlowTimeline, KeepsTheFirstAndTheLatestStatesWithinItsBound) {
    NodeFlow f;
    Instant t{};
    f.note_state(t, FlowState::alloc_pending);
    f.note_state(t += std::chrono::seconds(1), FlowState::allocated);
    f.note_state(t, FlowState::allocated);  // no change: no entry
    ASSERT_EQ(f.timeline.size(), 2U);
    for (int i = 0; i < 1000; ++i) {  // a link that keeps flapping
        f.note_state(t += std::chrono::seconds(1), FlowState::down);
        f.note_state(t += std::chrono::seconds(1), FlowState::allocated);
    }
    f.note_state(t += std::chrono::seconds(1), FlowState::peer_timed_out);
    ASSERT_EQ(f.timeline.size(), NodeFlow::max_timeline);
    EXPECT_EQ(f.timeline.front().second, FlowState::alloc_pending);
    EXPECT_EQ(f.timeline.front().first, Instant{});
    EXPECT_EQ(f.timeline.back().second, FlowState::peer_timed_out);
    EXPECT_EQ(f.timeline.back().first, t);
    EXPECT_EQ(f.timeline[f.timeline.size() - 2].second, FlowState::allocated);
}

TEST(NodeFlowTimeline, KeepsItsOrderPastTheInlineEntries) {
    NodeFlow f;
    const Instant t{};
    const FlowState states[] = {FlowState::accept_pending, FlowState::allocated,
                                FlowState::down, FlowState::allocated,
                                FlowState::dealloc_pending};
    for (std::size_t i = 0; i < std::size(states); ++i) {
        f.note_state(t + std::chrono::seconds(static_cast<int>(i)), states[i]);
    }
    ASSERT_EQ(f.timeline.size(), std::size(states));
    for (std::size_t i = 0; i < std::size(states); ++i) {
        EXPECT_EQ(f.timeline[i].first, t + std::chrono::seconds(static_cast<int>(i))) << i;
        EXPECT_EQ(f.timeline[i].second, states[i]) << i;
    }
}

}  // namespace
}  // namespace ogw::gw
