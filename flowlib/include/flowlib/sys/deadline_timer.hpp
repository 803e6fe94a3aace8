// SPDX-License-Identifier: BSD-3-Clause
// DeadlineTimer: one loop timer that follows a deadline which moves (the next deadline of a
// sans-I/O engine). Moving it reschedules the same loop timer: no new timer per change.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/sys/event_loop.hpp>

#include <functional>
#include <optional>
#include <utility>

namespace ogw {

class DeadlineTimer {
public:
    explicit DeadlineTimer(std::function<void()> on_due) : on_due_(std::move(on_due)) {}
    DeadlineTimer(const DeadlineTimer&) = delete;
    DeadlineTimer& operator=(const DeadlineTimer&) = delete;

    // Fires on_due at `at`; nullopt cancels. Arming again at the same time does nothing.
    void arm(EventLoop& loop, std::optional<Instant> at) {
        if (!at) {
            cancel(loop);
            return;
        }
        if (armed_ == at) {
            return;
        }
        if (id_ == TimerId::none || !loop.reschedule(id_, *at)) {
            id_ = loop.add_timer(*at, [this] {
                armed_.reset();
                on_due_();
            });
        }
        armed_ = at;
    }

    void cancel(EventLoop& loop) {
        if (id_ != TimerId::none) {
            loop.cancel_timer(id_);
            id_ = TimerId::none;
        }
        armed_.reset();
    }

private:
    std::function<void()> on_due_;
    TimerId id_ = TimerId::none;
    std::optional<Instant> armed_;
};

}  // namespace ogw
