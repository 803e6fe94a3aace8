// SPDX-License-Identifier: BSD-3-Clause
#include "config/sections.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace ogw::gw::detail {
namespace {

constexpr std::uint32_t min_mtu = 68;
constexpr std::uint32_t min_ipv6_mtu = 1280;
constexpr std::uint64_t min_peer_timeout_ms = 50;
constexpr std::uint64_t min_mac_ageing_ms = 1'000;
constexpr std::uint32_t max_max_macs = 1'000'000;
constexpr std::uint32_t max_flood_rate = 10'000'000;
constexpr std::uint32_t max_flood_burst = 1'000'000;
constexpr std::uint32_t max_queues = 64;

// The keys that only the TAP bridge reads.
constexpr std::array<std::string_view, 4> bridge_keys = {
    "gateway.mac-ageing", "gateway.max-macs", "gateway.flood-rate", "gateway.flood-burst"};

constexpr Choices<GatewayMode, 3> gateway_modes = {{
    {"tun", GatewayMode::tun},
    {"tap", GatewayMode::tap},
    {"off", GatewayMode::off},
}};

constexpr Choices<FlowMapping, 2> flow_mappings = {{
    {"session", FlowMapping::session},
    {"peer", FlowMapping::peer},
}};

// The cubes of design.md §5.1; flowlib also knows raw_no_errors, which is not offered here.
constexpr Choices<std::string_view, 5> qos_cubes = {{
    {"raw", "raw"},
    {"best_effort", "best_effort"},
    {"video", "video"},
    {"voice", "voice"},
    {"data", "data"},
}};

class GatewayReader {
public:
    GatewayReader(ValueReader& reader, const std::string& node_name, const IpcpFacts& facts)
        : reader_(reader), node_name_(node_name), facts_(facts) {}

    GatewayConfig read(const Section& section) {
        GatewayConfig gw;
        const auto mode = reader_.choice("gateway.mode", gateway_modes);
        const bool mode_valid = mode || reader_.ini().find("gateway.mode") == nullptr;
        gw.mode = mode.value_or(GatewayMode::tun);
        gw.dev = reader_.interface_name("gateway.dev").value_or(gw.dev);
        read_addresses(gw);
        read_mtu(gw);
        read_routes(gw);
        gw.flow_mapping =
            reader_.choice("gateway.flow-mapping", flow_mappings).value_or(gw.flow_mapping);
        gw.qos = reader_.choice("gateway.qos", qos_cubes).value_or(gw.qos);
        read_timers(gw);
        gw.max_sessions = static_cast<std::uint32_t>(
            reader_.integer("gateway.max-sessions", 1, std::numeric_limits<std::uint32_t>::max())
                .value_or(gw.max_sessions));
        read_queues(gw);
        read_bridge(gw);
        if (mode_valid && gw.mode == GatewayMode::tun) {
            warn_bridge_keys();
        }
        if (mode_valid && gw.mode != GatewayMode::off &&
            reader_.ini().find("gateway.address") == nullptr) {
            reader_.diagnostics().error(
                section.line, "gateway.address",
                "mode " + std::string(gateway_mode_name(gw.mode)) + " needs at least one address");
        }
        check_dev(section, gw);
        return gw;
    }

private:
    void read_addresses(GatewayConfig& gw) {
        const std::string key = "gateway.address";
        std::unordered_map<IpAddress, std::size_t> first_line;
        for (const auto* v : reader_.get_all(key)) {
            auto prefix = IpPrefix::parse(v->text);
            if (!prefix) {
                reader_.error(*v, key,
                              "invalid address " + quote(v->text) + ": " + prefix.error().where);
                continue;
            }
            const auto& ip = prefix->address();
            if (ip.is_unspecified() || ip.is_multicast()) {
                reader_.error(*v, key,
                              "invalid address " + quote(v->text) + ": not a unicast address");
                continue;
            }
            const auto [first, inserted] = first_line.emplace(ip, v->line);
            if (!inserted) {
                reader_.error(*v, key,
                              "duplicate address " + ip.to_string() + " (first at line " +
                                  std::to_string(first->second) + ")");
                continue;
            }
            gw.addresses.push_back(*prefix);
        }
    }

    void read_mtu(GatewayConfig& gw) {
        const auto* v = reader_.get("gateway.mtu");
        if (v == nullptr || v->text == "auto") {
            return;
        }
        const auto mtu = parse_number<std::uint16_t>(v->text);
        if (!mtu || *mtu < min_mtu) {
            reader_.error(*v, "gateway.mtu",
                          "invalid value " + quote(v->text) + ": expected auto or a number from " +
                              std::to_string(min_mtu) + " to 65535");
            return;
        }
        gw.mtu = *mtu;
        const bool ipv6 = std::any_of(gw.addresses.begin(), gw.addresses.end(),
                                      [](const IpPrefix& p) { return p.address().is_v6(); });
        if (ipv6 && *mtu < min_ipv6_mtu) {
            reader_.warning(*v, "gateway.mtu",
                            "below " + std::to_string(min_ipv6_mtu) +
                                ": the kernel disables IPv6 on the device");
        }
    }

    void read_queues(GatewayConfig& gw) {
        const auto* v = reader_.get("gateway.queues");
        if (v == nullptr) {
            return;
        }
        if (v->text == "auto") {
            gw.queues = 0;
            return;
        }
        const auto queues = parse_number<std::uint32_t>(v->text);
        if (!queues || *queues < 1 || *queues > max_queues) {
            reader_.error(*v, "gateway.queues",
                          "invalid value " + quote(v->text) + ": expected auto or a number from 1 to " +
                              std::to_string(max_queues));
            return;
        }
        gw.queues = *queues;
    }

    void read_routes(GatewayConfig& gw) {
        const std::string key = "gateway.route";
        std::unordered_map<IpPrefix, std::size_t> first_line;
        for (const auto* v : reader_.get_all(key)) {
            auto route = read_route(*v, key);
            if (!route) {
                continue;
            }
            const auto [first, inserted] = first_line.emplace(route->prefix, v->line);
            if (!inserted) {
                reader_.error(*v, key,
                              "duplicate route for " + route->prefix.to_string() +
                                  " (first at line " + std::to_string(first->second) + ")");
                continue;
            }
            gw.routes.push_back(std::move(*route));
        }
    }

    // "PREFIX NAME", where NAME is a remote gateway: not this node, and a name an IPCP can reach.
    std::optional<Route> read_route(const Value& v, const std::string& key) {
        const auto words = split_words(v.text);
        if (words.size() != 2) {
            reader_.error(v, key, "invalid route " + quote(v.text) + ": expected 'PREFIX NAME'");
            return std::nullopt;
        }
        auto prefix = IpPrefix::parse(words[0]);
        if (!prefix) {
            reader_.error(v, key,
                          "invalid prefix " + quote(words[0]) + ": " + prefix.error().where);
            return std::nullopt;
        }
        if (!reader_.check_name(v, key, words[1])) {
            return std::nullopt;
        }
        const std::string remote(words[1]);
        if (remote == node_name_) {
            reader_.error(v, key, "route to " + quote(remote) + ", this node's own name");
            return std::nullopt;
        }
        const auto network = prefix->network();
        if (prefix->has_host_bits()) {
            reader_.warning(
                v, key,
                "prefix " + quote(words[0]) + " has host bits set; using " + network.to_string());
        }
        if (!facts_.static_peers.contains(remote) && facts_.eth_devs.empty()) {
            reader_.warning(v, key,
                            quote(remote) +
                                " is no static peer of a udp IPCP and there is no "
                                "eth IPCP to find it");
        }
        return Route{network, remote};
    }

    void read_timers(GatewayConfig& gw) {
        if (const auto ms = reader_.duration_ms("gateway.peer-timeout")) {
            if (*ms != 0 && *ms < min_peer_timeout_ms) {
                reader_.error(*reader_.ini().find("gateway.peer-timeout"), "gateway.peer-timeout",
                              "below the minimum of " + std::to_string(min_peer_timeout_ms) +
                                  "ms (0 turns liveness checks off)");
            } else {
                gw.peer_timeout_ms = *ms;
            }
        }
        gw.idle_timeout_ms =
            reader_.duration_ms("gateway.idle-timeout").value_or(gw.idle_timeout_ms);
        if (const auto ms = reader_.duration_ms("gateway.alloc-timeout")) {
            if (*ms == 0) {
                reader_.error(*reader_.ini().find("gateway.alloc-timeout"), "gateway.alloc-timeout",
                              "must be greater than 0");
            } else {
                gw.alloc_timeout_ms = *ms;
            }
        }
    }

    // mode = tap: the MAC table and the flood limit (docs/tap-bridge.md).
    void read_bridge(GatewayConfig& gw) {
        if (const auto ms = reader_.duration_ms("gateway.mac-ageing")) {
            if (*ms < min_mac_ageing_ms) {
                reader_.error(*reader_.ini().find("gateway.mac-ageing"), "gateway.mac-ageing",
                              "below the minimum of 1s");
            } else {
                gw.mac_ageing_ms = *ms;
            }
        }
        gw.max_macs = static_cast<std::uint32_t>(
            reader_.integer("gateway.max-macs", 1, max_max_macs).value_or(gw.max_macs));
        gw.flood_rate = static_cast<std::uint32_t>(
            reader_.integer("gateway.flood-rate", 0, max_flood_rate).value_or(gw.flood_rate));
        gw.flood_burst = static_cast<std::uint32_t>(
            reader_.integer("gateway.flood-burst", 1, max_flood_burst).value_or(gw.flood_burst));
    }

    void warn_bridge_keys() {
        for (const auto key : bridge_keys) {
            const std::string name(key);
            if (const auto* v = reader_.ini().find(name); v != nullptr) {
                reader_.warning(*v, name, "has effect only with mode = tap");
            }
        }
    }

    // The TUN/TAP device is created by ogwd, so it must not be an interface an IPCP runs on.
    void check_dev(const Section& section, const GatewayConfig& gw) {
        if (gw.mode == GatewayMode::off) {
            return;
        }
        for (const auto& [dev, ipcp] : facts_.eth_devs) {
            if (dev == gw.dev) {
                const auto* v = reader_.ini().find("gateway.dev");
                reader_.diagnostics().error(
                    v != nullptr ? v->line : section.line, "gateway.dev",
                    "device " + quote(dev) + " is the interface of [ipcp." + ipcp + "]");
                return;
            }
        }
    }

    ValueReader& reader_;
    const std::string& node_name_;
    const IpcpFacts& facts_;
};

}  // namespace

GatewayConfig read_gateway(ValueReader& reader, const std::string& node_name,
                           const IpcpFacts& facts) {
    const auto* section = reader.section_of(SectionKind::gateway);
    if (section == nullptr) {
        return {};
    }
    return GatewayReader(reader, node_name, facts).read(*section);
}

}  // namespace ogw::gw::detail
