// SPDX-License-Identifier: BSD-3-Clause
// What the UDP and Ethernet drivers share: batches of pre-allocated buffers that one recvmmsg
// fills and one sendmmsg (or a few, past refused messages) empties. Nothing here allocates per
// packet; buffers are reallocated only when the largest message changes (the MTU).
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace ogw::ipcp {

inline constexpr std::size_t mmsg_batch_size = 64;

// `count` buffers of `size` bytes, each starting on a cache line.
class BatchBuffers {
public:
    // Reallocates (losing the contents) only when `size` changes. True if it did.
    bool resize(std::size_t count, std::size_t size);
    std::size_t size() const { return size_; }
    std::byte* get(std::size_t i) const { return storage_.get() + i * stride_; }

private:
    std::unique_ptr<std::byte[]> storage_;
    std::size_t size_ = 0;
    std::size_t stride_ = 0;
};

// Up to mmsg_batch_size received messages with their source addresses.
class RxBatch {
public:
    struct Message {
        std::span<std::byte> bytes;  // empty when truncated
        std::size_t size = 0;        // as sent
        bool truncated = false;      // larger than the buffer: its bytes are not available
        const sockaddr* from = nullptr;
        socklen_t from_length = 0;
    };

    RxBatch();
    RxBatch(const RxBatch&) = delete;
    RxBatch& operator=(const RxBatch&) = delete;

    void resize(std::size_t buffer_size);
    std::size_t buffer_size() const { return buffers_.size(); }

    // Receives up to mmsg_batch_size messages without blocking: how many, or a negative errno.
    int receive(int fd);
    Message get(std::size_t i);

private:
    BatchBuffers buffers_;
    std::array<mmsghdr, mmsg_batch_size> msgs_{};
    std::array<iovec, mmsg_batch_size> iov_{};
    std::array<sockaddr_storage, mmsg_batch_size> names_{};
};

struct BatchSendResult {
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    std::uint64_t dropped = 0;  // socket buffer full (EAGAIN, ENOBUFS): the rest of the batch
    std::uint64_t errors = 0;   // refused by the kernel one by one (EMSGSIZE, ENETDOWN, ...)
    int last_error = 0;         // errno of the last error
    std::size_t last_error_index = 0;
};

// Messages to send. Entries [0, size()) are queued; entry size() is the free slot that slot()
// hands out. Buffers are swapped between entries rather than copied, so a slot handed out stays
// the free slot (with its contents) across queue_copy() and send() until queue() takes it.
class TxBatch {
public:
    TxBatch();
    TxBatch(const TxBatch&) = delete;
    TxBatch& operator=(const TxBatch&) = delete;

    // Drops whatever is queued: send() first.
    void resize(std::size_t slot_size);
    std::size_t slot_size() const { return buffers_.size(); }

    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    bool full() const { return count_ == mmsg_batch_size; }

    // Empty while the batch is full.
    std::span<std::byte> slot() {
        return full() ? std::span<std::byte>() : std::span<std::byte>(slots_[count_], slot_size());
    }
    // Queues the first `size` bytes of slot(): the new entry's index, or empty if the batch is
    // full or `size` is out of range.
    std::optional<std::size_t> queue(std::size_t size);
    // Copies `bytes` to offset `at` of a new entry that then holds `at + bytes.size()` bytes
    // (the first `at` are the caller's to fill through entry()). Needs two free entries (the
    // copy and the free slot).
    std::optional<std::size_t> queue_copy(std::span<const std::byte> bytes, std::size_t at = 0);
    // The bytes of queued entry i.
    std::span<std::byte> entry(std::size_t i);
    // Where entry i goes, for sockets that need a destination per message. `name` must stay
    // valid until send(). Without it, the message goes where the socket is bound or connected.
    void set_destination(std::size_t i, const void* name, socklen_t length);

    // Sends everything queued without blocking. A message the kernel refuses is skipped and
    // counted; a full socket buffer drops the rest. The batch is empty afterwards.
    BatchSendResult send(int fd);

private:
    void record(std::size_t i, std::size_t size);

    BatchBuffers buffers_;
    std::size_t count_ = 0;
    std::array<std::byte*, mmsg_batch_size> slots_{};
    std::array<mmsghdr, mmsg_batch_size> msgs_{};
    std::array<iovec, mmsg_batch_size> iov_{};
};

}  // namespace ogw::ipcp
