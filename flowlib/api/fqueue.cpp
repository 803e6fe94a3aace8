// SPDX-License-Identifier: BSD-3-Clause
// Event sets: an fset is an epoll instance over flow fds. fevent looks at the head of each
// ready flow's queue: data is reported and left for flow_read, state changes are consumed.
#include "internal.hpp"
#include "wait.hpp"

#include <ogw/fqueue.h>

#include <flowlib/sys/unique_fd.hpp>

#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <new>
#include <set>
#include <utility>
#include <vector>

struct flow_set {
    ogw::UniqueFd epoll;
    mutable std::mutex mutex;
    std::set<int> fds;  // members, including flows whose end of file was reported
};

struct fqueue {
    std::vector<std::pair<int, int>> events;  // (fd, event)
    std::size_t next = 0;
    int current = -1;  // index of the event fqueue_next returned last
};

namespace ogw::flow::detail {
namespace {

constexpr std::size_t max_ready = 64;

void push(fqueue_t* fq, int fd, int event) { fq->events.emplace_back(fd, event); }

// Reports what is at the head of a ready flow's queue. Called with the entry locked.
void inspect(fset_t* set, FlowEntry& e, fqueue_t* fq) {
    if (e.part_len > 0 || e.part_done) {
        push(fq, e.fd, FLOW_PKT);
        return;
    }
    for (;;) {
        std::array<std::uint8_t, 2> head{};
        const ssize_t n = ::recv(e.fd, head.data(), head.size(), MSG_PEEK | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == ECONNRESET) {
                continue;
            }
            return;
        }
        if (n == 0) {
            if (!e.eof_reported) {
                e.eof_reported = true;
                push(fq, e.fd, FLOW_DEALLOC);
            }
            // End of file stays readable: stop watching, but keep the flow a member.
            ::epoll_ctl(set->epoll.get(), EPOLL_CTL_DEL, e.fd, nullptr);
            return;
        }
        if (head[0] == 0) {
            push(fq, e.fd, FLOW_PKT);
            return;
        }
        // A state change (or an unknown kind): take it off the queue.
        if (::recv(e.fd, head.data(), head.size(), MSG_DONTWAIT) < 0) {
            return;
        }
        if (head[0] == 1 && n >= 2 && head[1] <= static_cast<std::uint8_t>(FlowState::closed)) {
            if (const int event = e.end.on_state(static_cast<FlowState>(head[1])); event != 0) {
                push(fq, e.fd, event);
            }
        }
    }
}

// Events that reads took off the members' queues since the last fevent.
void report_unreported(fset_t* set, fqueue_t* fq) {
    std::vector<int> members;
    {
        const std::lock_guard lock(set->mutex);
        members.assign(set->fds.begin(), set->fds.end());
    }
    for (const int fd : members) {
        const EntryPtr entry = find_flow(fd);
        if (!entry) {
            continue;
        }
        const std::lock_guard lock(entry->mutex);
        for (const int event : entry->unreported_events) {
            push(fq, fd, event);
        }
        entry->unreported_events.clear();
    }
}

}  // namespace

void leave_set(fset_t* set, int fd) {
    const std::lock_guard lock(set->mutex);
    if (set->fds.erase(fd) > 0) {
        ::epoll_ctl(set->epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
    }
}

}  // namespace ogw::flow::detail

using ogw::flow::detail::EntryPtr;
using ogw::flow::detail::find_flow;

extern "C" {

fset_t* fset_create(void) {
    ogw::UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll) {
        return nullptr;
    }
    auto* set = new (std::nothrow) flow_set;
    if (set != nullptr) {
        set->epoll = std::move(epoll);
    }
    return set;
}

void fset_destroy(fset_t* set) {
    if (set == nullptr) {
        return;
    }
    fset_zero(set);
    delete set;
}

void fset_zero(fset_t* set) {
    if (set == nullptr) {
        return;
    }
    std::set<int> members;
    {
        const std::lock_guard lock(set->mutex);
        members.swap(set->fds);
        for (const int fd : members) {
            ::epoll_ctl(set->epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
        }
    }
    for (const int fd : members) {
        if (const EntryPtr entry = find_flow(fd)) {
            const std::lock_guard lock(entry->mutex);
            if (entry->set == set) {
                entry->set = nullptr;
            }
        }
    }
}

int fset_add(fset_t* set, int fd) {
    if (set == nullptr) {
        return -EINVAL;
    }
    if (fd < 0) {
        return -EBADF;
    }
    const EntryPtr entry = find_flow(fd);
    if (!entry) {
        return -ENOTALLOC;
    }
    const std::lock_guard set_lock(set->mutex);
    const std::lock_guard lock(entry->mutex);
    if (entry->closed) {
        return -ENOTALLOC;
    }
    if (entry->set == set) {
        return 0;
    }
    if (entry->set != nullptr) {
        return -EPERM;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(set->epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        return -errno;
    }
    entry->set = set;
    entry->eof_reported = false;
    set->fds.insert(fd);
    return 0;
}

bool fset_has(const fset_t* set, int fd) {
    if (set == nullptr) {
        return false;
    }
    const std::lock_guard lock(set->mutex);
    return set->fds.count(fd) > 0;
}

void fset_del(fset_t* set, int fd) {
    if (set == nullptr) {
        return;
    }
    ogw::flow::detail::leave_set(set, fd);
    if (const EntryPtr entry = find_flow(fd)) {
        const std::lock_guard lock(entry->mutex);
        if (entry->set == set) {
            entry->set = nullptr;
        }
    }
}

fqueue_t* fqueue_create(void) { return new (std::nothrow) fqueue; }

void fqueue_destroy(fqueue_t* fq) { delete fq; }

int fqueue_next(fqueue_t* fq) {
    if (fq == nullptr) {
        return -EINVAL;
    }
    if (fq->next >= fq->events.size()) {
        return -EPERM;
    }
    fq->current = static_cast<int>(fq->next);
    return fq->events[fq->next++].first;
}

int fqueue_type(fqueue_t* fq) {
    if (fq == nullptr) {
        return -EINVAL;
    }
    if (fq->current < 0) {
        return -EPERM;
    }
    return fq->events[static_cast<std::size_t>(fq->current)].second;
}

int fevent(fset_t* set, fqueue_t* fq, const struct timespec* timeo) {
    if (set == nullptr || fq == nullptr) {
        return -EINVAL;
    }
    // Events not yet taken with fqueue_next are returned first.
    if (fq->next < fq->events.size()) {
        return 1;
    }
    std::optional<ogw::Duration> timeout;
    if (const int rc = ogw::flow::detail::to_duration(timeo, timeout); rc != 0) {
        return rc;
    }
    const ogw::flow::detail::Deadline deadline = ogw::flow::detail::deadline_after(timeout);
    fq->events.clear();
    fq->next = 0;
    fq->current = -1;
    ogw::flow::detail::report_unreported(set, fq);
    if (!fq->events.empty()) {
        return 1;
    }
    std::array<epoll_event, ogw::flow::detail::max_ready> ready{};
    for (;;) {
        const int n = ::epoll_wait(set->epoll.get(), ready.data(), static_cast<int>(ready.size()),
                                   ogw::flow::detail::poll_timeout_ms(deadline));
        if (n < 0) {
            return errno == EINTR ? -EINTR : -errno;
        }
        for (int i = 0; i < n; ++i) {
            const EntryPtr entry = find_flow(ready[static_cast<std::size_t>(i)].data.fd);
            if (!entry) {
                continue;
            }
            const std::lock_guard lock(entry->mutex);
            if (!entry->closed && entry->set == set) {
                ogw::flow::detail::inspect(set, *entry, fq);
            }
        }
        if (!fq->events.empty()) {
            return 1;
        }
        if (deadline && ogw::flow::detail::now() >= *deadline) {
            return -ETIMEDOUT;
        }
    }
}

}  // extern "C"
