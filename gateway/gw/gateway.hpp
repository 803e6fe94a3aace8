// SPDX-License-Identifier: BSD-3-Clause
// The TUN gateway: every IP session read from the TUN device gets its own flow (or, with
// flow-mapping = peer, the remote gateway's shared flow), chosen by longest-prefix match over
// the configured routes; packets from flows go back to the TUN after an anti-spoofing check.
// When a flow dies, its sessions are torn down at once and the local hosts are told: a valid
// TCP RST, or ICMP unreachable on the next packet.
//
// In TAP mode (docs/tap-bridge.md) the device carries Ethernet frames and a TapBridge decides
// where each goes: unicast IP frames to a host learnt behind a peer travel as sessions, as
// above (the SDU is the whole frame); broadcast, multicast, unknown unicast and non-IP frames
// travel on the peer's bridge link, one flow per peer gateway, opened with a link hello.
#pragma once

#include "bridge/tap_bridge.hpp"
#include "config/config.hpp"
#include "gw/gateway_stats.hpp"
#include "gw/route_table.hpp"
#include "gw/session_table.hpp"
#include "node/node.hpp"
#include "packet/tcp_coalesce.hpp"
#include "packet/tun_offload.hpp"
#include "tun/tun_queue_workers.hpp"

#include <flowlib/json.hpp>
#include <flowlib/log.hpp>
#include <flowlib/sys/event_loop.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace ogw::gw {

struct GatewayTimers {
    Duration tcp_close_linger = std::chrono::seconds(2);
    Duration tcp_reset_linger = std::chrono::milliseconds(200);
    Duration tcp_idle = std::chrono::hours(24);      // established TCP without packets
    Duration tombstone = std::chrono::seconds(30);   // dead keys answered with ICMP
    Duration alloc_failed_hold = std::chrono::seconds(1);
};

class Gateway final : public FlowOwner, public NameServer {
public:
    // `tun` is the opened, configured TUN device; `mtu` its MTU. With vnet_hdr, the device was
    // opened with IFF_VNET_HDR (and offloads): every packet read or written carries a
    // virtio_net_hdr, and GSO super-packets read are split into packets of at most `mtu`.
    // With `queues` (a multi-queue device), the device's I/O goes through its workers, which
    // must outlive the gateway; else the loop reads and writes tun_fd.
    static Result<std::unique_ptr<Gateway>> create(Node& node, EventLoop& loop,
                                                  const GatewayConfig& config, int tun_fd,
                                                  std::uint32_t mtu, bool vnet_hdr = false,
                                                  TunQueueWorkers* queues = nullptr);
    ~Gateway() override;
    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    // FlowOwner
    void on_flow_data(NodeFlow& flow, std::span<std::byte> sdu) override;
    void on_flow_state(NodeFlow& flow, flow::FlowState from, flow::FlowState to) override;
    // NameServer: remote gateways open flows to this node's name.
    bool ready() const override { return true; }
    int on_flow_request(NodeFlow& flow) override;
    void on_request_gone(NodeFlow&) override {}

    // SIGHUP: routes and timers from a new [gateway] section.
    void reload(const GatewayConfig& config);
    // Resets local TCP sessions and releases every flow (daemon shutdown).
    void stop();

    // Control ops.
    json::Array sessions_json(const json::Value& filter) const;
    json::Array peers_json() const;
    json::Value stats_json() const;
    // TAP mode: the bridge's MAC table (empty otherwise).
    json::Array macs_json() const;
    bool tap() const { return bridge_ != nullptr; }
    bool kill_session(std::uint64_t id);

    const GatewayStats& stats() const { return stats_; }
    std::size_t session_count() const { return sessions_.size(); }

private:
    struct PeerLink {
        std::uint64_t flow_id = 0;  // our allocated flow to the peer (flow-mapping = peer)
        bool opening = false;
        std::vector<std::vector<std::byte>> queue;
        std::size_t queued_bytes = 0;
    };

    Gateway(Node& node, EventLoop& loop, const GatewayConfig& config, int tun_fd,
            std::uint32_t mtu, bool vnet_hdr, TunQueueWorkers* queues);
    void apply_config(const GatewayConfig& config);

    // TUN → flows
    // The first IPCP: packets read from the device are built in its transmit slot.
    ipcp::Ipcp* primary_ipcp() const;
    // What the loop watches for packets from the device: its fd, or the queue workers'.
    int device_event_fd() const;
    void on_tun_readable();
    void from_device(std::span<std::byte> sdu);  // one IP packet (TUN) or frame (TAP)
    void from_local_frame(std::span<std::byte> frame);
    // One read with IFF_VNET_HDR; false when nothing was left to read.
    bool read_offloaded(ipcp::Ipcp* primary, std::span<std::byte> slot_sdu);
    // A packet read with IFF_VNET_HDR, its header decoded: split, checksummed or passed on.
    void from_offloaded(ipcp::Ipcp* primary, std::span<std::byte> packet, const VnetHeader& h);
    // Multi-queue: what the queue workers read.
    void on_queues_ready();
    void from_queue(ipcp::Ipcp* primary, std::span<std::byte> data);
    void split_gso(ipcp::Ipcp* primary, std::span<const std::byte> packet,
                   const VnetHeader& h);
    // An IP packet `ip` from the device, inside `sdu` (the frame in TAP mode, else `ip`
    // itself); `via`: the peer the bridge chose (TAP), else the routes decide.
    void from_local(std::span<std::byte> sdu, std::span<std::byte> ip, const PacketInfo& info,
                    std::optional<PeerIndex> via = std::nullopt);
    Session* open_session(const PacketInfo& info, std::span<const std::byte> sdu,
                          std::size_t ip_offset, std::optional<PeerIndex> via);
    void send_outbound(Session& s, std::span<std::byte> sdu, std::span<const std::byte> ip);
    void send_on_peer_link(PeerIndex peer, std::span<const std::byte> packet);
    bool enqueue(std::vector<std::vector<std::byte>>& queue, std::size_t& bytes,
                 std::span<const std::byte> packet);
    void on_session_flow(std::uint64_t session_id, int error, NodeFlow* flow);
    void on_peer_flow(PeerIndex peer, int error, NodeFlow* flow);

    // flows → TUN
    void from_remote(NodeFlow& flow, std::span<std::byte> packet);
    void from_remote_frame(NodeFlow& flow, std::span<std::byte> frame);
    // The session an inbound IP packet belongs to (adopted if new), or nullptr (counted).
    Session* inbound_session(NodeFlow& flow, const PacketInfo& info);
    Session* adopt_inbound(NodeFlow& flow, PeerIndex peer, const PacketInfo& info);
    std::optional<PeerIndex> peer_of(const NodeFlow& flow) const;
    // An inbound packet of session s on its way to the device: MSS clamp, TCP state, counters.
    void note_inbound(Session& s, const PacketInfo& info, std::span<std::byte> packet);
    void to_local(Session* s, std::span<const std::byte> packet);

    // teardown and timers
    void teardown(Session& s, TeardownReason reason);
    void tell_local(Session& s, TeardownReason reason);
    // `l2`: TAP mode, the stations to answer between (default: those of the frame in hand).
    void answer_unreachable(std::span<const std::byte> offending, const IpAddress& from,
                            bool no_route = false, const MacPair* l2 = nullptr);
    // Answers each queued SDU (IP packets, or frames in TAP mode) with ICMP unreachable.
    void fail_queue(std::vector<std::vector<std::byte>>& queue, const IpAddress& from,
                    const MacPair* l2 = nullptr);
    void peer_link_died(PeerIndex peer, TeardownReason reason);
    void track_tcp(Session& s, const PacketInfo& info, bool outbound);
    void reschedule(Session& s);
    void on_session_due(Session& s);
    void arm_timer();
    bool evict_one();
    TeardownReason reason_for(flow::FlowState from, flow::FlowState to) const;
    void write_tun(std::span<const std::byte> packet);
    // Multi-queue: into the transmit ring of the queue the packet's addresses pick; false when
    // the ring is full (the caller counts the drop).
    bool write_queued(std::span<const std::byte> vnet_header, std::span<const std::byte> packet,
                      PacketMeta meta);
    // Where the gateway builds an IP packet for a local host (RST, ICMP): after room for an
    // Ethernet header in TAP mode. write_generated() sends the n bytes built there, framed
    // for `l2` in TAP mode (to l2->local from l2->remote).
    std::span<std::byte> generated_ip();
    void write_generated(std::size_t n, const MacPair* l2);
    // TAP: a peer's flows died or timed out: its MAC entries go.
    void forget_peer_macs(PeerIndex peer);
    // From a flow to the TUN device: coalesced with what is pending when vnet_hdr allows it.
    void deliver_tun(std::span<const std::byte> packet, const PacketInfo& info);
    void flush_tun();
    bool is_own_address(const IpAddress& a) const;  // an address of the TUN device
    void add_queue_stats(json::Value& out) const;   // multi-queue: the workers' counters

    Node& node_;
    EventLoop& loop_;
    GatewayConfig config_;
    qosspec_t qos_{};
    GatewayTimers timers_;
    int tun_fd_;
    TunQueueWorkers* queues_ = nullptr;
    std::uint32_t mtu_;
    RouteTable routes_;
    SessionTable sessions_;
    std::vector<PeerLink> peer_links_;
    std::unordered_map<std::uint64_t, PeerIndex> peer_flows_;      // flow id -> peer (any flow
                                                                   // of a peer, peer mapping)
    std::unordered_map<std::uint64_t, PeerIndex> unbound_flows_;   // accepted, no session yet
    GatewayStats stats_;
    TimerId timer_ = TimerId::none;
    std::optional<Instant> timer_at_;
    std::vector<std::byte> scratch_;  // RST and ICMP replies
    bool vnet_hdr_ = false;
    std::vector<std::byte> gso_in_;   // vnet_hdr: a super-packet read from the TUN device
    std::vector<std::byte> gso_out_;  // vnet_hdr: a segment, when no IPCP slot takes it
    std::unique_ptr<TcpCoalescer> coalescer_;  // vnet_hdr: TCP segments on their way to the TUN
    bool stopping_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the loop hook
    log::RateLimiter icmp_limit_;
    // TAP mode.
    std::unique_ptr<PeerSourceFilter> source_filter_;
    std::unique_ptr<TapBridge> bridge_;
    const MacPair* reply_l2_ = nullptr;  // while a local frame is handled: its two addresses
};

}  // namespace ogw::gw
