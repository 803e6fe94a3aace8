// SPDX-License-Identifier: BSD-3-Clause
// PacketRing: a single-producer single-consumer ring of fixed-size packet slots between two
// threads. The producer fills a slot in place and publishes it; the consumer reads it in place
// and pops it: no allocation, copy or lock per packet. Slot memory is reserved up front but
// only the pages a packet touches become resident.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace ogw::gw {

// What travels with a slot besides its length: how many packets and payload bytes it stands
// for (a coalesced super-packet is many), for the counters of the thread that handles it.
struct PacketMeta {
    std::uint32_t packets = 1;
    std::uint32_t bytes = 0;
};

class PacketRing {
public:
    // slots is rounded up to a power of two.
    PacketRing(std::size_t slots, std::size_t slot_size)
        : slot_count_(round_up_pow2(slots)),
          mask_(slot_count_ - 1),
          slot_size_(slot_size),
          storage_(std::make_unique_for_overwrite<std::byte[]>(slot_count_ * slot_size)),
          entries_(std::make_unique<Entry[]>(slot_count_)) {}

    PacketRing(const PacketRing&) = delete;
    PacketRing& operator=(const PacketRing&) = delete;

    std::size_t slot_size() const { return slot_size_; }
    std::size_t capacity() const { return slot_count_; }

    // Producer: the next free slot (empty when the ring is full), then publish() what was
    // written into it.
    std::span<std::byte> free_slot() {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail - head_.load() == slot_count_) {
            return {};
        }
        return slot(tail);
    }
    void publish(std::size_t len, PacketMeta meta = {}) {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        entries_[tail & mask_] = Entry{len, meta};
        tail_.store(tail + 1);
    }

    // Consumer: the oldest published slot (empty data when there is none), then pop() it.
    struct Packet {
        std::span<std::byte> data;
        PacketMeta meta;
    };
    Packet front() {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head == tail_.load()) {
            return {};
        }
        const Entry& e = entries_[head & mask_];
        return {slot(head).first(e.len), e.meta};
    }
    void pop() { head_.store(head_.load(std::memory_order_relaxed) + 1); }

    bool empty() const { return head_.load() == tail_.load(); }
    bool full() const { return tail_.load() - head_.load() == slot_count_; }

private:
    struct Entry {
        std::size_t len = 0;
        PacketMeta meta;
    };

    static std::size_t round_up_pow2(std::size_t n) {
        std::size_t p = 1;
        while (p < n) {
            p <<= 1;
        }
        return p;
    }
    std::span<std::byte> slot(std::size_t index) {
        return {storage_.get() + (index & mask_) * slot_size_, slot_size_};
    }

    const std::size_t slot_count_;
    const std::size_t mask_;
    const std::size_t slot_size_;
    std::unique_ptr<std::byte[]> storage_;
    std::unique_ptr<Entry[]> entries_;
    // Sequentially consistent: the wake-up flags of TunQueueWorkers rely on a publish being
    // ordered before the flag exchange that follows it.
    alignas(64) std::atomic<std::size_t> head_{0};  // next slot to consume
    alignas(64) std::atomic<std::size_t> tail_{0};  // next slot to fill
};

}  // namespace ogw::gw
