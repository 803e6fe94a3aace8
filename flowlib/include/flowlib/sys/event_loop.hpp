// SPDX-License-Identifier: BSD-3-Clause
// EventLoop: a single-threaded, level-triggered epoll reactor with timers (one timerfd),
// signals (one signalfd) and cross-thread wakeups (one eventfd).
//
// Only post() may be called from another thread; everything else, including stop(), belongs to
// the loop thread (from elsewhere: loop.post([&loop] { loop.stop(); })).
//
// Handlers run on the loop thread and must not block. Level-triggered means an fd that is still
// readable is reported again on the next wakeup, so a handler should drain at most a budget of
// packets per call (e.g. 64) and return, letting the other fds and timers run.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ogw {

enum class TimerId : std::uint64_t { none = 0 };

class EventLoop {
public:
    using Handler = std::function<void(std::uint32_t events)>;
    using Callback = std::function<void()>;

    // The loop reads time from its own SystemClock.
    static Result<std::unique_ptr<EventLoop>> create();
    // The loop reads time from clock, which must outlive it. The timerfd is armed in
    // CLOCK_MONOTONIC terms, so with a FakeClock timers fire only when a run_once() call finds
    // their deadline passed on that clock.
    static Result<std::unique_ptr<EventLoop>> create(const Clock& clock);

    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();

    // events are EPOLLIN, EPOLLOUT, ...; the handler receives what epoll reported. add(),
    // modify() and remove() may be called from any handler, including the fd's own: an event
    // already fetched for an fd that has since been removed (or removed and added again) is not
    // dispatched. Remove an fd before closing it.
    Result<void> add(int fd, std::uint32_t events, Handler handler);
    Result<void> modify(int fd, std::uint32_t events);
    Result<void> remove(int fd);

    // A timer fires once, on the first loop iteration that finds now() >= deadline; timers with
    // equal deadlines fire in the order they were added. Callbacks may add, cancel and
    // reschedule timers; a timer rescheduled from its own callback fires again. A timer added
    // from a callback with a deadline already passed fires on the next iteration.
    TimerId add_timer(Instant deadline, Callback callback);
    // False if the timer has already fired or was cancelled.
    bool cancel_timer(TimerId id);
    bool reschedule(TimerId id, Instant deadline);
    std::size_t timer_count() const { return timers_.size(); }

    // Blocks signo in the calling thread's mask and delivers it through a signalfd. Signals are
    // process-wide: main should block the signals it handles before it starts any thread, so
    // every thread inherits the mask and none of them takes the signal the default way. The
    // signal stays blocked when the loop is destroyed. Calling again for the same signal
    // replaces the callback.
    Result<void> on_signal(int signo, Callback callback);

    // Thread-safe: queues callback to run on the loop thread and wakes the loop. The loop must
    // outlive every caller.
    Result<void> post(Callback callback);

    // Runs hook before every wait for events: the place to flush batched output and to
    // re-arm timers from the deadlines of sans-I/O state machines that handlers fed.
    void add_before_wait(Callback hook) { before_wait_.push_back(std::move(hook)); }

    // Runs until stop(). A stop() issued before run() makes the next run() return at once.
    Result<void> run();
    // Waits at most max_wait (negative: forever) for events, then dispatches them and the
    // timers that are due.
    Result<void> run_once(Duration max_wait);
    void stop() { stop_requested_.store(true, std::memory_order_relaxed); }

    Instant now() const { return clock_->now(); }
    // Inside the handlers of one wakeup: the time that wakeup began (one clock read for a
    // whole batch of packets); now() anywhere else. For per-packet timestamps on the data path.
    Instant wake_time() const { return in_dispatch_ ? wake_time_ : now(); }

private:
    struct Registration {
        std::uint32_t generation = 0;
        std::shared_ptr<Handler> handler;
    };
    struct Timer {
        Instant deadline;
        Callback callback;
        bool queued = true;  // false once taken for firing
    };
    using TimerKey = std::pair<Instant, std::uint64_t>;

    EventLoop(const Clock* clock, std::unique_ptr<Clock> owned_clock);
    Result<void> open();
    void dispatch(const epoll_event& event);
    Result<void> arm_timerfd();
    void on_timerfd();
    void on_signalfd();
    void on_wakeup();
    void fire_due_timers();

    std::unique_ptr<Clock> owned_clock_;
    const Clock* clock_;
    UniqueFd epoll_fd_;
    UniqueFd timer_fd_;
    UniqueFd signal_fd_;
    UniqueFd wake_fd_;

    std::unordered_map<int, Registration> registrations_;
    std::uint32_t next_generation_ = 1;
    std::array<epoll_event, 64> events_{};
    Instant wake_time_{};
    bool in_dispatch_ = false;

    std::unordered_map<std::uint64_t, Timer> timers_;
    std::set<TimerKey> timer_queue_;
    std::vector<std::uint64_t> due_;
    std::uint64_t next_timer_id_ = 1;
    std::optional<Instant> armed_deadline_;

    std::map<int, Callback> signal_callbacks_;
    std::vector<Callback> before_wait_;

    std::mutex posted_mutex_;
    std::vector<Callback> posted_;
    std::vector<Callback> running_posted_;

    std::atomic<bool> stop_requested_{false};
};

}  // namespace ogw
