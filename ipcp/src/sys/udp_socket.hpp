// SPDX-License-Identifier: BSD-3-Clause
// The UDP shim's socket and its batches: one non-blocking datagram socket, recvmmsg into
// pre-allocated buffers, sendmmsg from pre-allocated buffers. Nothing here allocates per
// packet; buffers are (re)allocated only when the largest message changes.
#pragma once

#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>
#include <ipcp/peer_address.hpp>
#include <ipcp/udp_address.hpp>

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace ogw::ipcp {

inline constexpr std::size_t udp_batch_size = 64;
inline constexpr int udp_socket_buffer_bytes = 4 << 20;

struct UdpSocket {
    UniqueFd fd;
    SocketAddress local;  // as the kernel reports it: numeric zone, the chosen port for port 0
};

// A non-blocking, close-on-exec datagram socket bound to `bind` (a named zone is resolved
// here), v6-only for IPv6, with path MTU discovery on and 4 MiB socket buffers where the
// system allows. Errors name the address as given: "bind 10.0.0.1:3435: Address in use".
Result<UdpSocket> open_udp_socket(const SocketAddress& bind);

// The socket buffer sizes the kernel granted (it doubles what was asked for).
struct SocketBuffers {
    int receive = 0;
    int send = 0;
};
SocketBuffers socket_buffers(int fd);

// The MTU of the interface that owns `local`'s address, if one does.
std::optional<std::uint32_t> interface_mtu(int fd, const SocketAddress& local);

// The largest UDP payload a link of `mtu` carries unfragmented (an MTU below the family's
// minimum counts as that minimum).
std::size_t udp_max_payload(std::uint32_t mtu, IpAddress::Family family);

class UdpRxBatch {
public:
    struct Datagram {
        std::span<std::byte> bytes;  // empty when truncated
        std::size_t size = 0;        // as sent
        bool truncated = false;      // larger than the buffer: its bytes are not available
        const sockaddr* from = nullptr;
        socklen_t from_length = 0;
    };

    UdpRxBatch();
    UdpRxBatch(const UdpRxBatch&) = delete;
    UdpRxBatch& operator=(const UdpRxBatch&) = delete;

    void resize(std::size_t buffer_size);
    std::size_t buffer_size() const { return buffer_size_; }

    // Receives up to udp_batch_size datagrams without blocking: how many, or a negative errno.
    int receive(int fd);
    Datagram get(std::size_t i);

private:
    std::unique_ptr<std::byte[]> storage_;
    std::size_t buffer_size_ = 0;
    std::size_t stride_ = 0;
    std::array<mmsghdr, udp_batch_size> msgs_{};
    std::array<iovec, udp_batch_size> iov_{};
    std::array<UdpSockaddr, udp_batch_size> names_{};
};

// Entries [0, size()) are queued; entry size() is the free slot that slot() hands out. Buffers
// are swapped between entries rather than copied, so a slot handed out stays the free slot
// (with its contents) across queue_copy() and send() until queue() takes it.
class UdpTxBatch {
public:
    struct SendResult {
        std::uint64_t datagrams = 0;
        std::uint64_t bytes = 0;
        std::uint64_t dropped = 0;  // socket buffer full (EAGAIN, ENOBUFS)
        std::uint64_t errors = 0;   // refused by the kernel one by one (EMSGSIZE, ...)
        int last_error = 0;         // errno of the last error
        std::optional<PeerAddress> last_error_to;
    };

    explicit UdpTxBatch(IpAddress::Family family);
    UdpTxBatch(const UdpTxBatch&) = delete;
    UdpTxBatch& operator=(const UdpTxBatch&) = delete;

    // Drops whatever is queued: send() first.
    void resize(std::size_t slot_size);
    std::size_t slot_size() const { return slot_size_; }

    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    bool full() const { return count_ == udp_batch_size; }

    // Empty while the batch is full.
    std::span<std::byte> slot() {
        return full() ? std::span<std::byte>() : std::span<std::byte>(slots_[count_], slot_size_);
    }
    // Queues the first `size` bytes of slot() for `to`. False if the batch is full, `size` is
    // out of range or `to` is not an address of the socket's family.
    bool queue(const PeerAddress& to, std::size_t size);
    // Copies `bytes` into the batch; needs two free entries (the copy and the free slot).
    bool queue_copy(const PeerAddress& to, std::span<const std::byte> bytes);

    // Sends everything queued without blocking. Whatever the kernel does not take is dropped
    // and counted: the batch is empty afterwards.
    SendResult send(int fd);

private:
    bool record(std::size_t i, const PeerAddress& to, std::size_t size);

    socklen_t name_length_;
    std::unique_ptr<std::byte[]> storage_;
    std::size_t slot_size_ = 0;
    std::size_t count_ = 0;
    std::array<std::byte*, udp_batch_size> slots_{};
    std::array<mmsghdr, udp_batch_size> msgs_{};
    std::array<iovec, udp_batch_size> iov_{};
    std::array<UdpSockaddr, udp_batch_size> names_{};
};

}  // namespace ogw::ipcp
