// SPDX-License-Identifier: BSD-3-Clause
#include "control/views.hpp"

#include <flowlib/qos.hpp>

namespace ogw::gw {
namespace {

std::int64_t ms_since(Instant then, Instant now) { return to_ms(now - then); }

}  // namespace

json::Value flow_view(const NodeFlow& flow, Instant now, bool with_timeline) {
    const ipcp::FlowRecord* rec = flow.record();
    json::Value v = json::Object{
        {"id", flow.id},
        {"ipcp", flow.ipcp != nullptr ? json::Value(flow.ipcp->name()) : json::Value(nullptr)},
        {"layer", flow.ipcp != nullptr ? json::Value(flow.ipcp->layer()) : json::Value(nullptr)},
        {"remote_name", flow.remote_name},
        {"local_name", flow.local_name.empty() ? json::Value(nullptr)
                                               : json::Value(flow.local_name)},
        {"local_eid", flow.eid},
        {"remote_eid", rec != nullptr ? rec->remote_eid : 0U},
        {"state", std::string(flow::to_string(flow.state()))},
    };
    // A flow still being resolved has no record yet: its fields are what was asked for, zero
    // counters and no peer.
    static const ipcp::FlowCounters no_counters;
    const ipcp::FlowCounters& c = rec != nullptr ? rec->counters : no_counters;
    const Instant created = rec != nullptr        ? rec->created
                            : flow.timeline.empty() ? now
                                                    : flow.timeline.front().first;
    const qosspec_t qos = rec != nullptr      ? rec->fsm.qos()
                          : flow.alloc_request ? flow.alloc_request->qos
                                               : qosspec_t{};
    v["qos"] = json::Object{{"cube", std::string(flow::cube_name(qos))},
                            {"timeout_ms", qos.timeout}};
    v["owner"] = flow.gateway_owned ? json::Value("gateway") : json::Value(flow.owner_pid);
    v["session_id"] = flow.session_id ? json::Value(*flow.session_id) : json::Value(nullptr);
    v["age_ms"] = ms_since(created, now);
    v["idle_rx_ms"] = ms_since(rec != nullptr ? rec->fsm.last_received() : created, now);
    v["idle_tx_ms"] = ms_since(rec != nullptr ? rec->fsm.last_sent() : created, now);
    v["rx_packets"] = c.rx_packets;
    v["rx_bytes"] = c.rx_bytes;
    v["tx_packets"] = c.tx_packets;
    v["tx_bytes"] = c.tx_bytes;
    v["drops"] = c.drops;
    v["keepalives_sent"] = c.keepalives_sent;
    v["keepalives_received"] = c.keepalives_received;
    v["peer_address"] = rec != nullptr ? json::Value(flow.ipcp->format(rec->peer))
                                       : json::Value(nullptr);
    const auto srtt = rec != nullptr ? rec->fsm.srtt() : std::nullopt;
    v["rtt_ms"] = srtt ? json::Value(std::chrono::duration<double, std::milli>(*srtt).count())
                       : json::Value(nullptr);
    if (with_timeline) {
        json::Array timeline;
        for (std::size_t i = 0; i < flow.timeline.size(); ++i) {
            const auto [at, state] = flow.timeline[i];
            timeline.push_back(json::Object{{"ago_ms", ms_since(at, now)},
                                            {"state", std::string(flow::to_string(state))}});
        }
        v["timeline"] = std::move(timeline);
        v["max_sdu"] = flow.ipcp != nullptr ? json::Value(flow.ipcp->engine().max_sdu())
                                            : json::Value(nullptr);
    }
    return v;
}

json::Value ipcp_view(const ipcp::Ipcp& ipcp, std::size_t flows) {
    const auto& engine = ipcp.engine();
    const auto& u = ipcp.underlay_counters();
    json::Array directory;
    for (const auto& entry : ipcp.directory()) {
        directory.push_back(json::Object{{"name", entry.name}, {"address", entry.address}});
    }
    json::Value drops = json::Object{};
    for (std::size_t i = 0; i < ipcp::drop_reason_count; ++i) {
        drops[ipcp::to_string(static_cast<ipcp::DropReason>(i))] = engine.counters().drops[i];
    }
    return json::Object{
        {"name", ipcp.name()},
        {"type", std::string(ipcp.type())},
        {"layer", ipcp.layer()},
        {"address", ipcp.address()},
        {"link_up", ipcp.link_up()},
        {"max_sdu", engine.max_sdu()},
        {"flows", flows},
        {"directory", std::move(directory)},
        {"rx_datagrams", u.rx_datagrams},
        {"rx_bytes", u.rx_bytes},
        {"tx_datagrams", u.tx_datagrams},
        {"tx_bytes", u.tx_bytes},
        {"rx_truncated", u.rx_truncated},
        {"tx_errors", u.tx_errors},
        {"tx_dropped", u.tx_dropped},
        {"drops", std::move(drops)},
        {"drops_total", engine.counters().total_drops()},
        {"unknown_endpoint_replies", engine.counters().unknown_endpoint_replies},
        {"late_messages", engine.counters().late_messages},
        {"rekeys", engine.counters().rekeys},
        {"cookie_replies", engine.counters().cookie_replies},
        {"restart_probes", engine.counters().restart_probes},
        {"restarts_detected", engine.counters().restarts_detected},
        {"half_open", engine.half_open_flows()},
        {"flows_allocated", engine.counters().flows_allocated},
        {"flow_alloc_failures", engine.counters().flow_alloc_failures},
    };
}

}  // namespace ogw::gw
