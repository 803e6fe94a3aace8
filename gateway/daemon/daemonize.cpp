// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/daemonize.hpp"

#include <flowlib/log.hpp>

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ogw::gw {
namespace {

void log_to_syslog() {
    ::openlog("ogwd", LOG_PID, LOG_DAEMON);
    log::set_sink([](log::Level level, std::string_view component, std::string_view message) {
        ::syslog(static_cast<int>(level), "%.*s: %.*s", static_cast<int>(component.size()),
                 component.data(), static_cast<int>(message.size()), message.data());
    });
}

void redirect_to_null(int fd) {
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, fd);
        ::close(null);
    }
}

}  // namespace

void Readiness::ready() {
    if (!pipe_) {
        return;
    }
    (void)::write(pipe_.get(), "OK", 2);
    pipe_.reset();
    redirect_to_null(STDOUT_FILENO);
    redirect_to_null(STDERR_FILENO);
}

void Readiness::failed(const std::string& message) {
    if (pipe_) {
        (void)::write(pipe_.get(), message.data(), message.size());
        pipe_.reset();
    }
}

Result<Readiness> daemonize() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return unexpected(Error::last("pipe"));
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    const pid_t pid = ::fork();
    if (pid < 0) {
        return unexpected(Error::last("fork"));
    }
    if (pid > 0) {
        write_end.reset();
        std::string report;
        char buf[512];
        ssize_t n;
        while ((n = ::read(read_end.get(), buf, sizeof buf)) > 0) {
            report.append(buf, static_cast<std::size_t>(n));
        }
        if (report == "OK") {
            std::_Exit(0);
        }
        std::fprintf(stderr, "ogwd: %s\n",
                     report.empty() ? "the daemon exited during startup" : report.c_str());
        std::_Exit(1);
    }
    read_end.reset();
    ::setsid();
    if (::chdir("/") != 0) {
        // stays in the current directory; nothing depends on it
    }
    redirect_to_null(STDIN_FILENO);
    log_to_syslog();
    return Readiness(std::move(write_end));
}

}  // namespace ogw::gw
