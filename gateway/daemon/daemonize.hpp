// SPDX-License-Identifier: BSD-3-Clause
// Going to the background without --foreground: the parent process waits until the daemon is
// ready (or has failed) and exits with the matching status, so `ogwd && ogw status` works.
// In the background, logs go to syslog.
#pragma once

#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <string>

namespace ogw::gw {

class Readiness {
public:
    Readiness() = default;
    explicit Readiness(UniqueFd pipe) : pipe_(std::move(pipe)) {}
    // Tells the waiting parent (if any) that the daemon runs; detaches from the terminal.
    void ready();
    void failed(const std::string& message);

private:
    UniqueFd pipe_;
};

// Forks. Returns in the child only; the parent exits once the child reports.
Result<Readiness> daemonize();

}  // namespace ogw::gw
