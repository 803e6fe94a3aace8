// SPDX-License-Identifier: BSD-3-Clause
#include "internal.hpp"
#include "wait.hpp"

#include <ogw/fccntl.h>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdarg>

namespace ogw::flow::detail {
namespace {

constexpr std::uint32_t known_flags = FLOWFACCMODE | FLOWFDOWN | FLOWFRNOBLOCK | FLOWFWNOBLOCK |
                                      FLOWFRNOPART | FLOWFWNOPART;

int set_timeout(std::optional<Duration>& field, const timespec* ts) {
    std::optional<Duration> timeout;
    if (const int rc = to_duration(ts, timeout); rc != 0) {
        return rc;
    }
    field = timeout;
    return 0;
}

int get_timeout(const std::optional<Duration>& field, timespec* ts) {
    if (ts == nullptr) {
        return -EINVAL;
    }
    if (!field) {
        return -EPERM;
    }
    *ts = to_timespec(*field);
    return 0;
}

// Access modes are not kept: a flow is always readable and writable. FLOWFDOWN reflects the
// flow's state; the application cannot set it.
std::uint32_t visible_flags(const FlowEntry& e) {
    std::uint32_t flags = (e.flags & ~static_cast<std::uint32_t>(FLOWFACCMODE | FLOWFDOWN)) |
                          static_cast<std::uint32_t>(FLOWFRDWR);
    if (e.end.state() == FlowState::down) {
        flags |= FLOWFDOWN;
    }
    return flags;
}

int queue_bytes(int fd, unsigned long request, std::size_t* out) {
    if (out == nullptr) {
        return -EINVAL;
    }
    int bytes = 0;
    if (::ioctl(fd, request, &bytes) != 0) {
        return -errno;
    }
    *out = static_cast<std::size_t>(bytes < 0 ? 0 : bytes);
    return 0;
}

int control(FlowEntry& e, int cmd, va_list args) {
    const std::lock_guard lock(e.mutex);
    if (e.closed) {
        return -ENOTALLOC;
    }
    switch (cmd) {
    case FLOWSRCVTIMEO: return set_timeout(e.rcv_timeo, va_arg(args, const timespec*));
    case FLOWGRCVTIMEO: return get_timeout(e.rcv_timeo, va_arg(args, timespec*));
    case FLOWSSNDTIMEO: return set_timeout(e.snd_timeo, va_arg(args, const timespec*));
    case FLOWGSNDTIMEO: return get_timeout(e.snd_timeo, va_arg(args, timespec*));
    case FLOWGQOSSPEC: {
        auto* qs = va_arg(args, qosspec_t*);
        if (qs == nullptr) {
            return -EINVAL;
        }
        *qs = e.qos;
        return 0;
    }
    case FLOWSFLAGS: {
        const std::uint32_t flags = va_arg(args, std::uint32_t);
        if ((flags & ~known_flags) != 0) {
            return -EINVAL;
        }
        e.flags = flags;
        return 0;
    }
    case FLOWGFLAGS: {
        auto* flags = va_arg(args, std::uint32_t*);
        if (flags == nullptr) {
            return -EINVAL;
        }
        *flags = visible_flags(e);
        return 0;
    }
    case FLOWGRXQLEN: {
        auto* out = va_arg(args, std::size_t*);
        const int rc = queue_bytes(e.fd, SIOCINQ, out);
        if (rc == 0) {
            *out += e.part_len;
        }
        return rc;
    }
    case FLOWGTXQLEN: return queue_bytes(e.fd, SIOCOUTQ, va_arg(args, std::size_t*));
    case FLOWGMAXSDU: {
        auto* out = va_arg(args, std::size_t*);
        if (out == nullptr) {
            return -EINVAL;
        }
        *out = e.max_sdu;
        return 0;
    }
    case FRCTSFLAGS:
    case FRCTGFLAGS: return -EPERM;
    default: return -ENOTSUP;
    }
}

}  // namespace
}  // namespace ogw::flow::detail

extern "C" int fccntl(int fd, int cmd, ...) {
    if (fd < 0) {
        return -EBADF;
    }
    const ogw::flow::detail::EntryPtr entry = ogw::flow::detail::find_flow(fd);
    if (!entry) {
        return -ENOTALLOC;
    }
    va_list args;
    va_start(args, cmd);
    const int rc = ogw::flow::detail::control(*entry, cmd, args);
    va_end(args);
    return rc;
}
