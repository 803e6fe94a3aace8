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
    // Reallocates (losing the contents) only when `count` or `size` changes. True if it did.
    bool resize(std::size_t count, std::size_t size);
    std::size_t size() const { return size_; }
    std::byte* get(std::size_t i) const { return storage_.get() + i * stride_; }

private:
    std::unique_ptr<std::byte[]> storage_;
    std::size_t count_ = 0;
    std::size_t size_ = 0;
    std::size_t stride_ = 0;
};

// Room for one cmsg carrying an int (UDP_GRO on receive, UDP_SEGMENT on send).
struct alignas(cmsghdr) CmsgSpace {
    std::array<std::byte, 32> bytes{};
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
        // UDP GRO: bytes holds datagrams of this size (the last may be shorter); 0: one datagram.
        std::size_t segment_size = 0;
    };

    RxBatch();
    RxBatch(const RxBatch&) = delete;
    RxBatch& operator=(const RxBatch&) = delete;

    // `count` (at most mmsg_batch_size) buffers of buffer_size bytes.
    void resize(std::size_t buffer_size, std::size_t count = mmsg_batch_size);
    std::size_t buffer_size() const { return buffers_.size(); }
    std::size_t count() const { return count_; }
    // Asks for the UDP_GRO cmsg of every message (the socket has UDP_GRO on).
    void set_udp_gro(bool on) { gro_ = on; }

    // Receives up to count() messages without blocking: how many, or a negative errno.
    int receive(int fd);
    Message get(std::size_t i);

private:
    BatchBuffers buffers_;
    std::size_t count_ = mmsg_batch_size;
    bool gro_ = false;
    std::array<CmsgSpace, mmsg_batch_size> control_{};
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

    // UDP GSO: send() hands runs of consecutive entries with the same destination and the same
    // size (the last of a run may be shorter) to the kernel as one message with a UDP_SEGMENT
    // cmsg. A kernel or device that refuses it gets the run again one by one, and GSO goes off
    // for good when the refusal says it is not available (EIO, EOPNOTSUPP).
    void set_udp_gso(bool on) { gso_ = on; }
    bool udp_gso() const { return gso_; }

    static constexpr std::size_t max_gso_bytes = 65507;  // IPv4 UDP payload limit

private:
    void record(std::size_t i, std::size_t size);
    // Sends entries [begin, end) one message each.
    void send_plain(int fd, std::size_t begin, std::size_t end, BatchSendResult& r);
    void send_gso(int fd, BatchSendResult& r);
    bool same_destination(std::size_t a, std::size_t b) const;

    struct Run {
        std::size_t begin = 0;
        std::size_t count = 0;
    };
    bool gso_ = false;
    std::array<mmsghdr, mmsg_batch_size> wire_{};
    std::array<Run, mmsg_batch_size> runs_{};
    std::array<CmsgSpace, mmsg_batch_size> gso_control_{};

    BatchBuffers buffers_;
    std::size_t count_ = 0;
    std::array<std::byte*, mmsg_batch_size> slots_{};
    std::array<mmsghdr, mmsg_batch_size> msgs_{};
    std::array<iovec, mmsg_batch_size> iov_{};
};

}  // namespace ogw::ipcp
