// SPDX-License-Identifier: BSD-3-Clause
// TunDevice: the gateway's TUN (IP packets) or TAP (Ethernet frames) device, opened through
// /dev/net/tun (the tun driver refuses creation through rtnetlink). The device is not
// persistent: closing the fd, also by a crash, removes the link with its addresses and routes.
// Addresses, MTU and routes are set through Rtnl (rtnl.hpp), see TunSetup (tun_setup.hpp).
#pragma once

#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ogw::gw {

enum class TunMode { tun, tap };

// Offloads.
//   vnet_hdr       IFF_VNET_HDR: every packet read or written is preceded by a virtio_net_hdr
//                  (packet/tun_offload.hpp), which is what lets the kernel hand over GSO
//                  super-packets and skip checksums. TUN mode only.
//   offload_flags  TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 ...; needs vnet_hdr.
//   queues         above 1: IFF_MULTI_QUEUE, one fd per queue (the device opened again by
//                  name); the kernel steers each flow of the host's packets to one queue, and
//                  any queue may write. See TunQueueWorkers (tun_queue_workers.hpp).
struct TunOptions {
    bool vnet_hdr = false;
    std::uint32_t offload_flags = 0;
    std::size_t queues = 1;
};

// The most queues a device may have (the kernel's MAX_TAP_QUEUES).
inline constexpr std::size_t max_tun_queues = 256;

std::string_view tun_mode_name(TunMode mode);  // "TUN", "TAP"

class TunDevice {
public:
    using Mode = TunMode;
    using Options = TunOptions;

    // name may contain one %d, which the kernel replaces (name() tells the result). Errors name
    // the device and the cause: "creating TUN device ogw0 needs CAP_NET_ADMIN: Operation not
    // permitted", "device ogw0 exists and is in use: Device or resource busy", ...
    static Result<std::unique_ptr<TunDevice>> open(const std::string& name, Mode mode,
                                                   const Options& options = {});

    TunDevice(const TunDevice&) = delete;
    TunDevice& operator=(const TunDevice&) = delete;
    ~TunDevice() = default;

    const std::string& name() const { return name_; }
    int ifindex() const { return ifindex_; }
    int fd() const { return fd_.get(); }  // queue 0
    // Every queue's fd, queue 0 first (one entry without multi-queue).
    std::vector<int> queue_fds() const;
    Mode mode() const { return mode_; }
    // An existing persistent device was attached to: its addresses and routes outlive us.
    bool persistent() const { return persistent_; }

    // Reads packets without blocking until the batch is full or none is left (EAGAIN): one
    // packet per read(), which is what a TUN without IFF_VNET_HDR gives. lens[i] is what the
    // kernel reported for bufs[i]; a length above bufs[i].size() means the packet was cut
    // (drop it). Returns how many were read (0 when none was waiting); an error only when the
    // first read fails with something other than EAGAIN.
    Result<std::size_t> read_batch(std::span<const std::span<std::byte>> bufs,
                                   std::span<std::size_t> lens);

    // Writes one packet (TUN) or frame (TAP), whole or not at all; never blocks or allocates.
    // EAGAIN and ENOBUFS (queue full) are drops for the caller to count; EIO means the link is
    // down, EINVAL a packet that is no IPv4/IPv6 (TUN).
    Result<void> write(std::span<const std::byte> packet);

private:
    TunDevice(UniqueFd fd, std::string name, int ifindex, Mode mode, bool persistent)
        : fd_(std::move(fd)),
          name_(std::move(name)),
          ifindex_(ifindex),
          mode_(mode),
          persistent_(persistent) {}

    UniqueFd fd_;
    std::vector<UniqueFd> more_queues_;  // queues 1..N-1
    std::string name_;
    int ifindex_ = 0;
    Mode mode_ = Mode::tun;
    bool persistent_ = false;
};

}  // namespace ogw::gw
