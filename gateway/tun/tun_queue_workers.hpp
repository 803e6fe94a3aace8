// SPDX-License-Identifier: BSD-3-Clause
// TunQueueWorkers: one thread per queue of a multi-queue TUN/TAP device ([gateway] queues),
// which takes the device's per-packet system calls off the event loop. Each worker reads the
// packets the kernel steers to its queue into a receive ring and writes what the loop put in
// its transmit ring; the loop keeps all state (sessions, flows) and handles the packets in
// place. Per packet: no lock, no allocation, no system call on the loop's side; wake-ups
// (eventfd) happen once per batch, and only when the other side may be asleep.
//
// Threads: everything here belongs to the loop thread except what the workers do inside.
#pragma once

#include "tun/packet_ring.hpp"

#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

namespace ogw::gw {

struct TunQueueCounters {
    std::uint64_t rx_packets = 0;   // read from the queue by its worker
    std::uint64_t tx_packets = 0;   // written to the device (a super-packet counts its segments)
    std::uint64_t tx_bytes = 0;
    std::uint64_t tx_dropped = 0;   // packets the device refused (link down, queue full)
    std::uint64_t tx_ring_full = 0; // packets the loop found no transmit slot for
};

// The queue a packet the loop writes goes to: picked by its addresses and, for TCP and UDP,
// ports (frames: the two MAC addresses), so that one connection's packets keep their order.
// The kernel then steers the host's packets of that connection to the same queue (automq).
std::size_t tun_queue_for(std::span<const std::byte> packet, bool frames, std::size_t queues);

class TunQueueWorkers {
public:
    struct Options {
        std::size_t slot_size = 65535;  // the largest packet read or written, headers included
        std::size_t rx_slots = 64;
        std::size_t tx_slots = 128;
    };

    // queue_fds: one non-blocking fd per queue, owned by the device, which must outlive this.
    static Result<std::unique_ptr<TunQueueWorkers>> create(std::span<const int> queue_fds,
                                                           const Options& options);
    ~TunQueueWorkers();
    TunQueueWorkers(const TunQueueWorkers&) = delete;
    TunQueueWorkers& operator=(const TunQueueWorkers&) = delete;

    // Threads start here, not in create(): the daemon drops its capabilities (per thread on
    // Linux) between the two.
    Result<void> start();
    // Writes what is queued, then joins the workers. Idempotent.
    void stop();
    bool running() const { return !threads_.empty(); }

    std::size_t queue_count() const { return queues_.size(); }
    // Readable when a receive ring has packets: the loop watches it and calls drain().
    int ready_fd() const { return ready_fd_.get(); }

    // Hands at most `budget` packets per queue to on_packet(std::span<std::byte>), oldest
    // first, in place; the slot is reused once on_packet returns. True when packets remain
    // (ready_fd stays readable).
    template <class OnPacket>
    bool drain(std::size_t budget, OnPacket&& on_packet) {
        begin_drain();
        bool more = false;
        for (auto& q : queues_) {
            std::size_t n = 0;
            for (; n < budget; ++n) {
                const PacketRing::Packet p = q->rx.front();
                if (p.data.empty()) {
                    break;
                }
                on_packet(p.data);
                q->rx.pop();
            }
            more = more || !q->rx.empty();
            if (n != 0) {
                resume_reader(*q);
            }
        }
        if (more) {
            signal(ready_fd_.get());
        }
        return more;
    }

    // The transmit slot for the next packet to `queue`, then commit_write() the bytes written
    // into it. A full ring makes the loop wait for the worker (as a direct write would have
    // taken its time), at most max_write_wait; then the slot is empty: the packet is dropped
    // and counted.
    static constexpr auto max_write_wait = std::chrono::milliseconds(100);
    std::span<std::byte> write_slot(std::size_t queue);
    void commit_write(std::size_t queue, std::size_t len, PacketMeta meta);
    // Wakes the workers that were given packets since the last call: once per loop iteration.
    void kick_writers();

    TunQueueCounters counters(std::size_t queue) const;

private:
    struct Queue {
        Queue(int queue_fd, const Options& o) : fd(queue_fd), rx(o.rx_slots, o.slot_size),
                                          tx(o.tx_slots, o.slot_size) {}
        int fd;
        UniqueFd wake_fd;  // eventfd: the loop wakes the worker (packets to write, room to read)
        UniqueFd room_fd;  // eventfd: the worker tells a waiting loop that a slot is free
        PacketRing rx;     // worker -> loop
        PacketRing tx;     // loop -> worker
        std::atomic<bool> ready_signalled{false};  // the worker told the loop (ready_fd)
        std::atomic<bool> wake_signalled{false};   // the loop told the worker (wake_fd)
        std::atomic<bool> reader_stalled{false};   // the receive ring was full
        std::atomic<bool> writer_waiting{false};   // the transmit ring was full
        std::size_t unkicked = 0;                  // loop side: written since the last kick
        std::atomic<std::uint64_t> rx_packets{0};
        std::atomic<std::uint64_t> tx_packets{0};
        std::atomic<std::uint64_t> tx_bytes{0};
        std::atomic<std::uint64_t> tx_dropped{0};
        std::uint64_t tx_ring_full = 0;            // loop side
    };

    TunQueueWorkers(UniqueFd ready_fd) : ready_fd_(std::move(ready_fd)) {}
    void begin_drain();
    void resume_reader(Queue& q);
    void wake(Queue& q);
    std::span<std::byte> wait_for_room(Queue& q);
    static void signal(int eventfd);
    void run(Queue& q);
    void write_pending(Queue& q);
    std::size_t read_available(Queue& q);

    UniqueFd ready_fd_;
    std::vector<std::unique_ptr<Queue>> queues_;
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
};

}  // namespace ogw::gw
