// SPDX-License-Identifier: BSD-3-Clause
// The UDP shim IPCP: a shim engine on one UDP socket (IPv4 or IPv6) with a static directory.
//
// Sending: data frames are built in place in a batch of 64 pre-allocated buffers (tx_slot(),
// queue_tx()) that one sendmmsg sends. Management messages, and frames passed to
// engine().write(), are copied into the same batch, so everything leaves in the order the
// engine produced it: a FLOW_DEALLOC never overtakes the data written before it, and a burst
// of keepalives or deallocs costs one syscall per 64 messages. The batch is sent when full and
// before every wait of the loop. A full socket buffer drops the rest of the batch (counted as
// tx_dropped); sending never blocks and never retries in a loop.
//
// Receiving: recvmmsg into 64 buffers of max_message_size() + 1 bytes (at least 2048), at most
// 4 batches per wakeup. A datagram larger than its buffer is dropped and counted, never
// delivered truncated.
//
// Offloads (docs/performance.md), unless OGW_UDP_OFFLOAD=0 in the environment: runs of
// datagrams to one peer with one size leave as one UDP GSO message (UDP_SEGMENT), and the
// socket has UDP_GRO on, so that such runs arrive as one message (16 buffers of 64 KiB, split
// here by the segment size the kernel reports).
//
// Largest message: the MTU of the interface that owns the bind address, minus the IP and UDP
// headers. The socket does path MTU discovery (DF set, no local fragmentation), so a datagram
// larger than the path is refused (EMSGSIZE, counted as tx_error) rather than fragmented.
// Bound to the unspecified address (0.0.0.0, ::), the MTU is taken as 1500, and the source
// address of what this IPCP sends, replies included, is whatever routing picks.
//
// Dual stack: bound to [::] (IPv6 wildcard), the socket also carries IPv4 (IPV6_V6ONLY off), so
// the directory may list IPv4 peers. Inside the IPCP an IPv4 peer is always its IPv4 address
// (udp_address.hpp): v4-mapped sources (::ffff:a.b.c.d) are turned back into a.b.c.d before the
// engine sees them, and only sendmmsg destinations are written v4-mapped. The largest message
// counts the IPv6 header (40 bytes) for every peer, IPv4 ones too (20 would do): one size for
// the IPCP, 20 bytes less than an IPv4 socket would allow for IPv4 peers, never too large. What
// it takes is sized for IPv4 senders (20 bytes more than max_message_size()), so that a full-size
// datagram of an IPv4 peer on a link of the same MTU is not dropped. A socket bound to any other
// IPv6 address is v6-only and takes no IPv4 peers.
//
// Link state: once started, the IPCP follows the interface that owns its bind address
// (rtnetlink): when it goes down or loses carrier, or the address goes away, the flows go
// `down`; when it is back they are `allocated` again; an MTU change resizes the largest
// message. An address that no interface owns at start (e.g. 127.0.0.2 covered by lo's
// 127.0.0.0/8) is not followed.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/deadline_timer.hpp>
#include <flowlib/sys/event_loop.hpp>
#include <flowlib/sys/unique_fd.hpp>
#include <ipcp/codec.hpp>
#include <ipcp/ipcp.hpp>
#include <ipcp/shim_engine.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ogw::ipcp {

struct UdpIpcpConfig {
    std::string name;
    std::string layer;
    SocketAddress bind;  // port 0: the kernel picks one; local_address() tells which
    // "peer = NAME ADDR:PORT" lines, of the bind address's family (either for [::], see
    // udp_bind_reaches()). The first entry of a name wins.
    std::vector<std::pair<std::string, SocketAddress>> directory;
    EngineConfig engine;  // max_message_size is replaced by the one derived from the MTU
    // start() follows the interface that owns the bind address through rtnetlink (nothing to
    // follow for the unspecified address).
    bool follow_link = true;
};

class UdpRxBatch;
class UdpTxBatch;
struct UdpSocket;
class LinkMonitor;
struct LinkState;

class UdpIpcp final : public Ipcp, private Transmitter {
public:
    static constexpr std::uint32_t default_mtu = 1500;
    static constexpr std::size_t rx_batches_per_wakeup = 4;
    static constexpr std::size_t min_rx_buffer = 2048;
    // With UDP GRO a received message holds up to 64 KiB of equal-sized datagrams: fewer,
    // larger buffers, and more rounds per wakeup.
    static constexpr std::size_t gro_rx_buffer = 65536;
    static constexpr std::size_t gro_rx_batch = 16;
    static constexpr std::size_t gro_rx_batches_per_wakeup = 16;

    // Opens and binds the socket (errors name the address: "bind 10.0.0.1:3435: Address
    // already in use") and resolves named zones; nothing is read until start().
    static Result<std::unique_ptr<UdpIpcp>> create(UdpIpcpConfig cfg, EngineUser& user);

    UdpIpcp(const UdpIpcp&) = delete;
    UdpIpcp& operator=(const UdpIpcp&) = delete;
    // Flushes and stops. The loop given to start() must still exist.
    ~UdpIpcp() override;

    const std::string& name() const override { return name_; }
    std::string_view type() const override { return "udp"; }
    const std::string& layer() const override { return layer_; }
    std::string address() const override;
    bool link_up() const override { return link_up_; }
    ShimEngine& engine() override { return engine_; }
    const ShimEngine& engine() const override { return engine_; }
    const UnderlayCounters& underlay_counters() const override { return counters_; }

    std::optional<PeerAddress> lookup(std::string_view name) const override;
    std::vector<DirectoryEntry> directory() const override;
    std::string format(const PeerAddress& a) const override;

    // The slot keeps its contents until queue_tx() takes it, whatever is sent meanwhile;
    // set_mtu() invalidates it.
    std::span<std::byte> tx_slot() override;
    void queue_tx(const PeerAddress& to, std::size_t frame_size) override;
    void flush() override;

    // Registers the socket, a before-wait hook (flush, re-arm the one engine timer) and, with
    // follow_link, the link monitor (which reports the owning interface's state at once).
    Result<void> start(EventLoop& loop) override;
    // Flushes and leaves the loop: no more reads, timers, hooks or link events; start() may
    // follow.
    void stop();

    // The link MTU changed: recomputes the largest message and tells the engine. Flushes the
    // batch and reallocates the buffers (the receive side at the next read).
    void set_mtu(std::uint32_t mtu);
    std::uint32_t mtu() const { return mtu_; }
    std::size_t max_message_size() const { return max_message_; }

    // The link under the socket went down or came back (the seam for link monitoring): on a
    // change, the engine's flows go down or come back up.
    void set_link_up(bool up, Instant now);

    // The bound address as the kernel reports it (numeric zone, the port chosen for port 0).
    const SocketAddress& local_address() const { return local_; }
    // Bound to [::]: IPv4 peers are reached too.
    bool dual_stack() const { return dual_stack_; }

private:
    struct DirectoryItem {
        std::string name;
        PeerAddress peer;
        std::string text;  // as configured
    };

    UdpIpcp(UdpIpcpConfig& cfg, EngineUser& user, UdpSocket socket,
            std::vector<DirectoryItem> directory, std::uint32_t mtu);

    void transmit(const PeerAddress& to, std::span<const std::byte> bytes) override;
    void on_readable();
    void before_wait();
    void on_timer();
    void rearm_timer();
    std::size_t rx_buffer_size() const;
    // The largest datagram taken: max_message + 1 (the IPv4 one for dual stack), >= 2048.
    std::size_t datagram_limit() const;
    void follow_link(EventLoop& loop);
    void on_link_state(const LinkState& s);

    std::string name_;
    std::string layer_;
    std::string log_tag_;  // "ipcp/<name>"
    SocketAddress local_;
    bool dual_stack_;  // bound to [::]: IPv4 peers too
    std::vector<DirectoryItem> directory_;
    UniqueFd fd_;
    std::uint32_t mtu_;
    std::size_t max_message_;
    std::unique_ptr<UdpRxBatch> rx_;
    std::unique_ptr<UdpTxBatch> tx_;
    UnderlayCounters counters_;
    bool link_up_ = true;
    bool gro_ = false;  // UDP_GRO on: see gro_rx_buffer
    CodecV1 codec_;
    ShimEngine engine_;

    EventLoop* loop_ = nullptr;
    DeadlineTimer timer_{[this] { on_timer(); }};
    std::shared_ptr<int> hook_token_;  // the loop's before-wait hook acts while this lives
    bool follow_link_;
    bool link_owner_seen_ = false;  // an interface owned the bind address at some point
    std::unique_ptr<LinkMonitor> monitor_;
};

}  // namespace ogw::ipcp
