// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/inet.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace ogw {
namespace {

constexpr std::size_t max_interface_name = 15;  // IFNAMSIZ - 1

Unexpected<Error> parse_failure(std::string reason) {
    return unexpected(Error{make_error_code(errc::parse_error), std::move(reason)});
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <class T>
std::optional<T> parse_decimal(std::string_view s) {
    if (!all_digits(s)) {
        return std::nullopt;
    }
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
    return parse_decimal<std::uint16_t>(s);
}

// What the kernel accepts as an interface name (dev_valid_name).
bool valid_interface_name(std::string_view s) {
    if (s.empty() || s.size() > max_interface_name || s == "." || s == "..") {
        return false;
    }
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return c == '/' || c == ':' || c == '%' || c == ']' || u <= 0x20 || u == 0x7f;
    });
}

std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t hash_address(const IpAddress& address) {
    std::array<std::uint8_t, 16> raw{};
    const auto bytes = address.bytes();
    std::copy(bytes.begin(), bytes.end(), raw.begin());
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::memcpy(&hi, raw.data(), 8);
    std::memcpy(&lo, raw.data() + 8, 8);
    return splitmix(hi ^ splitmix(lo ^ static_cast<std::uint64_t>(address.family())));
}

struct HostAndZone {
    IpAddress ip;
    std::uint32_t scope_id = 0;
    std::string scope_name;
};

Result<HostAndZone> parse_host(std::string_view text) {
    const auto percent = text.find('%');
    auto ip = IpAddress::parse(text.substr(0, percent));
    if (!ip) {
        return unexpected(ip.error());
    }
    HostAndZone host{*ip, 0, {}};
    if (percent == std::string_view::npos) {
        return host;
    }
    if (ip->is_v4()) {
        return parse_failure("zone id on an IPv4 address");
    }
    const auto zone = text.substr(percent + 1);
    if (all_digits(zone)) {
        const auto id = parse_decimal<std::uint32_t>(zone);
        if (!id || *id == 0) {
            return parse_failure("zone id out of range");
        }
        host.scope_id = *id;
    } else if (valid_interface_name(zone)) {
        host.scope_name = std::string(zone);
    } else {
        return parse_failure("invalid zone id");
    }
    return host;
}

}  // namespace

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& bytes) {
    IpAddress a;
    a.family_ = Family::v4;
    std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
    return a;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes) {
    IpAddress a;
    a.family_ = Family::v6;
    a.bytes_ = bytes;
    return a;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
    std::array<char, INET6_ADDRSTRLEN> buffer{};
    if (text.empty()) {
        return parse_failure("empty address");
    }
    if (text.size() >= buffer.size() || text.find('\0') != std::string_view::npos) {
        return parse_failure("not an IPv4 or IPv6 address");
    }
    std::copy(text.begin(), text.end(), buffer.begin());
    const bool v6 = text.find(':') != std::string_view::npos;
    IpAddress a;
    a.family_ = v6 ? Family::v6 : Family::v4;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buffer.data(), a.bytes_.data()) != 1) {
        return parse_failure(v6 ? "not an IPv6 address" : "not an IPv4 address");
    }
    return a;
}

bool IpAddress::is_unspecified() const {
    const auto b = bytes();
    return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

bool IpAddress::is_loopback() const {
    if (is_v4()) {
        return bytes_[0] == 127;
    }
    return std::all_of(bytes_.begin(), bytes_.end() - 1, [](std::uint8_t x) { return x == 0; }) &&
           bytes_[15] == 1;
}

bool IpAddress::is_multicast() const {
    return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::is_link_local() const {
    if (is_v4()) {
        return bytes_[0] == 169 && bytes_[1] == 254;
    }
    return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

bool IpAddress::is_v4_mapped() const {
    return is_v6() &&
           std::all_of(bytes_.begin(), bytes_.begin() + 10,
                       [](std::uint8_t x) { return x == 0; }) &&
           bytes_[10] == 0xff && bytes_[11] == 0xff;
}

IpAddress IpAddress::unmapped() const {
    if (!is_v4_mapped()) {
        return *this;
    }
    return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

std::string IpAddress::to_string() const {
    std::array<char, INET6_ADDRSTRLEN> buffer{};
    if (inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buffer.data(),
                  static_cast<socklen_t>(buffer.size())) == nullptr) {
        return "?";
    }
    return buffer.data();
}

Result<IpPrefix> IpPrefix::make(const IpAddress& address, unsigned length) {
    if (length > address.max_prefix_length()) {
        return parse_failure("prefix length out of range");
    }
    return IpPrefix(address, static_cast<std::uint8_t>(length));
}

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) {
        return unexpected(address.error());
    }
    if (slash == std::string_view::npos) {
        return IpPrefix(*address, static_cast<std::uint8_t>(address->max_prefix_length()));
    }
    const auto length = parse_decimal<unsigned>(text.substr(slash + 1));
    if (!length) {
        return parse_failure("invalid prefix length");
    }
    return make(*address, *length);
}

IpPrefix IpPrefix::network() const {
    std::array<std::uint8_t, 16> raw{};
    const auto bytes = address_.bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto bit = i * 8;
        if (bit + 8 <= length_) {
            raw[i] = bytes[i];
        } else if (bit < length_) {
            const auto keep = static_cast<unsigned>(length_ - bit);
            raw[i] = static_cast<std::uint8_t>(bytes[i] & (0xffU << (8 - keep)));
        }
    }
    if (address_.is_v4()) {
        return {IpAddress::v4({raw[0], raw[1], raw[2], raw[3]}), length_};
    }
    return {IpAddress::v6(raw), length_};
}

bool IpPrefix::has_host_bits() const {
    return network().address_ != address_;
}

bool IpPrefix::contains(const IpAddress& address) const {
    if (address.family() != address_.family()) {
        return false;
    }
    const auto theirs = address.bytes();
    const auto mine = address_.bytes();
    unsigned bits = length_;
    for (std::size_t i = 0; bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<std::uint8_t>(0xffU << (8 - take));
        if (((theirs[i] ^ mine[i]) & mask) != 0) {
            return false;
        }
        bits -= take;
    }
    return true;
}

std::string IpPrefix::to_string() const {
    return address_.to_string() + "/" + std::to_string(length_);
}

const sockaddr* SockAddr::get() const {
    return reinterpret_cast<const sockaddr*>(&storage);
}

Result<SocketAddress> SocketAddress::parse(std::string_view text,
                                           std::optional<std::uint16_t> default_port) {
    if (text.empty()) {
        return parse_failure("empty address");
    }
    std::string_view host;
    std::optional<std::string_view> port_text;
    const bool bracketed = text.front() == '[';
    if (bracketed) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return parse_failure("missing ']'");
        }
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return parse_failure("expected ':PORT' after ']'");
            }
            port_text = rest.substr(1);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const auto colon = text.find(':');
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    } else {
        host = text;
    }

    auto parsed = parse_host(host);
    if (!parsed) {
        return unexpected(parsed.error());
    }
    if (bracketed && parsed->ip.is_v4()) {
        return parse_failure("brackets are only for IPv6 addresses");
    }
    std::uint16_t port = 0;
    if (port_text) {
        const auto p = parse_port(*port_text);
        if (!p) {
            return parse_failure(port_text->empty() ? "missing port" : "invalid port");
        }
        port = *p;
    } else if (default_port) {
        port = *default_port;
    } else {
        return parse_failure("missing port");
    }
    SocketAddress a(parsed->ip, port);
    a.scope_id_ = parsed->scope_id;
    a.scope_name_ = std::move(parsed->scope_name);
    return a;
}

Result<SocketAddress> SocketAddress::from_sockaddr(const sockaddr* address, socklen_t length) {
    if (address == nullptr || length < static_cast<socklen_t>(sizeof(sa_family_t))) {
        return parse_failure("short socket address");
    }
    sa_family_t family = 0;
    std::memcpy(&family,
                reinterpret_cast<const std::byte*>(address) + offsetof(sockaddr, sa_family),
                sizeof family);
    if (family == AF_INET) {
        if (length < static_cast<socklen_t>(sizeof(sockaddr_in))) {
            return parse_failure("short socket address");
        }
        sockaddr_in sin{};
        std::memcpy(&sin, address, sizeof sin);
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
        return SocketAddress(IpAddress::v4(bytes), ntohs(sin.sin_port));
    }
    if (family == AF_INET6) {
        if (length < static_cast<socklen_t>(sizeof(sockaddr_in6))) {
            return parse_failure("short socket address");
        }
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, address, sizeof sin6);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
        SocketAddress a(IpAddress::v6(bytes), ntohs(sin6.sin6_port));
        a.scope_id_ = sin6.sin6_scope_id;
        return a;
    }
    return parse_failure("unsupported address family");
}

SockAddr SocketAddress::to_sockaddr() const {
    SockAddr out;
    const auto bytes = ip_.bytes();
    if (ip_.is_v4()) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port_);
        std::memcpy(&sin.sin_addr, bytes.data(), bytes.size());
        std::memcpy(&out.storage, &sin, sizeof sin);
        out.length = sizeof sin;
    } else {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(port_);
        sin6.sin6_scope_id = scope_id_;
        std::memcpy(&sin6.sin6_addr, bytes.data(), bytes.size());
        std::memcpy(&out.storage, &sin6, sizeof sin6);
        out.length = sizeof sin6;
    }
    return out;
}

SocketAddress SocketAddress::with_scope_id(std::uint32_t scope_id) const {
    SocketAddress a(ip_, port_);
    a.scope_id_ = scope_id;
    return a;
}

std::string SocketAddress::to_string() const {
    const auto port = ":" + std::to_string(port_);
    if (ip_.is_v4()) {
        return ip_.to_string() + port;
    }
    std::string zone;
    if (!scope_name_.empty()) {
        zone = "%" + scope_name_;
    } else if (scope_id_ != 0) {
        zone = "%" + std::to_string(scope_id_);
    }
    return "[" + ip_.to_string() + zone + "]" + port;
}

Result<MacAddress> MacAddress::parse(std::string_view text) {
    constexpr std::size_t text_length = 17;
    if (text.size() != text_length) {
        return parse_failure("not a MAC address");
    }
    std::array<std::uint8_t, 6> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto pos = i * 3;
        if (i > 0 && text[pos - 1] != ':') {
            return parse_failure("not a MAC address");
        }
        const auto pair = text.substr(pos, 2);
        const bool hex = std::all_of(pair.begin(), pair.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        });
        if (!hex) {
            return parse_failure("not a MAC address");
        }
        std::from_chars(pair.data(), pair.data() + pair.size(), bytes[i], 16);
    }
    return MacAddress(bytes);
}

MacAddress MacAddress::broadcast() {
    return MacAddress({0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
}

bool MacAddress::is_broadcast() const {
    return *this == broadcast();
}

bool MacAddress::is_multicast() const {
    return (bytes_[0] & 0x01) != 0;
}

bool MacAddress::is_zero() const {
    return *this == MacAddress();
}

std::string MacAddress::to_string() const {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(17);
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
        if (i > 0) {
            out.push_back(':');
        }
        out.push_back(digits[bytes_[i] >> 4]);
        out.push_back(digits[bytes_[i] & 0x0f]);
    }
    return out;
}

}  // namespace ogw

std::size_t std::hash<ogw::IpAddress>::operator()(const ogw::IpAddress& address) const noexcept {
    return static_cast<std::size_t>(ogw::hash_address(address));
}

std::size_t std::hash<ogw::IpPrefix>::operator()(const ogw::IpPrefix& prefix) const noexcept {
    return static_cast<std::size_t>(
        ogw::splitmix(ogw::hash_address(prefix.address()) ^ prefix.length()));
}

std::size_t std::hash<ogw::SocketAddress>::operator()(
    const ogw::SocketAddress& address) const noexcept {
    std::uint64_t h = ogw::hash_address(address.ip());
    h = ogw::splitmix(h ^ (static_cast<std::uint64_t>(address.port()) << 32 | address.scope_id()));
    if (!address.scope_name().empty()) {
        h ^= std::hash<std::string>{}(address.scope_name());
    }
    return static_cast<std::size_t>(h);
}

std::size_t std::hash<ogw::MacAddress>::operator()(const ogw::MacAddress& address) const noexcept {
    std::uint64_t raw = 0;
    std::memcpy(&raw, address.bytes().data(), address.bytes().size());
    return static_cast<std::size_t>(ogw::splitmix(raw));
}
