// SPDX-License-Identifier: BSD-3-Clause
// The systemd readiness protocol: a datagram to $NOTIFY_SOCKET. No-op when it is not set.
#pragma once

#include <flowlib/clock.hpp>

#include <optional>
#include <string_view>

#include <sys/types.h>

namespace ogw::gw {

void sd_notify(std::string_view state);

// How often to send WATCHDOG=1 when systemd asks for it (WatchdogSec=): half of
// $WATCHDOG_USEC, if that is a positive number and $WATCHDOG_PID is unset or `self`.
std::optional<Duration> sd_watchdog_interval(const char* usec, const char* pid, pid_t self);

}  // namespace ogw::gw
