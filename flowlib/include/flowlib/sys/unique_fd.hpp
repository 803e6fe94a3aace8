// SPDX-License-Identifier: BSD-3-Clause
// UniqueFd: sole owner of a file descriptor; closes it on destruction.
#pragma once

namespace ogw {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        reset(other.release());
        return *this;
    }
    ~UniqueFd() { reset(); }

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    explicit operator bool() const noexcept { return valid(); }

    // Gives up ownership without closing; the object is left at -1.
    [[nodiscard]] int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

    // Closes the owned fd (once: close() is not retried on EINTR, the fd is gone either way)
    // and takes ownership of fd. Resetting to the fd already owned keeps it open.
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

}  // namespace ogw
