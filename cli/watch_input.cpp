// SPDX-License-Identifier: BSD-3-Clause
#include "watch_input.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ogw::cli {

WatchInput::WatchInput(int keys_fd) : keys_fd_(keys_fd) {
    sigset_t mask;
    sigemptyset(&mask);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGWINCH}) {
        sigaddset(&mask, sig);
    }
    if (::sigprocmask(SIG_BLOCK, &mask, &saved_mask_) != 0) {
        error_ = std::string("sigprocmask: ") + std::strerror(errno);
        return;
    }
    mask_changed_ = true;
    signals_ = UniqueFd(::signalfd(-1, &mask, SFD_CLOEXEC));
    if (!signals_) {
        error_ = std::string("signalfd: ") + std::strerror(errno);
        return;
    }
    if (keys_fd_ >= 0) {
        keys_mode_.emplace(keys_fd_);
    }
}

WatchInput::~WatchInput() {
    keys_mode_.reset();
    if (mask_changed_) {
        ::sigprocmask(SIG_SETMASK, &saved_mask_, nullptr);
    }
}

WatchInput::Event WatchInput::wait(int timeout_ms) {
    pollfd fds[2] = {{signals_.get(), POLLIN, 0}, {keys_fd_, POLLIN, 0}};
    const nfds_t count = keys_fd_ >= 0 ? 2 : 1;
    const int ready = ::poll(fds, count, timeout_ms < 0 ? 0 : timeout_ms);
    if (ready <= 0) {
        return Event::interval;
    }
    if ((fds[0].revents & POLLIN) != 0) {
        signalfd_siginfo info{};
        if (::read(signals_.get(), &info, sizeof info) == sizeof info &&
            info.ssi_signo == SIGWINCH) {
            return Event::refresh;
        }
        return Event::quit;
    }
    if (count == 2 && fds[1].revents != 0) {
        return on_key();
    }
    return Event::interval;
}

WatchInput::Event WatchInput::on_key() {
    char key = 0;
    const ssize_t n = ::read(keys_fd_, &key, 1);
    if (n <= 0) {
        keys_fd_ = -1;  // end of input: stop reading keys, keep watching
        return Event::refresh;
    }
    return key == 'q' || key == 'Q' ? Event::quit : Event::refresh;
}

}  // namespace ogw::cli
