// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/sys/unique_fd.hpp>

#include <unistd.h>

namespace ogw {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0 && fd_ != fd) {
        ::close(fd_);
    }
    fd_ = fd;
}

}  // namespace ogw
