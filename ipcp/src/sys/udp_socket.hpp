// SPDX-License-Identifier: BSD-3-Clause
// The UDP shim's socket and its batches: one non-blocking datagram socket, recvmmsg into
// pre-allocated buffers, sendmmsg from pre-allocated buffers (the shared mmsg_batch.hpp, plus
// a destination address per datagram).
#pragma once

#include "mmsg_batch.hpp"

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

inline constexpr std::size_t udp_batch_size = mmsg_batch_size;
inline constexpr int udp_socket_buffer_bytes = 4 << 20;

struct UdpSocket {
    UniqueFd fd;
    SocketAddress local;      // as the kernel reports it: numeric zone, the chosen port for port 0
    bool dual_stack = false;  // bound to [::] with IPV6_V6ONLY off: reaches IPv4 peers too
};

// A non-blocking, close-on-exec datagram socket bound to `bind` (a named zone is resolved
// here), with path MTU discovery on (for both families on a dual-stack socket) and 4 MiB
// socket buffers where the system allows. Bound to [::] it is dual stack (udp_dual_stack());
// bound to any other IPv6 address it is v6-only. Errors name the address as given:
// "bind 10.0.0.1:3435: Address in use".
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

// UDP GSO (UDP_SEGMENT) and GRO (UDP_GRO) where the kernel has them (Linux 4.18, 5.0): true
// if the socket accepted the option.
bool udp_gso_available(int fd);
bool enable_udp_gro(int fd);

struct UdpSendResult : BatchSendResult {
    std::optional<PeerAddress> last_error_to;  // where the last refused datagram went
};

// Receives into buffers of a settable size; a datagram's source is `from`.
class UdpRxBatch final : public RxBatch {};

// The shared send batch plus the destination of every entry. Entries [0, size()) are queued;
// entry size() is the free slot that slot() hands out, which keeps its contents across
// queue_copy() and send() until queue() takes it.
class UdpTxBatch {
public:
    using SendResult = UdpSendResult;

    // For a socket of `family`; a dual-stack socket's IPv4 destinations are written v4-mapped.
    UdpTxBatch(IpAddress::Family family, bool dual_stack);
    UdpTxBatch(const UdpTxBatch&) = delete;
    UdpTxBatch& operator=(const UdpTxBatch&) = delete;

    // Drops whatever is queued: send() first.
    void resize(std::size_t slot_size) { batch_.resize(slot_size); }
    void set_udp_gso(bool on) { batch_.set_udp_gso(on); }
    bool udp_gso() const { return batch_.udp_gso(); }
    std::size_t slot_size() const { return batch_.slot_size(); }

    std::size_t size() const { return batch_.size(); }
    bool empty() const { return batch_.empty(); }
    bool full() const { return batch_.full(); }

    // Empty while the batch is full.
    std::span<std::byte> slot() { return batch_.slot(); }
    // Queues the first `size` bytes of slot() for `to`. False if the batch is full, `size` is
    // out of range or the socket does not reach `to` (of the other family, not dual stack).
    bool queue(const PeerAddress& to, std::size_t size);
    // Copies `bytes` into the batch; needs two free entries (the copy and the free slot).
    bool queue_copy(const PeerAddress& to, std::span<const std::byte> bytes);

    // Sends everything queued without blocking. Whatever the kernel does not take is dropped
    // and counted: the batch is empty afterwards.
    SendResult send(int fd);

private:
    // Writes `to` as the destination of the next entry; false if it is of another family.
    bool set_next_destination(const PeerAddress& to);

    socklen_t name_length_;
    bool dual_stack_;
    TxBatch batch_;
    std::array<UdpSockaddr, mmsg_batch_size> names_{};
};

}  // namespace ogw::ipcp
