// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/sys/event_loop.hpp>

#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <ctime>
#include <string>

namespace ogw {
namespace {

constexpr std::uint64_t pack(int fd, std::uint32_t generation) {
    return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}

constexpr int unpack_fd(std::uint64_t data) {
    return static_cast<int>(static_cast<std::uint32_t>(data & 0xffff'ffffU));
}

constexpr std::uint32_t unpack_generation(std::uint64_t data) {
    return static_cast<std::uint32_t>(data >> 32);
}

std::string fd_where(const char* what, int fd) {
    return std::string(what) + " fd " + std::to_string(fd);
}

int to_epoll_timeout(Duration max_wait) {
    if (max_wait < Duration::zero()) {
        return -1;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(max_wait).count();
    return static_cast<int>(std::min<std::int64_t>(ms, INT_MAX));
}

// An Instant of zero would disarm the timerfd instead of firing it.
itimerspec absolute_timer(Instant deadline) {
    const std::int64_t ns = std::max<std::int64_t>(deadline.time_since_epoch().count(), 1);
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    return spec;
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
    auto clock = std::make_unique<SystemClock>();
    const Clock* raw = clock.get();
    std::unique_ptr<EventLoop> loop(new EventLoop(raw, std::move(clock)));
    if (auto r = loop->open(); !r) {
        return unexpected(r.error());
    }
    return loop;
}

Result<std::unique_ptr<EventLoop>> EventLoop::create(const Clock& clock) {
    std::unique_ptr<EventLoop> loop(new EventLoop(&clock, nullptr));
    if (auto r = loop->open(); !r) {
        return unexpected(r.error());
    }
    return loop;
}

EventLoop::EventLoop(const Clock* clock, std::unique_ptr<Clock> owned_clock)
    : owned_clock_(std::move(owned_clock)), clock_(clock) {}

EventLoop::~EventLoop() = default;

Result<void> EventLoop::open() {
    epoll_fd_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_fd_) {
        return unexpected(Error::last("epoll_create1"));
    }
    timer_fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!timer_fd_) {
        return unexpected(Error::last("timerfd_create"));
    }
    wake_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!wake_fd_) {
        return unexpected(Error::last("eventfd"));
    }
    if (auto r = add(timer_fd_.get(), EPOLLIN, [this](std::uint32_t) { on_timerfd(); }); !r) {
        return r;
    }
    return add(wake_fd_.get(), EPOLLIN, [this](std::uint32_t) { on_wakeup(); });
}

Result<void> EventLoop::add(int fd, std::uint32_t events, Handler handler) {
    if (fd < 0) {
        return unexpected(Error::from_errno(EBADF, fd_where("epoll add", fd)));
    }
    const std::uint32_t generation = next_generation_++;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = pack(fd, generation);
    if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        return unexpected(Error::last(fd_where("epoll add", fd)));
    }
    // An entry left here belonged to an fd closed without remove(); epoll dropped it already.
    registrations_[fd] = Registration{generation, std::make_shared<Handler>(std::move(handler))};
    return {};
}

Result<void> EventLoop::modify(int fd, std::uint32_t events) {
    const auto it = registrations_.find(fd);
    if (it == registrations_.end()) {
        return unexpected(Error::from_errno(ENOENT, fd_where("epoll modify", fd)));
    }
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = pack(fd, it->second.generation);
    if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_MOD, fd, &ev) != 0) {
        return unexpected(Error::last(fd_where("epoll modify", fd)));
    }
    return {};
}

Result<void> EventLoop::remove(int fd) {
    const auto it = registrations_.find(fd);
    if (it == registrations_.end()) {
        return unexpected(Error::from_errno(ENOENT, fd_where("epoll remove", fd)));
    }
    // The handler may be running: dispatch() holds its own reference to it.
    registrations_.erase(it);
    if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr) != 0 && errno != EBADF &&
        errno != ENOENT) {
        return unexpected(Error::last(fd_where("epoll remove", fd)));
    }
    return {};
}

TimerId EventLoop::add_timer(Instant deadline, Callback callback) {
    const std::uint64_t id = next_timer_id_++;
    timers_.emplace(id, Timer{deadline, std::move(callback), true});
    timer_queue_.emplace(deadline, id);
    return TimerId{id};
}

bool EventLoop::cancel_timer(TimerId id) {
    const auto it = timers_.find(static_cast<std::uint64_t>(id));
    if (it == timers_.end()) {
        return false;
    }
    if (it->second.queued) {
        timer_queue_.erase(TimerKey{it->second.deadline, it->first});
    }
    timers_.erase(it);
    return true;
}

bool EventLoop::reschedule(TimerId id, Instant deadline) {
    const auto it = timers_.find(static_cast<std::uint64_t>(id));
    if (it == timers_.end()) {
        return false;
    }
    Timer& timer = it->second;
    // Reusing the queue node: rescheduling (e.g. an idle timeout on every packet) allocates
    // nothing.
    auto node = timer.queued ? timer_queue_.extract(TimerKey{timer.deadline, it->first})
                             : decltype(timer_queue_)::node_type{};
    if (node) {
        node.value().first = deadline;
        timer_queue_.insert(std::move(node));
    } else {
        timer_queue_.emplace(deadline, it->first);
    }
    timer.queued = true;
    timer.deadline = deadline;
    return true;
}

Result<void> EventLoop::on_signal(int signo, Callback callback) {
    if (signo <= 0 || signo >= NSIG || signo == SIGKILL || signo == SIGSTOP) {
        return unexpected(Error::from_errno(EINVAL, "signalfd signal " + std::to_string(signo)));
    }
    sigset_t set;
    ::sigemptyset(&set);
    ::sigaddset(&set, signo);
    if (const int err = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0) {
        return unexpected(Error::from_errno(err, "block signal " + std::to_string(signo)));
    }
    for (const auto& entry : signal_callbacks_) {
        ::sigaddset(&set, entry.first);
    }
    const int fd = ::signalfd(signal_fd_.get(), &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        return unexpected(Error::last("signalfd signal " + std::to_string(signo)));
    }
    if (!signal_fd_) {
        signal_fd_.reset(fd);
        if (auto r = add(fd, EPOLLIN, [this](std::uint32_t) { on_signalfd(); }); !r) {
            signal_fd_.reset();
            return r;
        }
    }
    signal_callbacks_[signo] = std::move(callback);
    return {};
}

Result<void> EventLoop::post(Callback callback) {
    bool was_empty = false;
    {
        const std::lock_guard lock(posted_mutex_);
        was_empty = posted_.empty();
        posted_.push_back(std::move(callback));
    }
    if (!was_empty) {
        return {};  // the write for the first queued callback has not been consumed yet
    }
    const std::uint64_t one = 1;
    if (::write(wake_fd_.get(), &one, sizeof one) < 0 && errno != EAGAIN) {
        return unexpected(Error::last("eventfd write"));
    }
    return {};
}

Result<void> EventLoop::run() {
    while (!stop_requested_.load(std::memory_order_relaxed)) {
        if (auto r = run_once(Duration(-1)); !r) {
            return r;
        }
    }
    stop_requested_.store(false, std::memory_order_relaxed);
    return {};
}

Result<void> EventLoop::run_once(Duration max_wait) {
    for (std::size_t i = 0; i < before_wait_.size(); ++i) {
        before_wait_[i]();  // by index: a hook may add hooks
    }
    if (stop_requested_.load(std::memory_order_relaxed)) {
        return {};
    }
    if (auto r = arm_timerfd(); !r) {
        return r;
    }
    int timeout = to_epoll_timeout(max_wait);
    if (!timer_queue_.empty() && timer_queue_.begin()->first <= now()) {
        timeout = 0;
    }
    const int n = ::epoll_wait(epoll_fd_.get(), events_.data(), static_cast<int>(events_.size()),
                               timeout);
    if (n < 0 && errno != EINTR) {
        return unexpected(Error::last("epoll_wait"));
    }
    if (n > 0) {
        wake_time_ = now();
        in_dispatch_ = true;
        for (int i = 0; i < n; ++i) {
            dispatch(events_[static_cast<std::size_t>(i)]);
        }
        in_dispatch_ = false;
    }
    fire_due_timers();
    return {};
}

void EventLoop::dispatch(const epoll_event& event) {
    const int fd = unpack_fd(event.data.u64);
    const auto it = registrations_.find(fd);
    if (it == registrations_.end() || it->second.generation != unpack_generation(event.data.u64)) {
        return;  // removed (and maybe added again) by an earlier handler of this batch
    }
    const std::shared_ptr<Handler> handler = it->second.handler;
    (*handler)(event.events);
}

Result<void> EventLoop::arm_timerfd() {
    if (timer_queue_.empty()) {
        if (armed_deadline_) {
            const itimerspec disarm{};
            if (::timerfd_settime(timer_fd_.get(), 0, &disarm, nullptr) != 0) {
                return unexpected(Error::last("timerfd_settime"));
            }
            armed_deadline_.reset();
        }
        return {};
    }
    const Instant earliest = timer_queue_.begin()->first;
    if (armed_deadline_ == earliest) {
        return {};
    }
    const itimerspec spec = absolute_timer(earliest);
    if (::timerfd_settime(timer_fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
        return unexpected(Error::last("timerfd_settime"));
    }
    armed_deadline_ = earliest;
    return {};
}

void EventLoop::on_timerfd() {
    std::uint64_t expirations = 0;
    if (::read(timer_fd_.get(), &expirations, sizeof expirations) > 0) {
        armed_deadline_.reset();  // expired: the next arm_timerfd() must set it again
    }
}

void EventLoop::on_signalfd() {
    signalfd_siginfo info{};
    while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        const auto it = signal_callbacks_.find(static_cast<int>(info.ssi_signo));
        if (it == signal_callbacks_.end()) {
            continue;
        }
        const Callback callback = it->second;  // the callback may replace itself
        callback();
    }
}

void EventLoop::on_wakeup() {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(wake_fd_.get(), &count, sizeof count);
    {
        const std::lock_guard lock(posted_mutex_);
        running_posted_.swap(posted_);
    }
    for (Callback& callback : running_posted_) {
        callback();
    }
    running_posted_.clear();
}

void EventLoop::fire_due_timers() {
    if (timer_queue_.empty()) {
        return;
    }
    const Instant now_at_start = now();
    due_.clear();
    while (!timer_queue_.empty() && timer_queue_.begin()->first <= now_at_start) {
        const std::uint64_t id = timer_queue_.begin()->second;
        timer_queue_.erase(timer_queue_.begin());
        timers_.find(id)->second.queued = false;
        due_.push_back(id);
    }
    // Callbacks may cancel or reschedule timers in due_, so each is looked up again.
    for (const std::uint64_t id : due_) {
        auto it = timers_.find(id);
        if (it == timers_.end() || it->second.queued) {
            continue;
        }
        Callback callback = std::move(it->second.callback);
        callback();
        it = timers_.find(id);
        if (it == timers_.end()) {
            continue;  // cancelled by its own callback
        }
        if (it->second.queued) {
            it->second.callback = std::move(callback);  // rescheduled by its own callback
        } else {
            timers_.erase(it);
        }
    }
}

}  // namespace ogw
