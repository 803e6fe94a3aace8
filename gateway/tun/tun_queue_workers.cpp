// SPDX-License-Identifier: BSD-3-Clause
#include "tun/tun_queue_workers.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>
#include <system_error>

namespace ogw::gw {
namespace {

// Packets a worker reads before it tells the loop: the loop starts on the first ones while
// the worker reads on.
constexpr std::size_t read_batch = 32;
// Packets the loop queues for writing before it wakes the worker, even in mid-iteration.
constexpr std::size_t write_batch = 16;

Result<UniqueFd> make_eventfd(const char* what) {
    UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!fd) {
        return unexpected(Error::last(std::string("eventfd for ") + what));
    }
    return fd;
}

void drain_eventfd(int fd) {
    std::uint64_t value = 0;
    (void)!::read(fd, &value, sizeof value);
}

}  // namespace

std::size_t tun_queue_for(std::span<const std::byte> packet, bool frames, std::size_t queues) {
    if (queues <= 1) {
        return 0;
    }
    std::uint32_t h = 2166136261U;  // FNV-1a
    const auto mix = [&h](std::span<const std::byte> bytes) {
        for (const std::byte b : bytes) {
            h = (h ^ std::to_integer<std::uint32_t>(b)) * 16777619U;
        }
    };
    const auto byte_at = [&packet](std::size_t i) { return std::to_integer<unsigned>(packet[i]); };
    constexpr unsigned tcp = 6;
    constexpr unsigned udp = 17;
    if (frames) {
        constexpr std::size_t mac_pair = 12;
        if (packet.size() < mac_pair) {
            return 0;
        }
        mix(packet.first(mac_pair));
    } else if (packet.size() >= 20 && byte_at(0) >> 4 == 4) {
        mix(packet.subspan(12, 8));  // source and destination address
        const std::size_t header = (byte_at(0) & 0x0f) * 4U;
        const bool fragment = ((byte_at(6) & 0x3f) | byte_at(7)) != 0;  // MF or an offset
        const unsigned proto = byte_at(9);
        if (!fragment && (proto == tcp || proto == udp) && packet.size() >= header + 4) {
            mix(packet.subspan(header, 4));  // the ports
        }
    } else if (packet.size() >= 40 && byte_at(0) >> 4 == 6) {
        mix(packet.subspan(8, 32));
        const unsigned next = byte_at(6);
        if ((next == tcp || next == udp) && packet.size() >= 44) {
            mix(packet.subspan(40, 4));
        }
    } else {
        return 0;
    }
    // FNV-1a's low bits are weak (the lowest is the parity of the bytes' lowest bits): mix
    // (MurmurHash3's finaliser), then scale the whole word to the queue count.
    h ^= h >> 16;
    h *= 0x85ebca6bU;
    h ^= h >> 13;
    h *= 0xc2b2ae35U;
    h ^= h >> 16;
    return static_cast<std::size_t>((std::uint64_t{h} * queues) >> 32);
}

Result<std::unique_ptr<TunQueueWorkers>> TunQueueWorkers::create(std::span<const int> queue_fds,
                                                                 const Options& options) {
    auto ready = make_eventfd("the TUN queue workers");
    if (!ready) {
        return unexpected(ready.error());
    }
    std::unique_ptr<TunQueueWorkers> workers(new TunQueueWorkers(std::move(*ready)));
    for (const int fd : queue_fds) {
        auto q = std::make_unique<Queue>(fd, options);
        auto wake = make_eventfd("a TUN queue worker");
        if (!wake) {
            return unexpected(wake.error());
        }
        q->wake_fd = std::move(*wake);
        auto room = make_eventfd("a TUN queue's writer");
        if (!room) {
            return unexpected(room.error());
        }
        q->room_fd = std::move(*room);
        workers->queues_.push_back(std::move(q));
    }
    return workers;
}

TunQueueWorkers::~TunQueueWorkers() {
    stop();
}

Result<void> TunQueueWorkers::start() {
    if (running()) {
        return {};
    }
    stopping_.store(false);
    for (std::size_t i = 0; i < queues_.size(); ++i) {
        try {
            threads_.emplace_back([this, q = queues_[i].get()] { run(*q); });
        } catch (const std::system_error& e) {
            stop();
            return unexpected(Error{e.code(), "starting the worker of TUN queue " +
                                                  std::to_string(i)});
        }
        const std::string name = "ogw-tunq" + std::to_string(i);
        (void)::pthread_setname_np(threads_.back().native_handle(), name.c_str());
    }
    return {};
}

void TunQueueWorkers::stop() {
    if (threads_.empty()) {
        return;
    }
    stopping_.store(true);
    for (auto& q : queues_) {
        signal(q->wake_fd.get());
    }
    for (auto& t : threads_) {
        t.join();
    }
    threads_.clear();
}

std::span<std::byte> TunQueueWorkers::write_slot(std::size_t queue) {
    Queue& q = *queues_[queue];
    const std::span<std::byte> slot = q.tx.free_slot();
    return slot.empty() ? wait_for_room(q) : slot;
}

std::span<std::byte> TunQueueWorkers::wait_for_room(Queue& q) {
    q.unkicked = 0;
    wake(q);
    const auto deadline = std::chrono::steady_clock::now() + max_write_wait;
    std::span<std::byte> slot;
    for (;;) {
        q.writer_waiting.store(true);
        slot = q.tx.free_slot();
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (!slot.empty() || !running() || left.count() <= 0) {
            break;
        }
        pollfd room{q.room_fd.get(), POLLIN, 0};
        (void)::poll(&room, 1, static_cast<int>(left.count()));
        drain_eventfd(q.room_fd.get());
    }
    q.writer_waiting.store(false);
    if (slot.empty()) {
        q.tx_ring_full++;
    }
    return slot;
}

void TunQueueWorkers::commit_write(std::size_t queue, std::size_t len, PacketMeta meta) {
    Queue& q = *queues_[queue];
    q.tx.publish(len, meta);
    if (++q.unkicked >= write_batch) {
        q.unkicked = 0;
        wake(q);
    }
}

void TunQueueWorkers::kick_writers() {
    for (auto& q : queues_) {
        if (q->unkicked != 0) {
            q->unkicked = 0;
            wake(*q);
        }
    }
}

TunQueueCounters TunQueueWorkers::counters(std::size_t queue) const {
    const Queue& q = *queues_[queue];
    return TunQueueCounters{
        .rx_packets = q.rx_packets.load(std::memory_order_relaxed),
        .tx_packets = q.tx_packets.load(std::memory_order_relaxed),
        .tx_bytes = q.tx_bytes.load(std::memory_order_relaxed),
        .tx_dropped = q.tx_dropped.load(std::memory_order_relaxed),
        .tx_ring_full = q.tx_ring_full,
    };
}

// The flags pair with the rings' sequentially consistent indices: a side that finds a flag
// already set knows the other side has yet to clear it, and clearing comes before it looks at
// the ring again. So a packet is either seen at that look or announced by an eventfd write.
void TunQueueWorkers::begin_drain() {
    drain_eventfd(ready_fd_.get());
    for (auto& q : queues_) {
        q->ready_signalled.store(false);
    }
}

void TunQueueWorkers::resume_reader(Queue& q) {
    if (q.reader_stalled.exchange(false)) {
        wake(q);
    }
}

void TunQueueWorkers::wake(Queue& q) {
    if (!q.wake_signalled.exchange(true)) {
        signal(q.wake_fd.get());
    }
}

void TunQueueWorkers::signal(int eventfd) {
    const std::uint64_t one = 1;
    (void)!::write(eventfd, &one, sizeof one);
}

void TunQueueWorkers::run(Queue& q) {
    std::array<pollfd, 2> fds{{{q.fd, 0, 0}, {q.wake_fd.get(), POLLIN, 0}}};
    for (;;) {
        const bool stopping = stopping_.load();
        q.wake_signalled.store(false);
        write_pending(q);
        if (stopping) {
            return;
        }
        const std::size_t got = read_available(q);
        if (got != 0 && !q.ready_signalled.exchange(true)) {
            signal(ready_fd_.get());
        }
        if (got == read_batch) {
            continue;
        }
        bool room = !q.rx.full();
        if (!room) {
            q.reader_stalled.store(true);
            room = !q.rx.full();
        }
        fds[0].events = room ? POLLIN : 0;
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            continue;  // EINTR; ENOMEM passes
        }
        if ((fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
            fds[0].fd = -1;  // the device went away under us: only writes (which fail) and stop
        }
        if ((fds[1].revents & POLLIN) != 0) {
            drain_eventfd(q.wake_fd.get());
        }
    }
}

void TunQueueWorkers::write_pending(Queue& q) {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t dropped = 0;
    for (;;) {
        const PacketRing::Packet p = q.tx.front();
        if (p.data.empty()) {
            break;
        }
        ssize_t n = 0;
        do {
            n = ::write(q.fd, p.data.data(), p.data.size());
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            dropped += p.meta.packets;
        } else {
            packets += p.meta.packets;
            bytes += p.meta.bytes;
        }
        q.tx.pop();
        if (q.writer_waiting.load() && q.writer_waiting.exchange(false)) {
            signal(q.room_fd.get());
        }
    }
    q.tx_packets.fetch_add(packets, std::memory_order_relaxed);
    q.tx_bytes.fetch_add(bytes, std::memory_order_relaxed);
    q.tx_dropped.fetch_add(dropped, std::memory_order_relaxed);
}

std::size_t TunQueueWorkers::read_available(Queue& q) {
    std::size_t n = 0;
    while (n < read_batch) {
        const std::span<std::byte> slot = q.rx.free_slot();
        if (slot.empty()) {
            break;
        }
        const ssize_t r = ::read(q.fd, slot.data(), slot.size());
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;  // EAGAIN, or an error poll() reports
        }
        q.rx.publish(static_cast<std::size_t>(r));
        ++n;
    }
    q.rx_packets.fetch_add(n, std::memory_order_relaxed);
    return n;
}

}  // namespace ogw::gw
