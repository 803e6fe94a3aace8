// SPDX-License-Identifier: BSD-3-Clause
// What `ogw watch` waits for between frames: the interval, a key, or a signal. SIGINT,
// SIGTERM and SIGHUP stop the watch cleanly (the terminal is restored), SIGWINCH redraws.
#pragma once

#include "terminal.hpp"

#include <flowlib/sys/unique_fd.hpp>

#include <signal.h>

#include <optional>
#include <string>

namespace ogw::cli {

class WatchInput {
public:
    enum class Event { interval, quit, refresh };

    // Blocks the signals above and receives them on a signalfd; with keys_fd >= 0 (a
    // terminal) also reads keys from it: q quits, any other key refreshes.
    explicit WatchInput(int keys_fd);
    ~WatchInput();
    WatchInput(const WatchInput&) = delete;
    WatchInput& operator=(const WatchInput&) = delete;

    // Empty when set up; otherwise why not.
    const std::string& error() const { return error_; }

    // Waits at most timeout_ms for something to happen.
    Event wait(int timeout_ms);

private:
    Event on_key();

    sigset_t saved_mask_{};
    bool mask_changed_ = false;
    UniqueFd signals_;
    int keys_fd_;
    std::optional<KeysAtOnce> keys_mode_;
    std::string error_;
};

}  // namespace ogw::cli
