// SPDX-License-Identifier: BSD-3-Clause
// The gateway's answers to `ogw sessions`, `ogw peers` and `ogw stats`.
#include "gw/gateway.hpp"

#include "bridge/bridge_json.hpp"

#include <limits>

namespace ogw::gw {
namespace {

std::string proto_name(std::uint8_t p) {
    switch (p) {
    case ipproto::tcp: return "tcp";
    case ipproto::udp: return "udp";
    case ipproto::icmp: return "icmp";
    case ipproto::icmpv6: return "icmpv6";
    default: return std::to_string(p);
    }
}

}  // namespace

json::Array Gateway::sessions_json(const json::Value& filter) const {
    const auto peer = filter.get_string("peer");
    const auto state = filter.get_string("state");
    const auto proto = filter.get_string("proto");
    const Instant now = loop_.now();
    json::Array out;
    sessions_.for_each([&](const Session& s) {
        const std::string& peer_name = routes_.peer_name(s.peer);
        if ((peer && peer_name != *peer) || (state && to_string(s.state) != *state) ||
            (proto && proto_name(s.key.proto) != *proto)) {
            return;
        }
        std::uint64_t flow_id = s.flow_id;
        if (config_.flow_mapping == FlowMapping::peer && s.peer < peer_links_.size()) {
            flow_id = peer_links_[s.peer].flow_id;
        }
        out.push_back(json::Object{
            {"id", s.id},
            {"proto", proto_name(s.key.proto)},
            {"src", s.key.src.to_string()},
            {"sport", s.key.sport},
            {"dst", s.key.dst.to_string()},
            {"dport", s.key.dport},
            {"peer", peer_name},
            {"flow_id", flow_id != 0 ? json::Value(flow_id) : json::Value(nullptr)},
            {"state", std::string(to_string(s.state))},
            {"opened_by", s.accepted ? "remote" : "local"},
            {"age_ms", to_ms(now - s.created)},
            {"idle_ms", to_ms(now - s.last_active)},
            {"tx_packets", s.tx_packets},
            {"tx_bytes", s.tx_bytes},
            {"rx_packets", s.rx_packets},
            {"rx_bytes", s.rx_bytes},
        });
    });
    return out;
}

json::Array Gateway::peers_json() const {
    const Instant now = loop_.now();
    json::Array out;
    for (PeerIndex p = 0; p < routes_.peers().size(); ++p) {
        const std::string& name = routes_.peer_name(p);
        std::size_t flows = 0;
        std::int64_t last_heard = -1;
        double rtt_sum = 0;
        std::size_t rtt_n = 0;
        std::string ipcp;
        std::string address;
        const_cast<Node&>(node_).for_each_flow([&](const NodeFlow& f) {
            if (f.remote_name != name || f.ipcp == nullptr) {
                return;
            }
            ++flows;
            if (const auto* rec = f.record()) {
                const std::int64_t idle = to_ms(now - rec->fsm.last_received());
                last_heard = last_heard < 0 ? idle : std::min(last_heard, idle);
                if (const auto srtt = rec->fsm.srtt()) {
                    rtt_sum += std::chrono::duration<double, std::milli>(*srtt).count();
                    ++rtt_n;
                }
                ipcp = f.ipcp->name();
                address = f.ipcp->format(rec->peer);
            }
        });
        std::size_t sessions = 0;
        sessions_.for_each([&](const Session& s) { sessions += s.peer == p ? 1U : 0U; });
        json::Array prefixes;
        for (const auto& prefix : routes_.prefixes_of(p)) {
            prefixes.push_back(prefix.to_string());
        }
        out.push_back(json::Object{
            {"name", name},
            {"ipcp", ipcp.empty() ? json::Value(nullptr) : json::Value(ipcp)},
            {"address", address.empty() ? json::Value(nullptr) : json::Value(address)},
            {"prefixes", std::move(prefixes)},
            {"flows", flows},
            {"sessions", sessions},
            {"last_heard_ms", last_heard >= 0 ? json::Value(last_heard) : json::Value(nullptr)},
            {"rtt_ms", rtt_n > 0 ? json::Value(rtt_sum / static_cast<double>(rtt_n))
                                 : json::Value(nullptr)},
        });
    }
    return out;
}


json::Value Gateway::stats_json() const {
    json::Value out = stats_.to_json(sessions_.size());
    if (queues_ != nullptr) {
        add_queue_stats(out);
    }
    if (bridge_) {
        out["tap"] = tap_stats_to_json(bridge_->counters(), bridge_->macs());
    }
    return out;
}

// The workers write to the device: what they wrote counts in tun_tx_*, what the device
// refused and what found the transmit ring full in drops.tun_write.
void Gateway::add_queue_stats(json::Value& out) const {
    json::Array queues;
    std::uint64_t tx_packets = 0;
    std::uint64_t tx_bytes = 0;
    std::uint64_t tx_dropped = 0;
    for (std::size_t i = 0; i < queues_->queue_count(); ++i) {
        const TunQueueCounters c = queues_->counters(i);
        tx_packets += c.tx_packets;
        tx_bytes += c.tx_bytes;
        tx_dropped += c.tx_dropped;
        queues.push_back(json::Object{{"rx_packets", c.rx_packets},
                                      {"tx_packets", c.tx_packets},
                                      {"tx_dropped", c.tx_dropped},
                                      {"tx_ring_full", c.tx_ring_full}});
    }
    out["tun_tx_packets"] = stats_.tun_tx_packets + tx_packets;
    out["tun_tx_bytes"] = stats_.tun_tx_bytes + tx_bytes;
    out["drops"]["tun_write"] =
        stats_.drops[static_cast<std::size_t>(GatewayDrop::tun_write)] + tx_dropped;
    out["tun_queues"] = std::move(queues);
}

json::Array Gateway::macs_json() const {
    if (!bridge_) {
        return {};
    }
    return macs_to_json(bridge_->macs(), loop_.now(), routes_.peers()).as_array();
}

}  // namespace ogw::gw
