// SPDX-License-Identifier: BSD-3-Clause
#include "wait.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <climits>

namespace ogw::flow::detail {

Instant now() { return SystemClock().now(); }

Deadline deadline_after(std::optional<Duration> timeout) {
    if (!timeout) {
        return std::nullopt;
    }
    return now() + *timeout;
}

int to_duration(const timespec* ts, std::optional<Duration>& out) {
    if (ts == nullptr) {
        out = std::nullopt;
        return 0;
    }
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1'000'000'000) {
        return -EINVAL;
    }
    // Beyond about 290 years a timeout is as good as none.
    constexpr std::int64_t max_seconds = 9'000'000'000;
    if (ts->tv_sec > max_seconds) {
        out = std::chrono::seconds(max_seconds);
        return 0;
    }
    out = std::chrono::seconds(ts->tv_sec) + std::chrono::nanoseconds(ts->tv_nsec);
    return 0;
}

timespec to_timespec(Duration d) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(seconds.count());
    ts.tv_nsec = static_cast<long>((d - seconds).count());
    return ts;
}

int poll_timeout_ms(const Deadline& deadline) {
    if (!deadline) {
        return -1;
    }
    const Duration left = *deadline - now();
    if (left <= Duration::zero()) {
        return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

int wait_fd(int fd, short events, const Deadline& deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int timeout = poll_timeout_ms(deadline);
        const int n = ::poll(&p, 1, timeout);
        if (n < 0) {
            return errno == EINTR ? -EINTR : -errno;
        }
        if (n > 0) {
            return (p.revents & POLLNVAL) != 0 ? -EBADF : 0;
        }
        // poll() waits at most INT_MAX ms: a far deadline takes several rounds.
        if (deadline && now() >= *deadline) {
            return -ETIMEDOUT;
        }
    }
}

}  // namespace ogw::flow::detail
