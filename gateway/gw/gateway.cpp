// SPDX-License-Identifier: BSD-3-Clause
#include "gw/gateway.hpp"

#include "bridge/bridge_json.hpp"
#include "packet/mss_clamp.hpp"
#include "packet/packet_builder.hpp"

#include <flowlib/bytes.hpp>
#include <flowlib/log.hpp>
#include <flowlib/qos.hpp>
#include <ipcp/secure/keys.hpp>

#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace ogw::gw {
namespace {

constexpr std::size_t queue_limit_packets = 32;
constexpr std::size_t queue_limit_bytes = 64 * 1024;
constexpr int tun_read_budget = 64;
constexpr std::size_t max_ip_packet = 65535;

bool peer_gone(flow::FlowState s) {
    return s == flow::FlowState::peer_deallocated || s == flow::FlowState::peer_timed_out;
}

// TAP: the first SDU of a bridge link, telling the accepting gateway that this flow carries
// the peer's floods and other frames of no session. An Ethernet frame from no station to a
// reserved 802.1 group (never bridged), with the local experimental Ethertype 0x88b5.
constexpr std::array<std::uint8_t, 22> bridge_hello_bytes = {
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e,  // destination
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // source
    0x88, 0xb5,                          // Ethertype
    'o', 'g', 'w', '-', 'l', 'i', 'n', 'k'};

std::span<const std::byte> bridge_hello() { return std::as_bytes(std::span(bridge_hello_bytes)); }

bool is_bridge_hello(std::span<const std::byte> frame) {
    const auto hello = bridge_hello();
    return frame.size() == hello.size() && std::equal(frame.begin(), frame.end(), hello.begin());
}

class RouteSourceFilter final : public PeerSourceFilter {
public:
    explicit RouteSourceFilter(const RouteTable& routes) : routes_(routes) {}
    bool allows(PeerIndex peer, const IpAddress& source) const override {
        return routes_.routes_to(source, peer);
    }

private:
    const RouteTable& routes_;
};

}  // namespace

Result<std::unique_ptr<Gateway>> Gateway::create(Node& node, EventLoop& loop,
                                                const GatewayConfig& config, int tun_fd,
                                                std::uint32_t mtu, bool vnet_hdr,
                                                TunQueueWorkers* queues) {
    std::unique_ptr<Gateway> gw(new Gateway(node, loop, config, tun_fd, mtu, vnet_hdr, queues));
    if (auto r = node.register_name(node.name(), gw.get()); !r) {
        return unexpected(r.error());
    }
    auto r = queues != nullptr
                 ? loop.add(gw->device_event_fd(), EPOLLIN,
                            [g = gw.get()](std::uint32_t) { g->on_queues_ready(); })
                 : loop.add(gw->device_event_fd(), EPOLLIN,
                            [g = gw.get()](std::uint32_t) { g->on_tun_readable(); });
    if (!r) {
        node.unregister_name(node.name(), gw.get());
        return unexpected(r.error());
    }
    return gw;
}

Gateway::Gateway(Node& node, EventLoop& loop, const GatewayConfig& config, int tun_fd,
                 std::uint32_t mtu, bool vnet_hdr, TunQueueWorkers* queues)
    : node_(node), loop_(loop), tun_fd_(tun_fd), queues_(queues), mtu_(mtu),
      scratch_(max_ip_packet),
      vnet_hdr_(vnet_hdr) {
    if (vnet_hdr_) {
        gso_in_.resize(max_ip_packet + mtu_);
        gso_out_.resize(max_ip_packet);
        coalescer_ = std::make_unique<TcpCoalescer>();
    }
    apply_config(config);
    if (config.mode == GatewayMode::tap) {
        TapBridgeConfig bc;
        bc.max_frame = mtu_ + ethernet_header_size;
        bc.macs.ageing_time = std::chrono::milliseconds(std::max<std::uint64_t>(config.mac_ageing_ms, 1));
        bc.macs.capacity = std::max<std::size_t>(config.max_macs, 1);
        bc.flood.rate = config.flood_rate;
        bc.flood.burst = config.flood_burst;
        MacHashKey key{};
        ipcp::secure::SodiumRng().fill(std::as_writable_bytes(std::span(key)));
        source_filter_ = std::make_unique<RouteSourceFilter>(routes_);
        bridge_ = std::make_unique<TapBridge>(bc, key, *source_filter_);
    }
    loop_.add_before_wait([this, alive = std::weak_ptr<bool>(alive_)] {
        if (!alive.expired()) {
            flush_tun();
            if (queues_ != nullptr) {
                queues_->kick_writers();
            }
            arm_timer();
            if (bridge_) {
                bridge_->on_timer(loop_.now());
            }
        }
    });
}

Gateway::~Gateway() {
    (void)loop_.remove(device_event_fd());
    if (timer_ != TimerId::none) {
        loop_.cancel_timer(timer_);
    }
    node_.unregister_name(node_.name(), this);
    node_.for_each_flow([this](NodeFlow& f) {
        if (f.owner == this) {
            f.owner = nullptr;
        }
    });
}

void Gateway::apply_config(const GatewayConfig& config) {
    config_ = config;
    routes_.clear();
    for (const auto& r : config.routes) {
        routes_.add(r.prefix, r.remote);
    }
    peer_links_.resize(std::max(peer_links_.size(), routes_.peers().size()));
    qos_ = flow::cube_by_name(config.qos).value_or(qos_raw);
    qos_.timeout = config.peer_timeout_ms;
}

void Gateway::reload(const GatewayConfig& config) {
    apply_config(config);
    OGW_LOG(info, "gateway") << "reloaded: " << routes_.size() << " route(s), peer timeout "
                             << config.peer_timeout_ms << " ms, idle timeout "
                             << config.idle_timeout_ms << " ms";
}

// =============================================================================== TUN → flows

void Gateway::on_tun_readable() {
    ipcp::Ipcp* primary = primary_ipcp();
    for (int i = 0; i < tun_read_budget; ++i) {
        // Read straight into the primary IPCP's next transmit slot: a packet for a flow on
        // that IPCP then leaves without a copy.
        std::span<std::byte> slot_sdu;
        if (primary != nullptr) {
            const auto slot = primary->tx_slot();
            const std::size_t hdr = primary->engine().data_header_size();
            const std::size_t largest =
                mtu_ + (bridge_ ? ethernet_header_size + max_vlan_tags * vlan_tag_size : 0);
            if (slot.size() >= hdr + largest) {
                slot_sdu = slot.subspan(hdr);
            }
        }
        if (vnet_hdr_) {
            if (!read_offloaded(primary, slot_sdu)) {
                return;
            }
            continue;
        }
        const std::span<std::byte> buf = slot_sdu.empty() ? std::span(scratch_) : slot_sdu;
        const ssize_t n = ::read(tun_fd_, buf.data(), buf.size());
        if (n <= 0) {
            return;
        }
        const auto len = static_cast<std::size_t>(n);
        stats_.tun_rx_packets++;
        stats_.tun_rx_bytes += len;
        from_device(buf.first(len));
    }
}

bool Gateway::read_offloaded(ipcp::Ipcp* primary, std::span<std::byte> slot_sdu) {
    // A packet that fits lands in the transmit slot; a super-packet continues into gso_in_
    // (past the slot's length, so that the head can be moved in front of it).
    std::array<std::byte, vnet_hdr_size> vh{};
    const std::size_t head = slot_sdu.empty() ? 0 : std::min<std::size_t>(slot_sdu.size(), mtu_);
    std::array<iovec, 3> iov{};
    std::size_t count = 0;
    iov[count++] = {vh.data(), vh.size()};
    if (head != 0) {
        iov[count++] = {slot_sdu.data(), head};
    }
    iov[count++] = {gso_in_.data() + head, gso_in_.size() - head};
    const ssize_t n = ::readv(tun_fd_, iov.data(), static_cast<int>(count));
    if (n <= 0) {
        return false;
    }
    VnetHeader h;
    if (static_cast<std::size_t>(n) <= vnet_hdr_size || !decode_vnet_header(vh, h)) {
        stats_.drop(GatewayDrop::tun_offload);
        return true;
    }
    const std::size_t len = static_cast<std::size_t>(n) - vnet_hdr_size;
    std::span<std::byte> packet;
    if (head != 0 && len <= head && !h.is_gso()) {
        packet = slot_sdu.first(len);  // zero copy
    } else {
        if (head != 0) {
            std::memcpy(gso_in_.data(), slot_sdu.data(), std::min(head, len));
        }
        packet = std::span(gso_in_).first(len);
    }
    from_offloaded(primary, packet, h);
    return true;
}

void Gateway::from_offloaded(ipcp::Ipcp* primary, std::span<std::byte> packet,
                             const VnetHeader& h) {
    if (h.is_gso()) {
        split_gso(primary, packet, h);
        return;
    }
    if ((h.flags & vnet_flag_needs_csum) != 0 &&
        complete_checksum(packet, h.csum_start, h.csum_offset) != OffloadError::none) {
        stats_.drop(GatewayDrop::tun_offload);
        return;
    }
    stats_.tun_rx_packets++;
    stats_.tun_rx_bytes += packet.size();
    from_device(packet);
}

int Gateway::device_event_fd() const {
    return queues_ != nullptr ? queues_->ready_fd() : tun_fd_;
}

ipcp::Ipcp* Gateway::primary_ipcp() const {
    return node_.ipcps().empty() ? nullptr : node_.ipcps().front().get();
}

void Gateway::on_queues_ready() {
    ipcp::Ipcp* primary = primary_ipcp();
    queues_->drain(tun_read_budget,
                   [this, primary](std::span<std::byte> data) { from_queue(primary, data); });
}

void Gateway::from_queue(ipcp::Ipcp* primary, std::span<std::byte> data) {
    if (!vnet_hdr_) {
        stats_.tun_rx_packets++;
        stats_.tun_rx_bytes += data.size();
        from_device(data);
        return;
    }
    VnetHeader h;
    if (data.size() <= vnet_hdr_size ||
        !decode_vnet_header(data.first<vnet_hdr_size>(), h)) {
        stats_.drop(GatewayDrop::tun_offload);
        return;
    }
    from_offloaded(primary, data.subspan(vnet_hdr_size), h);
}

void Gateway::split_gso(ipcp::Ipcp* primary, std::span<const std::byte> packet,
                        const VnetHeader& h) {
    const GsoPlan plan = plan_gso(packet, h);
    if (!plan.ok()) {
        stats_.drop(GatewayDrop::tun_offload);
        return;
    }
    for (std::size_t i = 0; i < plan.count; ++i) {
        // Each segment is built in the transmit slot, which queue_tx() moves on.
        std::span<std::byte> out(gso_out_);
        if (primary != nullptr) {
            const auto slot = primary->tx_slot();
            const std::size_t hdr = primary->engine().data_header_size();
            if (slot.size() >= hdr + plan.segment_size(i)) {
                out = slot.subspan(hdr);
            }
        }
        const std::size_t n = build_gso_segment(packet, plan, i, out);
        if (n == 0) {
            stats_.drop(GatewayDrop::tun_offload);
            continue;
        }
        stats_.tun_rx_packets++;
        stats_.tun_rx_bytes += n;
        from_device(out.first(n));
    }
}

void Gateway::from_device(std::span<std::byte> sdu) {
    if (bridge_) {
        from_local_frame(sdu);
        return;
    }
    const PacketInfo info = parse_ip(sdu);
    if (!info.ok()) {
        stats_.malformed[static_cast<std::size_t>(info.error)]++;
        return;
    }
    const auto packet = sdu.first(info.ip_length);
    from_local(packet, packet, info);
}

void Gateway::from_local_frame(std::span<std::byte> frame) {
    const BridgeDecision d = bridge_->on_local_frame(loop_.wake_time(), frame);
    switch (d.action) {
    case BridgeAction::flood:
        for (PeerIndex p = 0; p < routes_.peers().size(); ++p) {
            send_on_peer_link(p, frame);
        }
        return;
    case BridgeAction::to_peer:
        if (d.ip && d.ip->ok() && !d.frame.dst.is_multicast()) {
            const std::size_t at = d.frame.payload_offset;
            const MacPair l2{d.frame.src, d.frame.dst};
            reply_l2_ = &l2;
            from_local(frame.first(at + d.ip->ip_length), frame.subspan(at, d.ip->ip_length),
                       *d.ip, d.peer);
            reply_l2_ = nullptr;
        } else {
            send_on_peer_link(d.peer, frame);
        }
        return;
    case BridgeAction::deliver_local:
    case BridgeAction::drop:
        return;  // counted by the bridge
    }
}

void Gateway::from_local(std::span<std::byte> sdu, std::span<std::byte> ip, const PacketInfo& info,
                         std::optional<PeerIndex> via) {
    const Instant now = loop_.wake_time();
    Session* s = sessions_.find(info.tuple);
    if (s == nullptr) {
        if (sessions_.tombstone(info.tuple, now) != nullptr) {
            stats_.drop(GatewayDrop::dead_session);
            answer_unreachable(ip, info.tuple.dst);
            return;
        }
        open_session(info, sdu, static_cast<std::size_t>(ip.data() - sdu.data()), via);
        return;
    }
    if (info.kind == PacketKind::tcp && clamp_mss(ip, mss_for_mtu(mtu_, info.tuple.src.is_v6()))) {
        stats_.mss_clamped++;
    }
    track_tcp(*s, info, true);
    sessions_.touch(*s, now);
    s->tx_packets++;
    s->tx_bytes += ip.size();
    send_outbound(*s, sdu, ip);
}

Session* Gateway::open_session(const PacketInfo& info, std::span<const std::byte> sdu,
                               std::size_t ip_offset, std::optional<PeerIndex> via) {
    const FiveTuple& key = info.tuple;
    const std::span<const std::byte> packet = sdu.subspan(ip_offset);
    const auto peer = via ? via : routes_.lookup(key.dst);
    if (!peer) {
        stats_.drop(GatewayDrop::no_route);
        answer_unreachable(packet, key.dst, true);
        return nullptr;
    }
    if (info.kind == PacketKind::tcp && !info.tcp.has(tcp_flag::syn)) {
        // A segment of a connection the gateway does not know (it died, or ogwd restarted):
        // reset it so the local endpoint does not hang.
        stats_.drop(GatewayDrop::no_session);
        if (const auto rst = rst_in_reply_to(info.tcp)) {
            const std::size_t n =
                build_tcp_rst_to_local(generated_ip(), key, rst->seq, rst->ack, rst->with_ack);
            if (n > 0) {
                stats_.tcp_resets_sent++;
                write_generated(n, reply_l2_);
            }
        }
        return nullptr;
    }
    if (info.kind == PacketKind::icmp_error) {
        stats_.drop(GatewayDrop::no_session);
        return nullptr;
    }
    if (sessions_.size() >= config_.max_sessions && !evict_one()) {
        stats_.drop(GatewayDrop::queue_full);
        return nullptr;
    }
    const Instant now = loop_.now();
    Session& s = sessions_.create(key, *peer, now);
    if (reply_l2_ != nullptr) {
        s.l2 = *reply_l2_;
    }
    const std::uint64_t id = s.id;
    stats_.sessions_opened++;
    std::vector<std::byte> first(sdu.begin(), sdu.end());
    if (info.kind == PacketKind::tcp &&
        clamp_mss(std::span(first).subspan(ip_offset), mss_for_mtu(mtu_, key.src.is_v6()))) {
        stats_.mss_clamped++;
    }
    track_tcp(s, info, true);
    s.tx_packets++;
    s.tx_bytes += packet.size();
    reschedule(s);

    if (config_.flow_mapping == FlowMapping::peer) {
        s.state = SessionState::established;
        send_on_peer_link(*peer, first);
        return sessions_.find_id(id);
    }
    // The first packet rides on the flow request; a copy stays queued (and is skipped once
    // allocated) so that a failure can be answered with an ICMP error quoting it.
    s.queue = std::make_unique<OpeningQueue>(OpeningQueue{{first}, first.size()});
    const std::uint64_t flow_id = node_.alloc(
        routes_.peer_name(*peer), qos_, from_ms(config_.alloc_timeout_ms), this, 0,
        [this, id](int error, NodeFlow* flow) { on_session_flow(id, error, flow); }, first);
    Session* alive = sessions_.find_id(id);
    if (alive != nullptr && flow_id != 0 && alive->state == SessionState::opening) {
        sessions_.bind_flow(*alive, flow_id);
    }
    return alive;
}

void Gateway::on_session_flow(std::uint64_t session_id, int error, NodeFlow* flow) {
    Session* s = sessions_.find_id(session_id);
    if (s == nullptr) {
        if (flow != nullptr) {
            node_.dealloc(flow->id);
        }
        return;
    }
    if (error != 0) {
        stats_.flow_alloc_failures++;
        OGW_LOG_RATELIMITED(info, "gateway")
            << "session " << session_id << " to " << routes_.peer_name(s->peer)
            << ": allocation failed (" << error << ")";
        s->flow_id = 0;
        teardown(*s, TeardownReason::alloc_failed);
        return;
    }
    stats_.flows_allocated++;
    sessions_.bind_flow(*s, flow->id);
    flow->session_id = s->id;
    if (s->state == SessionState::opening) {
        s->state = SessionState::established;
    }
    // The first packet went with the flow request.
    const std::unique_ptr<OpeningQueue> queue = std::move(s->queue);
    for (std::size_t i = 1; queue && i < queue->packets.size(); ++i) {
        if (node_.send(*flow, queue->packets[i]) != 0) {
            stats_.drop(GatewayDrop::flow_send);
        }
    }
}

void Gateway::send_outbound(Session& s, std::span<std::byte> sdu, std::span<const std::byte> ip) {
    if (config_.flow_mapping == FlowMapping::peer) {
        send_on_peer_link(s.peer, sdu);
        return;
    }
    if (s.state == SessionState::opening || s.flow_id == 0) {
        if (!s.queue) {
            s.queue = std::make_unique<OpeningQueue>();
        }
        if (!enqueue(s.queue->packets, s.queue->bytes, sdu)) {
            stats_.drop(GatewayDrop::queue_full);
        }
        return;
    }
    NodeFlow* flow = node_.find(s.flow_id);
    const int rc = flow != nullptr ? node_.send(*flow, sdu) : -ENOTALLOC;
    if (rc == -EMSGSIZE) {
        stats_.drop(GatewayDrop::too_big);
        const std::size_t framing = sdu.size() - ip.size();
        const std::size_t n = build_icmp_too_big(
            generated_ip(), ip, s.key.dst,
            static_cast<std::uint32_t>(flow->ipcp->engine().max_sdu() - framing));
        if (n > 0) {
            stats_.icmp_errors_sent++;
            write_generated(n, &s.l2);
        }
    } else if (rc != 0) {
        stats_.drop(GatewayDrop::flow_send);
    }
}

void Gateway::send_on_peer_link(PeerIndex peer, std::span<const std::byte> packet) {
    PeerLink& link = peer_links_[peer];
    if (link.flow_id == 0) {
        link.opening = true;
        const std::uint64_t id = node_.alloc(
            routes_.peer_name(peer), qos_, from_ms(config_.alloc_timeout_ms), this, 0,
            [this, peer](int error, NodeFlow* flow) { on_peer_flow(peer, error, flow); },
            bridge_ ? bridge_hello() : std::span<const std::byte>());
        if (peer_links_[peer].opening) {
            peer_links_[peer].flow_id = id;
        }
    }
    PeerLink& l = peer_links_[peer];
    if (l.opening || l.flow_id == 0) {
        if (!enqueue(l.queue, l.queued_bytes, packet)) {
            stats_.drop(GatewayDrop::queue_full);
        }
        return;
    }
    NodeFlow* flow = node_.find(l.flow_id);
    if (flow == nullptr || node_.send(*flow, packet) != 0) {
        stats_.drop(GatewayDrop::flow_send);
    }
}

void Gateway::on_peer_flow(PeerIndex peer, int error, NodeFlow* flow) {
    PeerLink& link = peer_links_[peer];
    link.opening = false;
    if (error != 0) {
        stats_.flow_alloc_failures++;
        link.flow_id = 0;
        fail_queue(link.queue, IpAddress());
        link.queued_bytes = 0;
        if (config_.flow_mapping == FlowMapping::peer) {
            peer_link_died(peer, TeardownReason::alloc_failed);
        }
        return;
    }
    stats_.flows_allocated++;
    link.flow_id = flow->id;
    peer_flows_[flow->id] = peer;
    for (const auto& packet : link.queue) {
        if (node_.send(*flow, packet) != 0) {
            stats_.drop(GatewayDrop::flow_send);
        }
    }
    link.queue.clear();
    link.queued_bytes = 0;
}

bool Gateway::enqueue(std::vector<std::vector<std::byte>>& queue, std::size_t& bytes,
                      std::span<const std::byte> packet) {
    if (queue.size() >= queue_limit_packets || bytes + packet.size() > queue_limit_bytes) {
        return false;
    }
    queue.emplace_back(packet.begin(), packet.end());
    bytes += packet.size();
    return true;
}

// =============================================================================== flows → TUN

int Gateway::on_flow_request(NodeFlow& flow) {
    const auto peer = routes_.peer_index(flow.remote_name);
    if (!peer) {
        stats_.drop(GatewayDrop::unknown_peer);
        OGW_LOG_RATELIMITED(info, "gateway") << "refused a flow from '" << flow.remote_name
                                             << "': no route names it";
        return -EACCES;
    }
    // Known before accepting: the accept delivers the piggybacked first packet at once.
    if (config_.flow_mapping == FlowMapping::peer) {
        peer_flows_[flow.id] = *peer;
        PeerLink& link = peer_links_[*peer];
        if (link.flow_id == 0 && !link.opening) {
            link.flow_id = flow.id;  // one flow per peer gateway, whichever side opened it
        }
    } else {
        unbound_flows_[flow.id] = *peer;
    }
    node_.accept(flow, this, 0);
    return 0;
}

void Gateway::on_flow_data(NodeFlow& flow, std::span<std::byte> sdu) {
    from_remote(flow, sdu);
}

void Gateway::from_remote(NodeFlow& flow, std::span<std::byte> packet) {
    if (bridge_) {
        from_remote_frame(flow, packet);
        return;
    }
    const PacketInfo info = parse_ip(packet);
    if (!info.ok()) {
        stats_.malformed[static_cast<std::size_t>(info.error)]++;
        return;
    }
    packet = packet.first(info.ip_length);
    Session* s = inbound_session(flow, info);
    if (s == nullptr) {
        return;
    }
    note_inbound(*s, info, packet);
    deliver_tun(packet, info);
}

void Gateway::note_inbound(Session& s, const PacketInfo& info, std::span<std::byte> packet) {
    if (info.kind == PacketKind::tcp &&
        clamp_mss(packet, mss_for_mtu(mtu_, info.tuple.src.is_v6()))) {
        stats_.mss_clamped++;
    }
    track_tcp(s, info, false);
    sessions_.touch(s, loop_.wake_time());
    s.rx_packets++;
    s.rx_bytes += packet.size();
}

void Gateway::from_remote_frame(NodeFlow& flow, std::span<std::byte> frame) {
    if (is_bridge_hello(frame)) {
        // The peer's bridge link: its floods and frames of no session come this way.
        if (const auto it = unbound_flows_.find(flow.id); it != unbound_flows_.end()) {
            const PeerIndex peer = it->second;
            unbound_flows_.erase(it);
            peer_flows_[flow.id] = peer;
            PeerLink& link = peer_links_[peer];
            if (link.flow_id == 0 && !link.opening) {
                link.flow_id = flow.id;  // one link per peer gateway, whichever side opened it
            }
        }
        return;
    }
    const auto peer = peer_of(flow);
    if (!peer) {
        stats_.drop(GatewayDrop::unknown_peer);
        return;
    }
    const BridgeDecision d = bridge_->on_peer_frame(loop_.wake_time(), *peer, frame);
    if (d.action != BridgeAction::deliver_local) {
        return;  // counted by the bridge
    }
    // With flow-mapping = session, the bridge link carries no session: its frames go through
    // as they are (the bridge checked their sources).
    const bool on_link = config_.flow_mapping == FlowMapping::session &&
                         peer_flows_.contains(flow.id);
    if (!d.ip || !d.ip->ok() || d.frame.dst.is_multicast() || on_link) {
        write_tun(frame);
        return;
    }
    const PacketInfo& info = *d.ip;
    const std::size_t at = d.frame.payload_offset;
    const auto packet = frame.subspan(at, info.ip_length);
    Session* s = inbound_session(flow, info);
    if (s == nullptr) {
        return;
    }
    if (s->l2.local.is_zero()) {
        s->l2 = MacPair{d.frame.dst, d.frame.src};
    }
    note_inbound(*s, info, packet);
    write_tun(frame.first(at + info.ip_length));
}

std::optional<PeerIndex> Gateway::peer_of(const NodeFlow& flow) const {
    if (const Session* s = sessions_.find_flow(flow.session_id, flow.id)) {
        return s->peer;
    }
    if (const auto it = unbound_flows_.find(flow.id); it != unbound_flows_.end()) {
        return it->second;
    }
    if (const auto it = peer_flows_.find(flow.id); it != peer_flows_.end()) {
        return it->second;
    }
    return std::nullopt;
}

Session* Gateway::inbound_session(NodeFlow& flow, const PacketInfo& info) {
    Session* s = sessions_.find_flow(flow.session_id, flow.id);
    if (s == nullptr) {
        if (const auto it = unbound_flows_.find(flow.id); it != unbound_flows_.end()) {
            const PeerIndex peer = it->second;
            unbound_flows_.erase(it);
            s = adopt_inbound(flow, peer, info);
        } else if (const auto pit = peer_flows_.find(flow.id); pit != peer_flows_.end()) {
            const PeerIndex peer = pit->second;
            if (!routes_.routes_to(info.tuple.src, peer)) {
                stats_.drop(GatewayDrop::spoofed);
                return nullptr;
            }
            const FiveTuple key = info.tuple.reversed();
            s = sessions_.find(key);
            if (s == nullptr) {
                s = adopt_inbound(flow, peer, info);
            }
        }
        return s;
    }
    if (info.tuple.reversed() != s->key) {
        // Only the session's own packets, or ICMP errors about it from the peer's side.
        const bool icmp_about_session = info.kind == PacketKind::icmp_error &&
                                        routes_.routes_to(info.tuple.src, s->peer) &&
                                        info.tuple.dst == s->key.src;
        if (!icmp_about_session) {
            stats_.drop(GatewayDrop::spoofed);
            return nullptr;
        }
    }
    return s;
}

Session* Gateway::adopt_inbound(NodeFlow& flow, PeerIndex peer, const PacketInfo& info) {
    // A session flow whose first packet cannot open a session is released at once: it
    // would otherwise stay allocated with nothing to expire it.
    const auto refuse = [&](GatewayDrop why) -> Session* {
        stats_.drop(why);
        if (config_.flow_mapping == FlowMapping::session) {
            node_.dealloc(flow.id);
        }
        return nullptr;
    };
    if (!routes_.routes_to(info.tuple.src, peer)) {
        return refuse(GatewayDrop::spoofed);
    }
    if (!bridge_ && routes_.lookup(info.tuple.dst) && !is_own_address(info.tuple.dst)) {
        return refuse(GatewayDrop::not_routed_here);  // no transit between remote sites
    }
    const FiveTuple key = info.tuple.reversed();
    if (Session* old = sessions_.find(key)) {
        teardown(*old, TeardownReason::evicted);  // a stale session for the same key
    }
    if (sessions_.size() >= config_.max_sessions && !evict_one()) {
        return refuse(GatewayDrop::queue_full);
    }
    Session& s = sessions_.create(key, peer, loop_.now());
    s.accepted = true;
    s.state = SessionState::established;
    stats_.sessions_opened++;
    if (config_.flow_mapping == FlowMapping::session) {
        sessions_.bind_flow(s, flow.id);
        flow.session_id = s.id;
    }
    reschedule(s);
    return &s;
}

bool Gateway::is_own_address(const IpAddress& a) const {
    return std::any_of(config_.addresses.begin(), config_.addresses.end(),
                       [&](const IpPrefix& p) { return p.address() == a; });
}

void Gateway::write_tun(std::span<const std::byte> packet) {
    // With vnet_hdr, a plain packet: no GSO, checksums complete.
    static constexpr std::array<std::byte, vnet_hdr_size> no_offload{};
    const std::span<const std::byte> vh =
        vnet_hdr_ ? std::span<const std::byte>(no_offload) : std::span<const std::byte>();
    if (vnet_hdr_) {
        flush_tun();  // keeps the order of what this side sends
    }
    if (queues_ != nullptr) {
        if (!write_queued(vh, packet, PacketMeta{1, static_cast<std::uint32_t>(packet.size())})) {
            stats_.drop(GatewayDrop::tun_write);
        }
        return;
    }
    std::array<iovec, 2> iov{{{const_cast<std::byte*>(vh.data()), vh.size()},
                              {const_cast<std::byte*>(packet.data()), packet.size()}}};
    const ssize_t n = ::writev(tun_fd_, iov.data(), static_cast<int>(iov.size()));
    if (n < 0) {
        stats_.drop(GatewayDrop::tun_write);
        return;
    }
    stats_.tun_tx_packets++;
    stats_.tun_tx_bytes += packet.size();
}

bool Gateway::write_queued(std::span<const std::byte> vnet_header,
                           std::span<const std::byte> packet, PacketMeta meta) {
    const std::size_t queue = tun_queue_for(packet, bridge_ != nullptr, queues_->queue_count());
    const std::span<std::byte> slot = queues_->write_slot(queue);
    const std::size_t len = vnet_header.size() + packet.size();
    if (slot.size() < len) {
        return false;
    }
    std::memcpy(slot.data(), vnet_header.data(), vnet_header.size());
    std::memcpy(slot.data() + vnet_header.size(), packet.data(), packet.size());
    queues_->commit_write(queue, len, meta);
    return true;
}

void Gateway::deliver_tun(std::span<const std::byte> packet, const PacketInfo& info) {
    if (!coalescer_) {
        write_tun(packet);
        return;
    }
    if (!coalescer_->append(packet, info)) {
        flush_tun();
        if (!coalescer_->append(packet, info)) {
            write_tun(packet);
            return;
        }
    }
    if (coalescer_->closed()) {
        flush_tun();
    }
}

void Gateway::flush_tun() {
    if (!coalescer_ || coalescer_->empty()) {
        return;
    }
    const std::size_t segments = coalescer_->segments();
    const std::size_t bytes = coalescer_->bytes_in();
    VnetHeader h;
    const auto packet = coalescer_->flush(h);
    std::array<std::byte, vnet_hdr_size> vh{};
    encode_vnet_header(h, vh);
    if (queues_ != nullptr) {
        const PacketMeta meta{static_cast<std::uint32_t>(segments),
                              static_cast<std::uint32_t>(bytes)};
        if (!write_queued(vh, packet, meta)) {
            stats_.drops[static_cast<std::size_t>(GatewayDrop::tun_write)] += segments;
        }
        return;
    }
    std::array<iovec, 2> iov{{{vh.data(), vh.size()},
                              {const_cast<std::byte*>(packet.data()), packet.size()}}};
    if (::writev(tun_fd_, iov.data(), static_cast<int>(iov.size())) < 0) {
        stats_.drops[static_cast<std::size_t>(GatewayDrop::tun_write)] += segments;
        return;
    }
    stats_.tun_tx_packets += segments;
    stats_.tun_tx_bytes += bytes;
}

// =============================================================================== flow states

TeardownReason Gateway::reason_for(flow::FlowState from, flow::FlowState to) const {
    if (to == flow::FlowState::peer_timed_out) {
        return from == flow::FlowState::down ? TeardownReason::link_down
                                             : TeardownReason::peer_timeout;
    }
    if (to == flow::FlowState::peer_deallocated) {
        return TeardownReason::peer_dealloc;
    }
    return TeardownReason::admin;
}

void Gateway::on_flow_state(NodeFlow& flow, flow::FlowState from, flow::FlowState to) {
    const bool dead = peer_gone(to) || to == flow::FlowState::dealloc_pending ||
                      to == flow::FlowState::closed;
    if (!dead) {
        return;  // down and up: sessions wait for the link
    }
    if (bridge_) {
        // A peer that timed out is gone, and so are the stations behind it; so when its
        // bridge link ends. (A session flow the peer closed says nothing about the others.)
        const auto peer = peer_of(flow);
        if (peer && (to == flow::FlowState::peer_timed_out ||
                     (peer_gone(to) && peer_flows_.contains(flow.id)))) {
            forget_peer_macs(*peer);
        }
    }
    unbound_flows_.erase(flow.id);
    if (Session* s = sessions_.find_flow(flow.session_id, flow.id)) {
        // The peer gateway ending a TCP session that closed or reset is the end of that
        // close, not a separate cause.
        const bool tcp_over = s->linger_until.has_value() && to == flow::FlowState::peer_deallocated;
        teardown(*s, tcp_over ? s->linger_reason : reason_for(from, to));
        return;
    }
    if (const auto it = peer_flows_.find(flow.id); it != peer_flows_.end()) {
        const PeerIndex peer = it->second;
        peer_flows_.erase(it);
        if (peer_links_[peer].flow_id == flow.id) {
            peer_links_[peer].flow_id = 0;
        }
        if (config_.flow_mapping == FlowMapping::peer) {
            peer_link_died(peer, reason_for(from, to));  // its sessions rode on it
        }
        if (peer_gone(to)) {
            node_.dealloc(flow.id);
        }
    }
}

}  // namespace ogw::gw
