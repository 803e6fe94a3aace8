// SPDX-License-Identifier: BSD-3-Clause
// Internet address value types: IP addresses, prefixes, socket addresses and MAC addresses.
// Pure values: parsing and formatting only (inet_pton/inet_ntop), no name resolution.
#pragma once

#include <flowlib/result.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace ogw {

class IpAddress {
public:
    enum class Family : std::uint8_t { v4 = 4, v6 = 6 };

    IpAddress() = default;  // 0.0.0.0
    static IpAddress v4(const std::array<std::uint8_t, 4>& bytes);
    static IpAddress v6(const std::array<std::uint8_t, 16>& bytes);
    // Dotted quad or RFC 4291 text; no zone id (that belongs to SocketAddress).
    static Result<IpAddress> parse(std::string_view text);

    Family family() const { return family_; }
    bool is_v4() const { return family_ == Family::v4; }
    bool is_v6() const { return family_ == Family::v6; }
    // 4 or 16 bytes, network order.
    std::span<const std::uint8_t> bytes() const {
        return {bytes_.data(), is_v4() ? std::size_t{4} : std::size_t{16}};
    }
    unsigned max_prefix_length() const { return is_v4() ? 32 : 128; }

    bool is_unspecified() const;
    bool is_loopback() const;
    bool is_multicast() const;
    bool is_link_local() const;
    bool is_v4_mapped() const;
    // a.b.c.d for ::ffff:a.b.c.d, the address itself otherwise.
    IpAddress unmapped() const;

    std::string to_string() const;

    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

private:
    Family family_ = Family::v4;
    std::array<std::uint8_t, 16> bytes_{};  // IPv4 uses the first 4, the rest stay zero
};

// An address with a prefix length. The address is kept as written, so one type serves both
// routes ("10.10.2.0/24") and interface addresses ("10.10.1.1/24"); network() clears the host
// bits and has_host_bits() tells whether there were any. Route tables hold network() values.
class IpPrefix {
public:
    IpPrefix() = default;  // 0.0.0.0/0
    static Result<IpPrefix> make(const IpAddress& address, unsigned length);
    // "ADDR/LEN", or a bare "ADDR" meaning a host prefix (/32, /128).
    static Result<IpPrefix> parse(std::string_view text);

    const IpAddress& address() const { return address_; }
    unsigned length() const { return length_; }
    IpPrefix network() const;
    bool has_host_bits() const;
    bool contains(const IpAddress& address) const;

    std::string to_string() const;

    friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;

private:
    IpPrefix(const IpAddress& address, std::uint8_t length) : address_(address), length_(length) {}

    IpAddress address_;
    std::uint8_t length_ = 0;
};

struct SockAddr {
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* get() const;
};

// IP address, port and, for IPv6, a zone: either a numeric scope id or an interface name kept
// as text (parsing does not call if_nametoindex). Drivers resolve a named zone once with
// with_scope_id(); addresses from the kernel (from_sockaddr) always carry the numeric id.
class SocketAddress {
public:
    SocketAddress() = default;
    SocketAddress(const IpAddress& ip, std::uint16_t port) : ip_(ip), port_(port) {}

    // "10.0.0.1:3435", "[fd00::1]:3435", "[fe80::1%veth0]:3435", "[fe80::1%2]:3435"; without a
    // port ("10.0.0.1", "[fd00::1]", "fd00::1") default_port is used, or parsing fails.
    static Result<SocketAddress> parse(std::string_view text,
                                       std::optional<std::uint16_t> default_port = {});
    static Result<SocketAddress> from_sockaddr(const sockaddr* address, socklen_t length);
    // A named zone that was not resolved yet is written as scope id 0.
    SockAddr to_sockaddr() const;

    const IpAddress& ip() const { return ip_; }
    std::uint16_t port() const { return port_; }
    std::uint32_t scope_id() const { return scope_id_; }
    const std::string& scope_name() const { return scope_name_; }
    bool has_unresolved_scope() const { return !scope_name_.empty(); }
    // The same address with a numeric zone (and no zone name).
    SocketAddress with_scope_id(std::uint32_t scope_id) const;

    std::string to_string() const;

    friend bool operator==(const SocketAddress&, const SocketAddress&) = default;

private:
    IpAddress ip_;
    std::uint16_t port_ = 0;
    std::uint32_t scope_id_ = 0;
    std::string scope_name_;
};

class MacAddress {
public:
    MacAddress() = default;  // 00:00:00:00:00:00
    explicit MacAddress(const std::array<std::uint8_t, 6>& bytes) : bytes_(bytes) {}
    // "aa:bb:cc:dd:ee:ff", hex digits in either case.
    static Result<MacAddress> parse(std::string_view text);
    static MacAddress broadcast();

    const std::array<std::uint8_t, 6>& bytes() const { return bytes_; }
    bool is_broadcast() const;
    bool is_multicast() const;  // group bit set; includes broadcast
    bool is_zero() const;

    std::string to_string() const;  // lower case

    friend auto operator<=>(const MacAddress&, const MacAddress&) = default;

private:
    std::array<std::uint8_t, 6> bytes_{};
};

}  // namespace ogw

template <>
struct std::hash<ogw::IpAddress> {
    std::size_t operator()(const ogw::IpAddress& address) const noexcept;
};

template <>
struct std::hash<ogw::IpPrefix> {
    std::size_t operator()(const ogw::IpPrefix& prefix) const noexcept;
};

template <>
struct std::hash<ogw::SocketAddress> {
    std::size_t operator()(const ogw::SocketAddress& address) const noexcept;
};

template <>
struct std::hash<ogw::MacAddress> {
    std::size_t operator()(const ogw::MacAddress& address) const noexcept;
};
