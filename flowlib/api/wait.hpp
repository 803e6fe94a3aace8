// SPDX-License-Identifier: BSD-3-Clause
// Deadlines and waiting on one fd, for the blocking calls of the flow API.
#pragma once

#include <flowlib/clock.hpp>

#include <ctime>
#include <optional>

namespace ogw::flow::detail {

// nullopt: no deadline.
using Deadline = std::optional<Instant>;

Instant now();

Deadline deadline_after(std::optional<Duration> timeout);

// A relative timeout from a timespec: nullopt for NULL; -EINVAL for a negative or malformed one.
int to_duration(const timespec* ts, std::optional<Duration>& out);

timespec to_timespec(Duration d);

// poll()'s timeout argument for the time left until deadline: -1 without one, rounded up.
int poll_timeout_ms(const Deadline& deadline);

// Waits until fd reports one of events (or POLLHUP/POLLERR). 0, -ETIMEDOUT, -EINTR (a signal
// handler ran), -EBADF (fd was closed).
int wait_fd(int fd, short events, const Deadline& deadline);

}  // namespace ogw::flow::detail
