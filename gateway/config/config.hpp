// SPDX-License-Identifier: BSD-3-Clause
// The ogwd configuration file (design.md §5.1, docs/configuration.md): an INI file as read by
// Boost.Program_options, turned into a typed Config. Parsing is pure and reports every error,
// each naming the file, the line and the key.
#pragma once

#include <flowlib/inet.hpp>
#include <flowlib/log.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ogw::gw {

inline constexpr std::string_view default_config_path = "/etc/ogw/ogwd.conf";
inline constexpr std::string_view default_socket_path = "/run/ogw/ogwd.sock";
inline constexpr std::uint16_t default_udp_port = 3435;
inline constexpr std::uint16_t default_ethertype = 0xa000;
inline constexpr std::size_t max_config_size = std::size_t{1024} * 1024;
inline constexpr std::size_t max_ipcps = 64;

struct NodeConfig {
    std::string name;
    std::string socket_path{default_socket_path};
    log::Level log_level = log::Level::info;
    std::string user;  // empty: stay root; else switch to this user after setup

    friend bool operator==(const NodeConfig&, const NodeConfig&) = default;
};

// "peer = NAME ADDR:PORT": a static directory entry of a UDP IPCP.
struct StaticPeer {
    std::string name;
    SocketAddress address;

    friend bool operator==(const StaticPeer&, const StaticPeer&) = default;
};

struct UdpIpcpConfig {
    SocketAddress bind;
    std::vector<StaticPeer> peers;

    friend bool operator==(const UdpIpcpConfig&, const UdpIpcpConfig&) = default;
};

struct EthIpcpConfig {
    std::string dev;
    std::uint16_t ethertype = default_ethertype;

    friend bool operator==(const EthIpcpConfig&, const EthIpcpConfig&) = default;
};

enum class IpcpType { udp, eth };

struct IpcpConfig {
    std::string name;  // NAME of [ipcp.NAME]
    std::string layer;
    std::variant<UdpIpcpConfig, EthIpcpConfig> shim;

    IpcpType type() const { return shim.index() == 0 ? IpcpType::udp : IpcpType::eth; }

    friend bool operator==(const IpcpConfig&, const IpcpConfig&) = default;
};

enum class GatewayMode { off, tun, tap };
enum class FlowMapping { session, peer };

// "route = PREFIX NAME": traffic to PREFIX goes to the gateway whose node name is NAME.
struct Route {
    IpPrefix prefix;  // normalised: no host bits
    std::string remote;

    friend bool operator==(const Route&, const Route&) = default;
};

struct GatewayConfig {
    GatewayMode mode = GatewayMode::off;
    std::string dev = "ogw0";
    std::vector<IpPrefix> addresses;   // interface addresses: host bits kept (10.10.1.1/24)
    std::optional<std::uint16_t> mtu;  // empty: auto, derived from the flows' largest SDU
    std::vector<Route> routes;
    FlowMapping flow_mapping = FlowMapping::session;
    std::string qos = "raw";  // a cube name accepted by flow::cube_by_name
    std::uint64_t peer_timeout_ms = 120'000;
    std::uint64_t idle_timeout_ms = 120'000;
    std::uint64_t alloc_timeout_ms = 5'000;
    std::uint32_t max_sessions = 100'000;
    // Device queues, each with a worker thread (TunQueueWorkers); 0 = auto, one per CPU the
    // daemon may run on. 1: the event loop reads and writes the device itself.
    std::uint32_t queues = 1;
    // mode = tap only (docs/tap-bridge.md): the bridge's MAC table and flood limit.
    std::uint64_t mac_ageing_ms = 300'000;
    std::uint32_t max_macs = 8192;
    std::uint32_t flood_rate = 1000;  // flooded frames per second; 0 = no limit
    std::uint32_t flood_burst = 200;

    friend bool operator==(const GatewayConfig&, const GatewayConfig&) = default;
};

enum class EncryptionMode { off, optional, required };

// "peer-key = NAME BASE64": NAME's public key is allowed to allocate flows here, and is the key
// this node expects when it allocates a flow to NAME (the first one listed for NAME).
struct PeerKey {
    std::string name;
    std::string key;  // canonical base64 (44 characters)

    friend bool operator==(const PeerKey&, const PeerKey&) = default;
};

// [security] (docs/security.md).
struct SecurityConfig {
    std::string private_key;  // path of the private key file; empty: none
    std::vector<PeerKey> peer_keys;
    // Default: required once private-key is set, else off.
    EncryptionMode encryption = EncryptionMode::off;
    // A sealed flow's initiator renews its keys this often (docs/security.md §6.1).
    std::uint64_t rekey_after_ms = 120'000;

    bool enabled() const { return encryption != EncryptionMode::off; }
    friend bool operator==(const SecurityConfig&, const SecurityConfig&) = default;
};

struct Config {
    NodeConfig node;
    std::vector<IpcpConfig> ipcps;  // in file order
    GatewayConfig gateway;
    SecurityConfig security;

    friend bool operator==(const Config&, const Config&) = default;
};

struct ParseOutcome {
    std::optional<Config> config;       // set exactly when errors is empty
    std::vector<std::string> errors;    // "FILE:LINE: KEY: message", in line order
    std::vector<std::string> warnings;  // same format; the config is still usable

    bool ok() const { return config.has_value(); }
};

struct ParseOptions {
    // Also check the files the config names (the private key: readable, a valid key, mode
    // without group/other bits). Off for pure parsing (tests of the text, fuzzing).
    bool check_files = false;
};

// Never throws; reads at most max_config_size bytes.
ParseOutcome parse_config(std::istream& in, std::string_view file_name,
                          ParseOptions options = {});
// As parse_config with check_files; failing to open or read the file is an error naming the
// path and errno.
ParseOutcome load_config(const std::string& path);

std::string_view ipcp_type_name(IpcpType type);
std::string_view gateway_mode_name(GatewayMode mode);
std::string_view flow_mapping_name(FlowMapping mapping);
std::string_view encryption_mode_name(EncryptionMode mode);

}  // namespace ogw::gw
