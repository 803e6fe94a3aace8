// SPDX-License-Identifier: BSD-3-Clause
// An application's view of one flow. The daemon delivers, in order, the flow's SDUs and its
// state changes; this class decides what flow_read/flow_write return, so that queued data is
// always read before a failure is reported, and a blocked reader returns at every state change
// that makes the flow unusable.
#pragma once

#include <flowlib/flow_state.hpp>

namespace ogw::flow {

class FlowEnd {
public:
    explicit FlowEnd(FlowState initial = FlowState::allocated) : state_(initial) {}

    // A state change was taken from the flow's queue. Returns the fqueue event it raises.
    int on_state(FlowState s) {
        const int event = transition_event(state_, s);
        state_ = s;
        return event;
    }

    // The queue holds nothing more. Returns the error a read must report now, or 0 when the
    // reader may wait for more (non-blocking readers then get -EAGAIN).
    int on_queue_empty() const { return read_error(state_); }

    // Whether waiting for the next queued item can ever end in data: a peer that is gone sends
    // nothing more, so a reader must not block on it.
    bool may_wait() const { return read_error(state_) == 0; }

    int write_verdict() const { return write_error(state_); }

    FlowState state() const { return state_; }

private:
    FlowState state_;
};

}  // namespace ogw::flow
