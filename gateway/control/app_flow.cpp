// SPDX-License-Identifier: BSD-3-Clause
#include "control/app_flow.hpp"

#include <flowlib/log.hpp>
#include <flowlib/sys/unix_socket.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace ogw::gw {
namespace {

constexpr std::uint8_t kind_data = 0x00;
constexpr std::uint8_t kind_state = 0x01;
constexpr int read_budget = 64;
constexpr int socket_buffer = 4 << 20;

void enlarge_buffers(int fd) {
    for (int opt : {SO_SNDBUFFORCE, SO_SNDBUF}) {
        if (::setsockopt(fd, SOL_SOCKET, opt, &socket_buffer, sizeof socket_buffer) == 0) {
            break;
        }
    }
}

bool tells_application(flow::FlowState from, flow::FlowState to) {
    using flow::FlowState;
    return to != FlowState::allocated || from == FlowState::down;
}

bool peer_gone(flow::FlowState s) {
    return s == flow::FlowState::peer_deallocated || s == flow::FlowState::peer_timed_out;
}

}  // namespace

Result<std::pair<std::unique_ptr<AppFlow>, UniqueFd>> AppFlow::create(Node& node,
                                                                     EventLoop& loop,
                                                                     NodeFlow& flow,
                                                                     Closed on_closed) {
    auto pair = socketpair_seqpacket(Blocking::no);
    if (!pair) {
        return unexpected(pair.error());
    }
    auto [ours, theirs] = std::move(*pair);
    enlarge_buffers(ours.get());
    std::unique_ptr<AppFlow> bridge(
        new AppFlow(node, loop, flow.id, std::move(ours), std::move(on_closed)));
    if (auto r = loop.add(bridge->fd_.get(), EPOLLIN | EPOLLRDHUP,
                          [b = bridge.get()](std::uint32_t ev) { b->on_socket(ev); });
        !r) {
        return unexpected(r.error());
    }
    // The application's end blocks by default; the library sets what it needs.
    if (auto r = theirs.get(); r >= 0) {
        const int flags = ::fcntl(r, F_GETFL);
        ::fcntl(r, F_SETFL, flags & ~O_NONBLOCK);
    }
    flow.owner = bridge.get();
    return std::make_pair(std::move(bridge), std::move(theirs));
}

AppFlow::AppFlow(Node& node, EventLoop& loop, std::uint64_t flow_id, UniqueFd fd,
                 Closed on_closed)
    : node_(node), loop_(loop), flow_id_(flow_id), fd_(std::move(fd)),
      on_closed_(std::move(on_closed)) {}

AppFlow::~AppFlow() {
    if (fd_) {
        (void)loop_.remove(fd_.get());
    }
    node_.forget_owner(flow_id_);
}

void AppFlow::on_flow_data(NodeFlow&, std::span<std::byte> sdu) {
    if (gone_ || !pending_states_.empty()) {
        ++dropped_to_app_;  // never overtake a state change
        return;
    }
    std::uint8_t kind = kind_data;
    iovec iov[2] = {{&kind, 1}, {sdu.data(), sdu.size()}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    if (::sendmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
        ++dropped_to_app_;  // the application reads too slowly: a raw flow drops
    }
}

void AppFlow::on_flow_state(NodeFlow&, flow::FlowState from, flow::FlowState to) {
    if (gone_) {
        return;
    }
    if (tells_application(from, to)) {
        pending_states_.push_back(static_cast<std::uint8_t>(to));
        flush_states();
    }
    if (peer_gone(to) || to == flow::FlowState::dealloc_pending) {
        // Nothing the application writes can be carried any more: its send() now fails with
        // EPIPE, which the library reports as -EFLOWPEER. The application closing its end
        // still shows as EPOLLHUP.
        ::shutdown(fd_.get(), SHUT_RD);
        reading_ = false;
    }
    update_interest();
    if (to == flow::FlowState::closed) {
        app_gone();
    }
}

void AppFlow::update_interest() {
    std::uint32_t events = reading_ ? EPOLLIN | EPOLLRDHUP : 0U;
    if (!pending_states_.empty()) {
        events |= EPOLLOUT;
    }
    (void)loop_.modify(fd_.get(), events);
}

void AppFlow::flush_states() {
    while (!pending_states_.empty()) {
        const std::uint8_t msg[2] = {kind_state, pending_states_.front()};
        if (::send(fd_.get(), msg, sizeof msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                pending_states_.clear();  // the application is gone; EPOLLHUP follows
            }
            return;
        }
        pending_states_.pop_front();
    }
}

void AppFlow::on_socket(std::uint32_t events) {
    if ((events & EPOLLOUT) != 0) {
        flush_states();
        update_interest();
    }
    if (reading_ && (events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP | EPOLLERR)) != 0) {
        read_from_app(events);
    } else if (!reading_ && (events & (EPOLLHUP | EPOLLERR)) != 0) {
        node_.dealloc(flow_id_, flow::DeallocReason::closed);
        app_gone();
    }
}

namespace {

bool peer_closed(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP)) != 0;
}

}  // namespace

void AppFlow::read_from_app(std::uint32_t events) {
    NodeFlow* flow = node_.find(flow_id_);
    if (flow == nullptr) {
        app_gone();
        return;
    }
    const std::size_t hdr = node_.header_size(*flow);
    for (int i = 0; i < read_budget && reading_; ++i) {
        const auto slot = node_.tx_slot(*flow);
        const ssize_t n = ::recv(fd_.get(), slot.data() + hdr, slot.size() - hdr,
                                 MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            }
            break;  // an error: treat as the application gone
        }
        if (n == 0) {
            // On a seqpacket socket 0 is an empty message or the end of file; the end may
            // come after this wakeup's events were taken, so ask the socket.
            if ((events & (EPOLLHUP | EPOLLRDHUP)) != 0 || peer_closed(fd_.get())) {
                events |= EPOLLHUP;
                break;
            }
            continue;  // an empty message carries nothing: not sent
        }
        const auto size = static_cast<std::size_t>(n);
        if (size > slot.size() - hdr) {
            ++dropped_from_app_;  // larger than the flow's max SDU
            continue;
        }
        if (node_.send_slot(*flow, size) != 0) {
            ++dropped_from_app_;
        }
    }
    if (!reading_ || (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) == 0) {
        return;
    }
    // The application closed its end, exited or crashed: deallocate, the peer is told now.
    OGW_LOG(debug, "control") << "flow " << flow_id_ << ": application closed it";
    node_.dealloc(flow_id_, flow::DeallocReason::closed);
    app_gone();
}

void AppFlow::app_gone() {
    if (gone_) {
        return;
    }
    gone_ = true;
    reading_ = false;
    (void)loop_.remove(fd_.get());
    fd_.reset();
    node_.forget_owner(flow_id_);
    if (on_closed_) {
        on_closed_(flow_id_);
    }
}

}  // namespace ogw::gw
