// SPDX-License-Identifier: BSD-3-Clause
// A node flow's state timeline stays bounded however often the flow changes state.
#include "node/node_flow.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ogw::gw
