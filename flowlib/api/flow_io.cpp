// SPDX-License-Identifier: BSD-3-Clause
// flow_read and flow_write over the flow socket (docs/control-protocol.md, "The flow socket").
#include "internal.hpp"
#include "wait.hpp"

#include <ogw/dev.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace ogw::flow::detail {
namespace {

enum MessageKind : std::uint8_t { kind_data = 0, kind_state = 1 };

constexpr std::uint8_t max_state = static_cast<std::uint8_t>(FlowState::closed);

// Part of an SDU left over from a partial read. Called with the entry locked.
ssize_t read_leftover(FlowEntry& e, std::byte* buf, std::size_t count) {
    const std::size_t n = std::min(count, e.part_len);
    if (n > 0) {
        std::memcpy(buf, e.overflow.data() + e.part_off, n);
    }
    e.part_off += n;
    e.part_len -= n;
    e.part_done = e.part_len == 0 && n == count && count > 0;
    return static_cast<ssize_t>(n);
}

ssize_t read_flow(FlowEntry& e, std::byte* buf, std::size_t count) {
    std::unique_lock lock(e.mutex);
    if (e.closed) {
        return -ENOTALLOC;
    }
    if (e.part_done) {
        e.part_done = false;
        return 0;
    }
    if (e.part_len > 0) {
        return read_leftover(e, buf, count);
    }
    const Deadline deadline = deadline_after(e.rcv_timeo);
    std::uint8_t kind = 0;
    for (;;) {
        std::array<iovec, 3> iov{{
            {&kind, 1},
            {buf, count},
            {e.overflow.data(), e.overflow.size()},
        }};
        msghdr msg{};
        msg.msg_iov = iov.data();
        msg.msg_iovlen = iov.size();
        const ssize_t n = ::recvmsg(e.fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            // ECONNRESET is reported once, ahead of queued messages, when ogwd closed its end
            // without reading everything: the queue and end of file follow.
            if (errno == EINTR || errno == ECONNRESET) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                return errno == EBADF || errno == ENOTSOCK ? -EBADF : -EIRMD;
            }
            if (const int err = e.end.on_queue_empty(); err != 0) {
                return err;
            }
            if ((e.flags & FLOWFRNOBLOCK) != 0) {
                return -EAGAIN;
            }
            lock.unlock();
            const int waited = wait_fd(e.fd, POLLIN, deadline);
            lock.lock();
            if (e.closed) {
                return -ENOTALLOC;
            }
            if (waited != 0) {
                return waited;
            }
            continue;
        }
        if (n == 0) {
            // End of file: ogwd is gone. A flow already known dead says so instead.
            const int err = e.end.on_queue_empty();
            return err != 0 ? err : -EIRMD;
        }
        const auto size = static_cast<std::size_t>(n) - 1;
        if (kind == kind_data) {
            if ((msg.msg_flags & MSG_TRUNC) != 0) {
                return -EMSGSIZE;
            }
            if (size <= count) {
                return static_cast<ssize_t>(size);
            }
            if ((e.flags & FLOWFRNOPART) != 0) {
                return -EMSGSIZE;
            }
            e.part_off = 0;
            e.part_len = size - count;
            return static_cast<ssize_t>(count);
        }
        if (kind == kind_state && size >= 1) {
            std::uint8_t state = 0;
            std::memcpy(&state, count > 0 ? buf : e.overflow.data(), 1);
            if (state <= max_state) {
                if (const int event = e.end.on_state(static_cast<FlowState>(state)); event != 0) {
                    e.unreported_events.push_back(event);
                }
            }
        }
        // Unknown kinds are skipped: a newer ogwd may send more.
    }
}

// Whether ogwd has closed its end entirely (rather than only stopped reading it).
bool daemon_hung_up(int fd) {
    pollfd p{fd, 0, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLHUP) != 0;
}

ssize_t write_flow(FlowEntry& e, const void* buf, std::size_t count) {
    std::unique_lock lock(e.mutex);
    const Deadline deadline = deadline_after(e.snd_timeo);
    for (;;) {
        if (e.closed) {
            return -ENOTALLOC;
        }
        if (const int err = e.end.write_verdict(); err != 0) {
            return err;
        }
        if (count > e.max_sdu) {
            return -EMSGSIZE;
        }
        const ssize_t n = ::send(e.fd, buf, count, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) {
            return static_cast<ssize_t>(count);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EPIPE) {
            // ogwd stops reading a flow whose peer is gone; a full hang-up means ogwd is gone.
            return daemon_hung_up(e.fd) ? -EIRMD : -EFLOWPEER;
        }
        if (errno == EMSGSIZE) {
            return -EMSGSIZE;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return errno == EBADF || errno == ENOTSOCK ? -EBADF : -EIRMD;
        }
        if ((e.flags & FLOWFWNOBLOCK) != 0) {
            return -EAGAIN;
        }
        lock.unlock();
        const int waited = wait_fd(e.fd, POLLOUT, deadline);
        lock.lock();
        if (waited != 0 && !e.closed) {
            return waited;
        }
    }
}

}  // namespace
}  // namespace ogw::flow::detail

using ogw::flow::detail::EntryPtr;
using ogw::flow::detail::find_flow;

extern "C" {

ssize_t flow_read(int fd, void* buf, size_t count) {
    if (fd < 0) {
        return -EBADF;
    }
    if (buf == nullptr && count > 0) {
        return -EINVAL;
    }
    const EntryPtr entry = find_flow(fd);
    if (!entry) {
        return -ENOTALLOC;
    }
    return ogw::flow::detail::read_flow(*entry, static_cast<std::byte*>(buf), count);
}

ssize_t flow_write(int fd, const void* buf, size_t count) {
    if (fd < 0) {
        return -EBADF;
    }
    if (buf == nullptr && count > 0) {
        return -EINVAL;
    }
    const EntryPtr entry = find_flow(fd);
    if (!entry) {
        return -ENOTALLOC;
    }
    return ogw::flow::detail::write_flow(*entry, buf, count);
}

}  // extern "C"
