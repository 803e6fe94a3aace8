// SPDX-License-Identifier: BSD-3-Clause
#include "config/config.hpp"

#include <flowlib/qos.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>

namespace ogw::gw {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

// design.md §5.1, verbatim.
constexpr std::string_view design_example = R"([node]
name = site-a                  # required; the name remote gateways allocate flows to
socket = /run/ogw/ogwd.sock    # control socket (mode 0660)
log-level = info               # error | warn | info | debug

[ipcp.wan]                     # one section per IPCP; its name follows "ipcp."
type = udp                     # udp | eth
layer = wan                    # layer name; both ends use the same
bind = 10.0.0.1:3435           # udp: local address:port; IPv6 as [fd00::1]:3435
peer = site-b 10.0.0.2:3435    # udp: static directory entry "NAME ADDR:PORT"; repeatable

[ipcp.lan]
type = eth
layer = lan
dev = veth0                    # eth: interface
ethertype = 0xa000             # eth: optional

[gateway]
mode = tun                     # tun | tap | off
dev = ogw0
address = 10.10.1.1/24         # repeatable; IPv4 and IPv6
mtu = auto                     # auto or a number
route = 10.10.2.0/24 site-b    # "PREFIX NAME"; repeatable; IPv4 and IPv6
flow-mapping = session         # session | peer
qos = raw                      # default cube for sessions: raw | best_effort | video | voice | data
peer-timeout = 3s              # flow liveness timeout (qosspec timeout); 0 = off
idle-timeout = 120s            # sessions without TCP state
alloc-timeout = 5s
max-sessions = 100000
)";

// One valid UDP IPCP, appended to texts that test other sections.
constexpr std::string_view node_and_wan = R"([node]
name = site-a
[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.1:3435
peer = site-b 10.0.0.2:3435
)";

ParseOutcome parse(std::string_view text) {
    std::istringstream in{std::string(text)};
    return parse_config(in, "test.conf");
}

std::string with_gateway(std::string_view gateway_lines) {
    return std::string(node_and_wan) + "[gateway]\n" + std::string(gateway_lines);
}

// A TAP gateway (lines 9 and 10) and then tap_lines, from line 11.
std::string with_tap(std::string_view tap_lines) {
    return with_gateway("mode = tap\naddress = 10.77.0.1/24\n" + std::string(tap_lines));
}

IpPrefix prefix(std::string_view text) {
    return IpPrefix::parse(text).value_or(IpPrefix());
}

SocketAddress address(std::string_view text) {
    return SocketAddress::parse(text).value_or(SocketAddress());
}

const UdpIpcpConfig* udp_of(const Config& config, std::size_t index) {
    return std::get_if<UdpIpcpConfig>(&config.ipcps.at(index).shim);
}

TEST(ConfigFile, DesignExampleParsesWithExpectedValues) {
    const auto outcome = parse(design_example);
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_THAT(outcome.errors, IsEmpty());
    EXPECT_THAT(outcome.warnings, IsEmpty());
    const auto& config = *outcome.config;

    EXPECT_EQ(config.node.name, "site-a");
    EXPECT_EQ(config.node.socket_path, "/run/ogw/ogwd.sock");
    EXPECT_EQ(config.node.log_level, log::Level::info);

    ASSERT_THAT(config.ipcps, SizeIs(2));
    const auto& wan = config.ipcps[0];
    EXPECT_EQ(wan.name, "wan");
    EXPECT_EQ(wan.type(), IpcpType::udp);
    EXPECT_EQ(wan.layer, "wan");
    const auto* udp = udp_of(config, 0);
    ASSERT_NE(udp, nullptr);
    EXPECT_EQ(udp->bind, address("10.0.0.1:3435"));
    EXPECT_THAT(udp->peers, ElementsAre(StaticPeer{"site-b", address("10.0.0.2:3435")}));

    const auto& lan = config.ipcps[1];
    EXPECT_EQ(lan.name, "lan");
    EXPECT_EQ(lan.type(), IpcpType::eth);
    EXPECT_EQ(lan.layer, "lan");
    const auto* eth = std::get_if<EthIpcpConfig>(&lan.shim);
    ASSERT_NE(eth, nullptr);
    EXPECT_EQ(eth->dev, "veth0");
    EXPECT_EQ(eth->ethertype, 0xa000);

    const auto& gw = config.gateway;
    EXPECT_EQ(gw.mode, GatewayMode::tun);
    EXPECT_EQ(gw.dev, "ogw0");
    EXPECT_THAT(gw.addresses, ElementsAre(prefix("10.10.1.1/24")));
    EXPECT_EQ(gw.addresses[0].address().to_string(), "10.10.1.1");
    EXPECT_FALSE(gw.mtu.has_value());
    EXPECT_THAT(gw.routes, ElementsAre(Route{prefix("10.10.2.0/24"), "site-b"}));
    EXPECT_EQ(gw.flow_mapping, FlowMapping::session);
    EXPECT_EQ(gw.qos, "raw");
    EXPECT_EQ(gw.peer_timeout_ms, 3000U);
    EXPECT_EQ(gw.idle_timeout_ms, 120000U);
    EXPECT_EQ(gw.alloc_timeout_ms, 5000U);
    EXPECT_EQ(gw.max_sessions, 100000U);
}

TEST(ConfigFile, MinimalFileUsesDefaults) {
    const auto outcome = parse("[node]\nname = site-a\n");
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    const auto& config = *outcome.config;
    EXPECT_EQ(config.node.socket_path, "/run/ogw/ogwd.sock");
    EXPECT_EQ(config.node.log_level, log::Level::info);
    EXPECT_THAT(config.ipcps, IsEmpty());
    const auto& gw = config.gateway;
    EXPECT_EQ(gw.mode, GatewayMode::off);
    EXPECT_EQ(gw.dev, "ogw0");
    EXPECT_FALSE(gw.mtu.has_value());
    EXPECT_EQ(gw.flow_mapping, FlowMapping::session);
    EXPECT_EQ(gw.qos, "raw");
    EXPECT_EQ(gw.peer_timeout_ms, 120000U);
    EXPECT_EQ(gw.idle_timeout_ms, 120000U);
    EXPECT_EQ(gw.alloc_timeout_ms, 5000U);
    EXPECT_EQ(gw.max_sessions, 100000U);
    EXPECT_EQ(gw, GatewayConfig{});
}

TEST(ConfigFile, PeerTimeoutDefaultMatchesFlowlibDefault) {
    EXPECT_EQ(GatewayConfig{}.peer_timeout_ms, std::uint64_t{DEFAULT_PEER_TIMEOUT});
}

TEST(ConfigFile, GatewaySectionWithoutModeMeansTun) {
    const auto outcome = parse(with_gateway("address = 10.10.1.1/24\n"));
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_EQ(outcome.config->gateway.mode, GatewayMode::tun);
}

TEST(ConfigFile, UdpBindPortDefaultsTo3435AndEthertypeTo0xa000) {
    const auto outcome = parse(R"([node]
name = n
[ipcp.u]
type = udp
layer = l
bind = 10.0.0.1
peer = p 10.0.0.2
[ipcp.e]
type = eth
layer = l
dev = eth0
)");
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    const auto* udp = udp_of(*outcome.config, 0);
    ASSERT_NE(udp, nullptr);
    EXPECT_EQ(udp->bind.port(), 3435);
    EXPECT_EQ(udp->peers.at(0).address.port(), 3435);
    const auto* eth = std::get_if<EthIpcpConfig>(&outcome.config->ipcps.at(1).shim);
    ASSERT_NE(eth, nullptr);
    EXPECT_EQ(eth->ethertype, 0xa000);
}

TEST(ConfigFile, Ipv6BindPeersAddressesAndRoutes) {
    const auto outcome = parse(R"([node]
name = site-a
[ipcp.wan6]
type = udp
layer = wan
bind = [fd00::1]:4000
peer = site-b [fd00::2]:4000
peer = site-c [fe80::3%veth1]
[gateway]
mode = tun
address = fd00:10:1::1/64
route = fd00:10:2::/64 site-b
route = ::/0 site-c
mtu = 1400
)");
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    const auto* udp = udp_of(*outcome.config, 0);
    ASSERT_NE(udp, nullptr);
    EXPECT_EQ(udp->bind.to_string(), "[fd00::1]:4000");
    ASSERT_THAT(udp->peers, SizeIs(2));
    EXPECT_EQ(udp->peers[1].address.to_string(), "[fe80::3%veth1]:3435");
    EXPECT_EQ(udp->peers[1].address.scope_name(), "veth1");
    const auto& gw = outcome.config->gateway;
    EXPECT_EQ(gw.addresses.at(0).to_string(), "fd00:10:1::1/64");
    EXPECT_THAT(gw.routes, ElementsAre(Route{prefix("fd00:10:2::/64"), "site-b"},
                                       Route{prefix("::/0"), "site-c"}));
    EXPECT_EQ(gw.mtu, std::optional<std::uint16_t>(1400));
}

TEST(ConfigFile, RepeatedKeysKeepFileOrder) {
    const auto outcome = parse(R"([node]
name = a
[ipcp.wan]
type = udp
layer = wan
bind = 0.0.0.0:3435
peer = c 10.0.0.3:3435
peer = b 10.0.0.2:3436
[gateway]
mode = tap
address = 10.10.1.1/24
address = fd00::1/64
route = 10.10.3.0/24 c
route = 10.10.2.0/24   b
route = 10.10.0.0/16 b
)");
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    const auto* udp = udp_of(*outcome.config, 0);
    ASSERT_NE(udp, nullptr);
    EXPECT_THAT(udp->peers, ElementsAre(StaticPeer{"c", address("10.0.0.3:3435")},
                                        StaticPeer{"b", address("10.0.0.2:3436")}));
    const auto& gw = outcome.config->gateway;
    EXPECT_EQ(gw.mode, GatewayMode::tap);
    EXPECT_THAT(gw.addresses, ElementsAre(prefix("10.10.1.1/24"), prefix("fd00::1/64")));
    EXPECT_THAT(gw.routes,
                ElementsAre(Route{prefix("10.10.3.0/24"), "c"}, Route{prefix("10.10.2.0/24"), "b"},
                            Route{prefix("10.10.0.0/16"), "b"}));
}

TEST(ConfigFile, AllQosCubesAreKnownToFlowlib) {
    for (const char* cube : {"raw", "best_effort", "video", "voice", "data"}) {
        const auto outcome =
            parse(with_gateway("address = 10.1.1.1/24\nqos = " + std::string(cube) + "\n"));
        ASSERT_TRUE(outcome.ok()) << cube << ::testing::PrintToString(outcome.errors);
        EXPECT_EQ(outcome.config->gateway.qos, cube);
        EXPECT_TRUE(flow::cube_by_name(outcome.config->gateway.qos).has_value()) << cube;
    }
}

TEST(ConfigFile, AcceptsCrlfLineEndings) {
    const auto outcome = parse("[node]\r\nname = site-a\r\nlog-level = debug\r\n");
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_EQ(outcome.config->node.name, "site-a");
    EXPECT_EQ(outcome.config->node.log_level, log::Level::debug);
}

TEST(ConfigFile, InvalidBindNamesFileLineAndKey) {
    const auto outcome = parse(R"([node]
name = a
[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.300:3435
)");
    EXPECT_FALSE(outcome.ok());
    ASSERT_THAT(outcome.errors, SizeIs(1));
    EXPECT_THAT(outcome.errors[0],
                StartsWith("test.conf:6: ipcp.wan.bind: invalid address '10.0.0.300:3435'"));
}

TEST(ConfigFile, UnknownKeyIsAnError) {
    const auto outcome = parse("[node]\nname = a\nnmae = b\n");
    EXPECT_FALSE(outcome.ok());
    EXPECT_THAT(outcome.errors, ElementsAre(StartsWith("test.conf:3: node.nmae: unknown key")));
}

TEST(ConfigFile, UnknownKeyInIpcpSectionIsAnError) {
    const auto outcome = parse(std::string(node_and_wan) + "port = 3435\n");
    EXPECT_THAT(outcome.errors, ElementsAre(StartsWith("test.conf:8: ipcp.wan.port: unknown key")));
}

TEST(ConfigFile, UnknownSectionIsReportedOnceAtItsHeader) {
    const auto outcome = parse("[node]\nname = a\n[tunnel]\nmtu = 1400\nmode = tun\n");
    EXPECT_FALSE(outcome.ok());
    EXPECT_THAT(outcome.errors, ElementsAre(StartsWith("test.conf:3: [tunnel]: unknown section")));
}

TEST(ConfigFile, IpcpSectionNeedsAValidName) {
    const auto outcome = parse("[node]\nname = a\n[ipcp]\ntype = udp\n[ipcp.a.b]\n");
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:3: [ipcp]: missing IPCP name"),
                            StartsWith("test.conf:5: [ipcp.a.b]: invalid IPCP name")));
}

TEST(ConfigFile, SyntaxErrorNamesTheLine) {
    const auto outcome = parse("[node]\nname = a\njust words\n");
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:3: syntax error: expected 'key = value' or '[section]', "
                            "got 'just words'"));
}

TEST(ConfigFile, KeyOutsideAnySectionIsAnError) {
    const auto outcome = parse("name = a\n[node]\nname = a\n");
    EXPECT_THAT(outcome.errors, ElementsAre("test.conf:1: name: key outside any section"));
}

TEST(ConfigFile, MissingNodeNameIsAnError) {
    EXPECT_THAT(parse("[node]\nlog-level = info\n").errors,
                ElementsAre("test.conf:1: node.name: missing required key"));
    EXPECT_THAT(parse("").errors,
                ElementsAre("test.conf:1: node.name: missing required key (no [node] section)"));
}

TEST(ConfigFile, MissingIpcpTypeAndLayerAreErrors) {
    const auto outcome = parse("[node]\nname = a\n\n[ipcp.x]\nbind = 10.0.0.1\n");
    EXPECT_THAT(outcome.errors, ElementsAre("test.conf:4: ipcp.x.type: missing required key",
                                            "test.conf:4: ipcp.x.layer: missing required key"));
}

TEST(ConfigFile, MissingUdpBindAndEthDevAreErrors) {
    const auto outcome = parse(
        "[node]\nname = a\n[ipcp.u]\ntype = udp\nlayer = l\n[ipcp.e]\ntype = eth\n"
        "layer = l\n");
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:3: ipcp.u.bind: missing required key for type udp",
                            "test.conf:6: ipcp.e.dev: missing required key for type eth"));
}

TEST(ConfigFile, KeysOfTheOtherShimTypeAreErrors) {
    const auto outcome = parse(std::string(node_and_wan) + "dev = eth0\n");
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:8: ipcp.wan.dev: not valid for type udp")));
}

TEST(ConfigFile, DuplicateIpcpSectionIsAnError) {
    const auto outcome = parse(std::string(node_and_wan) + "\n[ipcp.wan]\n");
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:9: [ipcp.wan]: duplicate section (first at line 3)"));
}

TEST(ConfigFile, DuplicateKeyIsAnErrorAtItsSecondLine) {
    const auto outcome = parse("[node]\nname = a\nlog-level = info\nname = b\n");
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:4: node.name: duplicate key (first at line 2)"));
}

TEST(ConfigFile, BadValuesNameTheirKey) {
    const auto outcome = parse(R"([node]
name = a
log-level = verbose
socket = run/ogw.sock
[ipcp.e]
type = eth
layer = l
dev = eth0
ethertype = 0x0500
[gateway]
mode = tunnel
address = 10.10.1.1/24
mtu = 67
flow-mapping = flow
qos = gold
peer-timeout = 10ms
idle-timeout = 5x
alloc-timeout = 0
max-sessions = 0
dev = a/b
)");
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:3: node.log-level: invalid value 'verbose'"),
                            StartsWith("test.conf:4: node.socket: invalid socket path"),
                            StartsWith("test.conf:9: ipcp.e.ethertype: invalid ethertype '0x0500'"),
                            StartsWith("test.conf:11: gateway.mode: invalid value 'tunnel'"),
                            StartsWith("test.conf:13: gateway.mtu: invalid value '67'"),
                            StartsWith("test.conf:14: gateway.flow-mapping: invalid value"),
                            StartsWith("test.conf:15: gateway.qos: invalid value 'gold'"),
                            StartsWith("test.conf:16: gateway.peer-timeout: below the minimum"),
                            StartsWith("test.conf:17: gateway.idle-timeout: invalid duration"),
                            StartsWith("test.conf:18: gateway.alloc-timeout: must be greater"),
                            StartsWith("test.conf:19: gateway.max-sessions: invalid value '0'"),
                            StartsWith("test.conf:20: gateway.dev: invalid interface name")));
}

TEST(ConfigFile, EthertypeRangeIsInclusive) {
    for (const auto& [text, ok] : std::vector<std::pair<std::string, bool>>{{"0x0600", true},
                                                                            {"0xFFFE", true},
                                                                            {"1536", true},
                                                                            {"0x05ff", false},
                                                                            {"0xffff", false},
                                                                            {"0x", false},
                                                                            {"0x1a0000", false},
                                                                            {"-1", false}}) {
        const auto outcome = parse(
            "[node]\nname = a\n[ipcp.e]\ntype = eth\nlayer = l\ndev = e0\nethertype = " + text);
        EXPECT_EQ(outcome.ok(), ok) << text << ::testing::PrintToString(outcome.errors);
    }
}

TEST(ConfigFile, ReservedEthertypeWarns) {
    const auto outcome =
        parse("[node]\nname = a\n[ipcp.e]\ntype = eth\nlayer = l\ndev = e0\nethertype = 0x0800\n");
    ASSERT_TRUE(outcome.ok());
    EXPECT_THAT(outcome.warnings, ElementsAre(StartsWith("test.conf:7: ipcp.e.ethertype:")));
}

TEST(ConfigFile, BadRoutesAreErrors) {
    const auto outcome = parse(with_gateway(R"(address = 10.10.1.1/24
route = 10.10.2.0/33 site-b
route = 10.10.2.0/24
route = 10.10.2.0/24 site-b extra
route = 10.10.3.0/24 site-a
route = 10.10.4.0/24 site-b
route = 10.10.4.0/24 site-c
)"));
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:10: gateway.route: invalid prefix "
                                       "'10.10.2.0/33'"),
                            StartsWith("test.conf:11: gateway.route: invalid route"),
                            StartsWith("test.conf:12: gateway.route: invalid route"),
                            StartsWith("test.conf:13: gateway.route: route to 'site-a'"),
                            "test.conf:15: gateway.route: duplicate route for 10.10.4.0/24 "
                            "(first at line 14)"));
}

TEST(ConfigFile, RouteWithHostBitsIsNormalisedWithAWarning) {
    const auto outcome =
        parse(with_gateway("address = 10.10.1.1/24\nroute = 10.10.2.7/24 site-b\n"));
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_THAT(outcome.config->gateway.routes,
                ElementsAre(Route{prefix("10.10.2.0/24"), "site-b"}));
    EXPECT_THAT(outcome.warnings, ElementsAre(AllOf(StartsWith("test.conf:10: gateway.route:"),
                                                    HasSubstr("10.10.2.0/24"))));
}

TEST(ConfigFile, RouteToUnreachableNameWarns) {
    const auto outcome =
        parse(with_gateway("address = 10.10.1.1/24\nroute = 10.9.0.0/16 site-z\n"));
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_THAT(outcome.warnings, ElementsAre(AllOf(StartsWith("test.conf:10: gateway.route:"),
                                                    HasSubstr("site-z"))));
}

TEST(ConfigFile, TunAndTapNeedAnAddress) {
    EXPECT_THAT(parse(with_gateway("mode = tun\n")).errors,
                ElementsAre("test.conf:8: gateway.address: mode tun needs at least one address"));
    EXPECT_THAT(parse(with_gateway("mode = tap\n")).errors,
                ElementsAre("test.conf:8: gateway.address: mode tap needs at least one address"));
    EXPECT_TRUE(parse(with_gateway("mode = off\n")).ok());
}

TEST(ConfigFile, BadAddressesAreErrors) {
    const auto outcome = parse(with_gateway(R"(address = 10.10.1.1/24
address = 10.10.1.1/16
address = 224.0.0.1/4
address = 10.10.1.300/24
)"));
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:10: gateway.address: duplicate address 10.10.1.1 (first "
                            "at line 9)",
                            StartsWith("test.conf:11: gateway.address: invalid address"),
                            StartsWith("test.conf:12: gateway.address: invalid address "
                                       "'10.10.1.300/24'")));
}

TEST(ConfigFile, SmallMtuWithIpv6AddressWarns) {
    const auto outcome = parse(with_gateway("address = fd00::1/64\nmtu = 1200\n"));
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_EQ(outcome.config->gateway.mtu, std::optional<std::uint16_t>(1200));
    EXPECT_THAT(outcome.warnings, ElementsAre(StartsWith("test.conf:10: gateway.mtu:")));
}

TEST(ConfigFile, TapBridgeKeysDefaultAndAreRead) {
    const auto defaults = parse(with_tap(""));
    ASSERT_TRUE(defaults.ok()) << ::testing::PrintToString(defaults.errors);
    EXPECT_EQ(defaults.config->gateway.mac_ageing_ms, 300000U);
    EXPECT_EQ(defaults.config->gateway.max_macs, 8192U);
    EXPECT_EQ(defaults.config->gateway.flood_rate, 1000U);
    EXPECT_EQ(defaults.config->gateway.flood_burst, 200U);

    const auto outcome = parse(with_tap(R"(mac-ageing = 90s
max-macs = 1000000
flood-rate = 0
flood-burst = 1
)"));
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_THAT(outcome.warnings, IsEmpty());
    const auto& gw = outcome.config->gateway;
    EXPECT_EQ(gw.mac_ageing_ms, 90000U);
    EXPECT_EQ(gw.max_macs, 1000000U);
    EXPECT_EQ(gw.flood_rate, 0U);
    EXPECT_EQ(gw.flood_burst, 1U);
    EXPECT_NE(gw, defaults.config->gateway);
}

TEST(ConfigFile, TapBridgeKeyRangesAreInclusive) {
    for (const auto& [line, ok] : std::vector<std::pair<std::string, bool>>{
             {"mac-ageing = 1s", true},
             {"mac-ageing = 1y", true},
             {"mac-ageing = 999ms", false},
             {"mac-ageing = 0", false},
             {"mac-ageing = 300", false},
             {"max-macs = 1", true},
             {"max-macs = 1000000", true},
             {"max-macs = 0", false},
             {"max-macs = 1000001", false},
             {"max-macs = -1", false},
             {"max-macs = 1k", false},
             {"flood-rate = 0", true},
             {"flood-rate = 10000000", true},
             {"flood-rate = 10000001", false},
             {"flood-rate = 99999999999999999999", false},
             {"flood-burst = 1", true},
             {"flood-burst = 1000000", true},
             {"flood-burst = 0", false},
             {"flood-burst = 1000001", false},
         }) {
        const auto outcome = parse(with_tap(line));
        EXPECT_EQ(outcome.ok(), ok) << line << ::testing::PrintToString(outcome.errors);
    }
}

TEST(ConfigFile, BadTapBridgeKeysNameFileLineAndKey) {
    const auto outcome = parse(with_tap(R"(mac-ageing = 500ms
max-macs = 0
flood-rate = 20000000
flood-burst = 0
mac-ageing = 2s
)"));
    EXPECT_THAT(
        outcome.errors,
        ElementsAre("test.conf:11: gateway.mac-ageing: below the minimum of 1s",
                    "test.conf:12: gateway.max-macs: invalid value '0': expected a number from "
                    "1 to 1000000",
                    "test.conf:13: gateway.flood-rate: invalid value '20000000': expected a "
                    "number from 0 to 10000000",
                    "test.conf:14: gateway.flood-burst: invalid value '0': expected a number "
                    "from 1 to 1000000",
                    "test.conf:15: gateway.mac-ageing: duplicate key (first at line 11)"));
}

TEST(ConfigFile, TapBridgeKeysWarnInTunMode) {
    const auto outcome = parse(with_gateway(R"(mode = tun
address = 10.10.1.1/24
flood-rate = 100
max-macs = 10
)"));
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    EXPECT_THAT(outcome.warnings,
                ElementsAre("test.conf:11: gateway.flood-rate: has effect only with mode = tap",
                            "test.conf:12: gateway.max-macs: has effect only with mode = tap"));
    EXPECT_EQ(outcome.config->gateway.flood_rate, 100U);
}

TEST(ConfigFile, BadPeersAreErrors) {
    const auto outcome = parse(std::string(node_and_wan) + R"(peer = site-b 10.0.0.9:3435
peer = site-c
peer = site-a 10.0.0.4
peer = site-d [fd00::4]:3435
peer = site-e 10.0.0.5:0
)");
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:8: ipcp.wan.peer: duplicate peer 'site-b' (first at "
                            "line 7)",
                            StartsWith("test.conf:9: ipcp.wan.peer: invalid peer 'site-c'"),
                            StartsWith("test.conf:10: ipcp.wan.peer: peer 'site-a' is this"),
                            StartsWith("test.conf:11: ipcp.wan.peer: address '[fd00::4]:3435'"),
                            StartsWith("test.conf:12: ipcp.wan.peer: invalid address")));
}

TEST(ConfigFile, ConflictingBindsAndEthertypesAreErrors) {
    const auto outcome = parse(R"([node]
name = a
[ipcp.a]
type = udp
layer = l
bind = 0.0.0.0:3435
[ipcp.b]
type = udp
layer = l
bind = 10.0.0.1:3435
[ipcp.c]
type = eth
layer = l
dev = eth0
[ipcp.d]
type = eth
layer = m
dev = eth0
ethertype = 0xa000
)");
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:10: ipcp.b.bind: address '10.0.0.1:3435' "
                                       "conflicts with [ipcp.a]"),
                            StartsWith("test.conf:19: ipcp.d.ethertype: ethertype 0xa000 on "
                                       "eth0 is already used by [ipcp.c]")));
}

TEST(ConfigFile, GatewayDeviceMustNotBeAnIpcpInterface) {
    const auto outcome = parse(R"([node]
name = a
[ipcp.e]
type = eth
layer = l
dev = veth0
[gateway]
address = 10.1.1.1/24
dev = veth0
)");
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:9: gateway.dev: device 'veth0' is the interface of "
                            "[ipcp.e]"));
}

TEST(ConfigFile, DualStackBindAcceptsIpv4Peers) {
    const auto outcome = parse(R"([node]
name = a
[ipcp.wan]
type = udp
layer = wan
bind = [::]:3435
peer = b 10.0.0.2:3435
peer = c [fd00::3]:3435
)");
    ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(outcome.errors);
    const auto* udp = udp_of(*outcome.config, 0);
    ASSERT_NE(udp, nullptr);
    EXPECT_THAT(udp->peers, SizeIs(2));
}

// "[ipcp.NAME]" of type udp in layer NAME bound to `bind`, a "peer = P" line for each of
// `peers`: 4 lines plus the peers.
std::string udp_section(const std::string& name, const std::string& bind,
                        std::initializer_list<std::string_view> peers = {}) {
    std::string text =
        "[ipcp." + name + "]\ntype = udp\nlayer = " + name + "\nbind = " + bind + "\n";
    for (const auto peer : peers) {
        text += "peer = " + std::string(peer) + "\n";
    }
    return text;
}

// Only [::] is dual stack; a v4-mapped address is an IPv4 peer.
TEST(ConfigFile, Ipv6BindOtherThanTheWildcardTakesNoIpv4Peers) {
    const auto outcome =
        parse("[node]\nname = a\n" +  // lines 1-2; wan's peers from line 7
              udp_section("wan", "[fd00::1]:3435",
                          {"b 10.0.0.2:3435", "c [::ffff:10.0.0.3]:3435", "d [fd00::4]:3435"}) +
              udp_section("v4", "10.0.0.1:3435", {"e [::ffff:10.0.0.5]:3435"}));
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:7: ipcp.wan.peer: address '10.0.0.2:3435' is not of the "
                            "family of bind '[fd00::1]:3435' (IPv4 peer, IPv6-only bind; only a "
                            "bind to [::] reaches both families)",
                            StartsWith("test.conf:8: ipcp.wan.peer: address "
                                       "'[::ffff:10.0.0.3]:3435' is not of the family of bind "
                                       "'[fd00::1]:3435' (IPv4 peer, ")));
}

// A dual-stack socket on a port also takes that port's IPv4 addresses.
TEST(ConfigFile, DualStackBindConflictsWithIpv4BindsOfItsPort) {
    // Lines 1-2 are [node]; section k (from 0) is lines 3 + 4k to 6 + 4k, its bind the last.
    const auto outcome = parse("[node]\nname = a\n" + udp_section("a", "10.0.0.1:3435") +
                               udp_section("b", "[::]:3435") + udp_section("c", "0.0.0.0:3436") +
                               udp_section("d", "[::]:3437") + udp_section("e", "10.0.0.1:3437"));
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:10: ipcp.b.bind: address '[::]:3435' conflicts "
                                       "with [ipcp.a]"),
                            StartsWith("test.conf:22: ipcp.e.bind: address '10.0.0.1:3437' "
                                       "conflicts with [ipcp.d]")));
}

TEST(ConfigFile, QuotedAndEmptyValuesAreErrors) {
    const auto outcome = parse("[node]\nname = \"site-a\"\nlog-level =\n");
    EXPECT_THAT(outcome.errors, ElementsAre(StartsWith("test.conf:2: node.name: quoted value"),
                                            "test.conf:3: node.log-level: empty value"));
}

TEST(ConfigFile, ReportsEveryErrorInLineOrder) {
    const auto outcome = parse(R"(stray
[node]
name = a
colour = blue
[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.300:3435
[nonsense]
[gateway]
mode = tun
address = 10.10.1.1/24
mtu = huge
idle-timeout = 2 s
)");
    EXPECT_FALSE(outcome.config.has_value());
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:1: syntax error"),
                            StartsWith("test.conf:4: node.colour: unknown key"),
                            StartsWith("test.conf:8: ipcp.wan.bind: invalid address"),
                            StartsWith("test.conf:9: [nonsense]: unknown section"),
                            StartsWith("test.conf:13: gateway.mtu: invalid value 'huge'"),
                            StartsWith("test.conf:14: gateway.idle-timeout: invalid duration")));
}

TEST(ConfigFile, ControlBytesInMessagesAreEscaped) {
    const auto outcome = parse(std::string("[node]\nname = a\nlog-level = \x1b[31m\n"));
    ASSERT_THAT(outcome.errors, SizeIs(1));
    EXPECT_THAT(outcome.errors[0], HasSubstr("'\\x1b[31m'"));
}

TEST(ConfigFile, EqualTextsGiveEqualConfigsAndChangesShow) {
    const auto a = parse(design_example);
    const auto b = parse(design_example);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a.config, *b.config);

    std::string changed(design_example);
    changed.replace(changed.find("10.10.2.0/24"), 12, "10.10.9.0/24");
    const auto c = parse(changed);
    ASSERT_TRUE(c.ok());
    EXPECT_NE(c.config->gateway, a.config->gateway);
    EXPECT_EQ(c.config->node, a.config->node);
    EXPECT_EQ(c.config->ipcps, a.config->ipcps);
}

TEST(ConfigFile, TooLargeInputIsRejected) {
    const std::string text = "[node]\nname = a\n" + std::string(max_config_size, '#');
    const auto outcome = parse(text);
    EXPECT_THAT(outcome.errors, ElementsAre(StartsWith("test.conf: file too large")));
}

TEST(ConfigFile, TooManyIpcpSectionsIsAnError) {
    std::string text = "[node]\nname = a\n";
    for (std::size_t i = 0; i <= max_ipcps; ++i) {
        text += "[ipcp.e" + std::to_string(i) + "]\ntype = eth\nlayer = l\ndev = e" +
                std::to_string(i) + "\n";
    }
    const auto outcome = parse(text);
    EXPECT_THAT(outcome.errors, ElementsAre(HasSubstr("too many IPCP sections")));
}

TEST(ConfigFile, LoadNamesPathAndErrnoWhenMissing) {
    const auto outcome = load_config("/nonexistent/ogwd.conf");
    EXPECT_FALSE(outcome.ok());
    EXPECT_THAT(outcome.errors,
                ElementsAre("/nonexistent/ogwd.conf: cannot open: No such file or directory"));
}

TEST(ConfigFile, LoadReportsADirectory) {
    const auto dir = ::testing::TempDir();
    const auto outcome = load_config(dir);
    EXPECT_FALSE(outcome.ok());
    ASSERT_THAT(outcome.errors, SizeIs(1));
    EXPECT_THAT(outcome.errors[0], StartsWith(dir + ": cannot"));
}

TEST(ConfigFile, LoadReadsAFileAndNamesItInErrors) {
    const auto path = std::filesystem::path(::testing::TempDir()) / "ogw_config_test.conf";
    {
        std::ofstream out(path);
        out << "[node]\nname = a\nbogus = 1\n";
    }
    const auto outcome = load_config(path.string());
    std::filesystem::remove(path);
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith(path.string() + ":3: node.bogus: unknown key")));
}

TEST(ConfigFile, QueuesDefaultToOneAndTakeAutoOrACount) {
    const auto defaults = parse(with_gateway("address = 10.10.1.1/24\n"));
    ASSERT_TRUE(defaults.ok()) << ::testing::PrintToString(defaults.errors);
    EXPECT_EQ(defaults.config->gateway.queues, 1U);
    for (const auto& [line, queues] : std::vector<std::pair<std::string, std::uint32_t>>{
             {"queues = auto", 0}, {"queues = 1", 1}, {"queues = 2", 2}, {"queues = 64", 64}}) {
        const auto outcome = parse(with_gateway("address = 10.10.1.1/24\n" + line + "\n"));
        ASSERT_TRUE(outcome.ok()) << line << ::testing::PrintToString(outcome.errors);
        EXPECT_EQ(outcome.config->gateway.queues, queues) << line;
    }
    for (const std::string bad : {"0", "65", "-1", "two", "2k"}) {
        const auto outcome = parse(with_gateway("address = 10.10.1.1/24\nqueues = " + bad + "\n"));
        ASSERT_EQ(outcome.errors.size(), 1U) << bad;
        EXPECT_THAT(outcome.errors[0],
                    HasSubstr("gateway.queues: invalid value '" + bad +
                              "': expected auto or a number from 1 to 64"));
    }
}

}  // namespace
}  // namespace ogw::gw
