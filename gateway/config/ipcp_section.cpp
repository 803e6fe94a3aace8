// SPDX-License-Identifier: BSD-3-Clause
#include "config/sections.hpp"

#include <ipcp/udp_address.hpp>

#include <unordered_map>

namespace ogw::gw::detail {
namespace {

constexpr std::uint16_t min_ethertype = 0x0600;
constexpr std::uint16_t max_ethertype = 0xfffe;

constexpr Choices<IpcpType, 2> ipcp_types = {{
    {"udp", IpcpType::udp},
    {"eth", IpcpType::eth},
}};

// Well-known Ethertypes an ogw layer should not share the wire with.
constexpr std::array<std::pair<std::uint16_t, std::string_view>, 5> reserved_ethertypes = {{
    {0x0800, "IPv4"},
    {0x0806, "ARP"},
    {0x86dd, "IPv6"},
    {0x8100, "802.1Q VLAN"},
    {0x88a8, "802.1ad VLAN"},
}};

struct BindSite {
    SocketAddress address;
    std::size_t line;
    std::string ipcp;
};

struct EthSite {
    std::string dev;
    std::uint16_t ethertype;
    std::size_t line;
    std::string ipcp;
};

class IpcpReader {
public:
    IpcpReader(ValueReader& reader, const std::string& node_name, IpcpFacts& facts)
        : reader_(reader), node_name_(node_name), facts_(facts) {}

    IpcpConfig read(const Section& section) {
        const auto prefix = section.prefix() + ".";
        IpcpConfig ipcp;
        ipcp.name = section.name;
        std::optional<IpcpType> type;
        if (reader_.require(&section, prefix + "type")) {
            type = reader_.choice(prefix + "type", ipcp_types);
        }
        if (reader_.require(&section, prefix + "layer")) {
            ipcp.layer = reader_.name(prefix + "layer").value_or("");
        }
        if (!type) {
            return ipcp;
        }
        if (*type == IpcpType::udp) {
            reject_keys(prefix, {"dev", "ethertype"}, "udp", "eth");
            ipcp.shim = read_udp(section, prefix);
        } else {
            reject_keys(prefix, {"bind", "peer"}, "eth", "udp");
            ipcp.shim = read_eth(section, prefix);
        }
        return ipcp;
    }

private:
    void reject_keys(const std::string& prefix, std::initializer_list<std::string_view> keys,
                     std::string_view type, std::string_view other_type) {
        for (const auto key : keys) {
            const auto full = prefix + std::string(key);
            for (const auto& v : reader_.ini().all(full)) {
                reader_.error(v, full,
                              "not valid for type " + std::string(type) + " (only for " +
                                  std::string(other_type) + ")");
            }
        }
    }

    UdpIpcpConfig read_udp(const Section& section, const std::string& prefix) {
        UdpIpcpConfig udp;
        bool bind_valid = false;
        const auto bind_key = prefix + "bind";
        if (reader_.require(&section, bind_key, " for type udp")) {
            if (const auto* v = reader_.get(bind_key)) {
                if (auto address = reader_.socket_address(*v, bind_key, v->text)) {
                    udp.bind = *address;
                    bind_valid = true;
                    check_bind_conflict({*address, v->line, section.name});
                }
            }
        }
        const auto peer_key = prefix + "peer";
        std::unordered_map<std::string, std::size_t> first_line;
        for (const auto* v : reader_.get_all(peer_key)) {
            auto peer = read_peer(*v, peer_key, bind_valid ? &udp.bind : nullptr);
            if (!peer) {
                continue;
            }
            const auto [first, inserted] = first_line.emplace(peer->name, v->line);
            if (!inserted) {
                reader_.error(*v, peer_key,
                              "duplicate peer " + quote(peer->name) + " (first at line " +
                                  std::to_string(first->second) + ")");
                continue;
            }
            facts_.static_peers.insert(peer->name);
            udp.peers.push_back(std::move(*peer));
        }
        return udp;
    }

    std::optional<StaticPeer> read_peer(const Value& v, const std::string& key,
                                        const SocketAddress* bind) {
        const auto words = split_words(v.text);
        if (words.size() != 2) {
            reader_.error(v, key, "invalid peer " + quote(v.text) + ": expected 'NAME ADDR:PORT'");
            return std::nullopt;
        }
        const auto address = reader_.socket_address(v, key, words[1]);
        if (!reader_.check_name(v, key, words[0]) || !address) {
            return std::nullopt;
        }
        if (words[0] == node_name_) {
            reader_.error(v, key, "peer " + quote(words[0]) + " is this node's own name");
            return std::nullopt;
        }
        if (address->ip().is_unspecified()) {
            reader_.error(v, key, "invalid address " + quote(words[1]) + ": unspecified");
            return std::nullopt;
        }
        // A socket bound to [::] is dual stack: it also reaches IPv4 peers (as v4-mapped
        // addresses). A v4-mapped peer address is an IPv4 one.
        if (bind != nullptr && !ipcp::udp_bind_reaches(*bind, address->ip())) {
            const auto family = [](const IpAddress& ip) {
                return ip.unmapped().is_v4() ? std::string("IPv4") : std::string("IPv6");
            };
            reader_.error(v, key,
                          "address " + quote(words[1]) + " is not of the family of bind " +
                              quote(bind->to_string()) + " (" + family(address->ip()) + " peer, " +
                              family(bind->ip()) +
                              "-only bind; only a bind to [::] reaches both families)");
            return std::nullopt;
        }
        return StaticPeer{std::string(words[0]), *address};
    }

    void check_bind_conflict(BindSite site) {
        for (const auto& other : binds_) {
            const auto& a = site.address;
            const auto& b = other.address;
            // A dual-stack [::] also takes the IPv4 addresses of its port.
            const bool same_family = a.ip().family() == b.ip().family() ||
                                     ipcp::udp_dual_stack(a) || ipcp::udp_dual_stack(b);
            const bool overlap =
                same_family && a.port() == b.port() &&
                (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified());
            if (overlap) {
                reader_.diagnostics().error(site.line, "ipcp." + site.ipcp + ".bind",
                                            "address " + quote(a.to_string()) +
                                                " conflicts with [ipcp." + other.ipcp +
                                                "] bind at line " + std::to_string(other.line));
                return;
            }
        }
        binds_.push_back(std::move(site));
    }

    EthIpcpConfig read_eth(const Section& section, const std::string& prefix) {
        EthIpcpConfig eth;
        const auto dev_key = prefix + "dev";
        if (reader_.require(&section, dev_key, " for type eth")) {
            eth.dev = reader_.interface_name(dev_key).value_or("");
        }
        const auto ethertype_key = prefix + "ethertype";
        const auto* ethertype_value = reader_.get(ethertype_key);
        if (ethertype_value != nullptr) {
            eth.ethertype = ethertype(*ethertype_value, ethertype_key).value_or(eth.ethertype);
        }
        if (eth.dev.empty()) {
            return eth;
        }
        facts_.eth_devs.emplace_back(eth.dev, section.name);
        const auto line = ethertype_value != nullptr ? ethertype_value->line : section.line;
        for (const auto& other : eths_) {
            if (other.dev == eth.dev && other.ethertype == eth.ethertype) {
                reader_.diagnostics().error(line, ethertype_key,
                                            "ethertype " + hex16(eth.ethertype) + " on " + eth.dev +
                                                " is already used by [ipcp." + other.ipcp +
                                                "] (line " + std::to_string(other.line) + ")");
                return eth;
            }
        }
        eths_.push_back({eth.dev, eth.ethertype, line, section.name});
        return eth;
    }

    std::optional<std::uint16_t> ethertype(const Value& v, const std::string& key) {
        const std::string_view text = v.text;
        const bool hex = text.starts_with("0x") || text.starts_with("0X");
        const auto number = hex ? parse_number<std::uint16_t>(text.substr(2), 16)
                                : parse_number<std::uint16_t>(text);
        if (!number || *number < min_ethertype || *number > max_ethertype) {
            reader_.error(v, key,
                          "invalid ethertype " + quote(text) + ": expected " +
                              hex16(min_ethertype) + " to " + hex16(max_ethertype));
            return std::nullopt;
        }
        for (const auto& [reserved, what] : reserved_ethertypes) {
            if (*number == reserved) {
                reader_.warning(v, key,
                                "ethertype " + hex16(reserved) + " is " + std::string(what) +
                                    ": ogwd will receive that traffic");
            }
        }
        return number;
    }

    ValueReader& reader_;
    const std::string& node_name_;
    IpcpFacts& facts_;
    std::vector<BindSite> binds_;
    std::vector<EthSite> eths_;
};

}  // namespace

std::vector<IpcpConfig> read_ipcps(ValueReader& reader, const std::string& node_name,
                                   IpcpFacts& facts) {
    IpcpReader ipcp_reader(reader, node_name, facts);
    std::vector<IpcpConfig> ipcps;
    for (const auto& section : reader.ini().sections) {
        if (section.kind == SectionKind::ipcp) {
            ipcps.push_back(ipcp_reader.read(section));
        }
    }
    return ipcps;
}

}  // namespace ogw::gw::detail
