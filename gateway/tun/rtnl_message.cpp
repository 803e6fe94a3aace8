// SPDX-License-Identifier: BSD-3-Clause
#include "tun/rtnl_message.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace ogw::gw {
namespace {

constexpr std::uint16_t request_ack = NLM_F_REQUEST | NLM_F_ACK;
constexpr std::uint16_t create_exclusive = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
constexpr std::uint16_t request_dump = NLM_F_REQUEST | NLM_F_DUMP;

constexpr std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

bool aligned(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p) % alignof(nlmsghdr) == 0;
}

std::uint8_t family_of(const IpAddress& address) {
    return address.is_v4() ? AF_INET : AF_INET6;
}

// One request being written; any overflow leaves it failed and done() empty.
class Writer {
public:
    Writer(std::span<std::byte> buf, std::uint16_t type, std::uint16_t flags, std::uint32_t seq)
        : buf_(buf) {
        if (buf.size() < rtnl_request_size || !aligned(buf.data())) {
            return;
        }
        nlh_ = mnl_nlmsg_put_header(buf.data());
        nlh_->nlmsg_type = type;
        nlh_->nlmsg_flags = flags;
        nlh_->nlmsg_seq = seq;
    }

    // The family header (ifinfomsg, ifaddrmsg, rtmsg), zeroed; nullptr once failed.
    template <class T>
    T* header() {
        if (nlh_ == nullptr) {
            return nullptr;
        }
        return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }

    void put(std::uint16_t type, std::span<const std::uint8_t> bytes) {
        if (nlh_ != nullptr &&
            !mnl_attr_put_check(nlh_, buf_.size(), type, bytes.size(), bytes.data())) {
            nlh_ = nullptr;
        }
    }

    void put_u32(std::uint16_t type, std::uint32_t value) {
        if (nlh_ != nullptr && !mnl_attr_put_u32_check(nlh_, buf_.size(), type, value)) {
            nlh_ = nullptr;
        }
    }

    std::span<const std::byte> done() const {
        if (nlh_ == nullptr) {
            return {};
        }
        return buf_.first(nlh_->nlmsg_len);
    }

private:
    std::span<std::byte> buf_;
    nlmsghdr* nlh_ = nullptr;
};

const nlmsghdr* as_message(std::span<const std::byte> message) {
    if (message.size() < sizeof(nlmsghdr) || !aligned(message.data())) {
        return nullptr;
    }
    const auto* nlh = static_cast<const nlmsghdr*>(static_cast<const void*>(message.data()));
    // Not mnl_nlmsg_ok: it compares nlmsg_len as an int, so 2 GiB and more pass.
    if (nlh->nlmsg_len < sizeof(nlmsghdr) || nlh->nlmsg_len > message.size()) {
        return nullptr;
    }
    return nlh;
}

// Copied out, as the payload need not be aligned for T.
template <class T>
std::optional<T> family_header(const nlmsghdr* nlh) {
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(T)) {
        return std::nullopt;
    }
    T h{};
    std::memcpy(&h, mnl_nlmsg_get_payload(nlh), sizeof h);
    return h;
}

// Attributes by type; the last of a repeated type wins.
using Attributes = std::array<const nlattr*, 128>;

// The attributes from offset (into the payload) to nlmsg_len. Not mnl_attr_parse: that one
// reads up to nlmsg_len rounded up, which can be past the end of the caller's bytes.
Attributes attributes(const nlmsghdr* nlh, std::size_t offset) {
    Attributes table{};
    const std::size_t payload = mnl_nlmsg_get_payload_len(nlh);
    const std::size_t start = align4(offset);
    if (start >= payload) {
        return table;
    }
    const auto* next = static_cast<const std::byte*>(mnl_nlmsg_get_payload(nlh)) + start;
    std::size_t left = payload - start;
    while (left >= sizeof(nlattr)) {
        const auto* attr = static_cast<const nlattr*>(static_cast<const void*>(next));
        if (!mnl_attr_ok(attr, static_cast<int>(std::min<std::size_t>(left, INT_MAX)))) {
            break;
        }
        const std::uint16_t type = mnl_attr_get_type(attr);
        if (type < table.size()) {
            table[type] = attr;
        }
        const std::size_t step = align4(attr->nla_len);
        if (step >= left) {
            break;
        }
        next += step;
        left -= step;
    }
    return table;
}

std::optional<std::uint32_t> get_u32(const nlattr* attr) {
    if (attr == nullptr || mnl_attr_get_payload_len(attr) != sizeof(std::uint32_t)) {
        return std::nullopt;
    }
    return mnl_attr_get_u32(attr);
}

std::optional<std::string> get_string(const nlattr* attr) {
    if (attr == nullptr || mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) != 0) {
        return std::nullopt;
    }
    return std::string(mnl_attr_get_str(attr));
}

std::optional<IpAddress> get_address(const nlattr* attr, std::uint8_t family) {
    if (attr == nullptr) {
        return std::nullopt;
    }
    const std::uint16_t length = mnl_attr_get_payload_len(attr);
    if (family == AF_INET && length == 4) {
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), mnl_attr_get_payload(attr), bytes.size());
        return IpAddress::v4(bytes);
    }
    if (family == AF_INET6 && length == 16) {
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), mnl_attr_get_payload(attr), bytes.size());
        return IpAddress::v6(bytes);
    }
    return std::nullopt;
}

bool is_ip_family(std::uint8_t family) {
    return family == AF_INET || family == AF_INET6;
}

}  // namespace

bool LinkInfo::up() const {
    return (flags & IFF_UP) != 0;
}

std::span<const std::byte> build_set_link(std::span<std::byte> buf, std::uint32_t seq, int ifindex,
                                          std::optional<std::uint32_t> mtu, bool up) {
    Writer w(buf, RTM_NEWLINK, request_ack, seq);
    auto* ifi = w.header<ifinfomsg>();
    if (ifi == nullptr) {
        return {};
    }
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? unsigned{IFF_UP} : 0U;
    if (mtu) {
        w.put_u32(IFLA_MTU, *mtu);
    }
    return w.done();
}

std::span<const std::byte> build_get_link(std::span<std::byte> buf, std::uint32_t seq,
                                          int ifindex) {
    Writer w(buf, RTM_GETLINK, request_ack, seq);
    auto* ifi = w.header<ifinfomsg>();
    if (ifi == nullptr) {
        return {};
    }
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    return w.done();
}

std::span<const std::byte> build_address(std::span<std::byte> buf, std::uint32_t seq, RtnlOp op,
                                         int ifindex, const IpPrefix& address) {
    const bool add = op == RtnlOp::add;
    Writer w(buf, add ? RTM_NEWADDR : RTM_DELADDR, add ? create_exclusive : request_ack, seq);
    auto* ifa = w.header<ifaddrmsg>();
    if (ifa == nullptr) {
        return {};
    }
    const IpAddress& ip = address.address();
    ifa->ifa_family = family_of(ip);
    ifa->ifa_prefixlen = static_cast<std::uint8_t>(address.length());
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = static_cast<std::uint32_t>(ifindex);
    if (ip.is_v4()) {
        ifa->ifa_flags = IFA_F_PERMANENT;
        w.put(IFA_LOCAL, ip.bytes());
        w.put(IFA_ADDRESS, ip.bytes());
    } else {
        ifa->ifa_flags = IFA_F_NODAD;
        w.put(IFA_ADDRESS, ip.bytes());
        if (add) {
            w.put_u32(IFA_FLAGS, IFA_F_NODAD);
        }
    }
    return w.done();
}

std::span<const std::byte> build_route(std::span<std::byte> buf, std::uint32_t seq, RtnlOp op,
                                       const RouteSpec& route) {
    const bool add = op == RtnlOp::add;
    Writer w(buf, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? create_exclusive : request_ack, seq);
    auto* rtm = w.header<rtmsg>();
    if (rtm == nullptr) {
        return {};
    }
    const IpPrefix network = route.prefix.network();
    rtm->rtm_family = family_of(network.address());
    rtm->rtm_dst_len = static_cast<std::uint8_t>(network.length());
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = route.protocol;
    rtm->rtm_scope = RT_SCOPE_LINK;
    rtm->rtm_type = RTN_UNICAST;
    if (network.length() > 0) {
        w.put(RTA_DST, network.address().bytes());
    }
    w.put_u32(RTA_OIF, static_cast<std::uint32_t>(route.ifindex));
    if (route.metric) {
        w.put_u32(RTA_PRIORITY, *route.metric);
    }
    return w.done();
}

std::span<const std::byte> build_address_dump(std::span<std::byte> buf, std::uint32_t seq) {
    Writer w(buf, RTM_GETADDR, request_dump, seq);
    auto* ifa = w.header<ifaddrmsg>();
    if (ifa == nullptr) {
        return {};
    }
    ifa->ifa_family = AF_UNSPEC;
    return w.done();
}

std::span<const std::byte> build_route_dump(std::span<std::byte> buf, std::uint32_t seq) {
    Writer w(buf, RTM_GETROUTE, request_dump, seq);
    auto* rtm = w.header<rtmsg>();
    if (rtm == nullptr) {
        return {};
    }
    rtm->rtm_family = AF_UNSPEC;
    return w.done();
}

std::optional<LinkInfo> parse_link(std::span<const std::byte> message) {
    const nlmsghdr* nlh = as_message(message);
    if (nlh == nullptr || nlh->nlmsg_type != RTM_NEWLINK) {
        return std::nullopt;
    }
    const auto ifi = family_header<ifinfomsg>(nlh);
    if (!ifi) {
        return std::nullopt;
    }
    const Attributes attrs = attributes(nlh, sizeof(ifinfomsg));
    LinkInfo link;
    link.ifindex = ifi->ifi_index;
    link.flags = ifi->ifi_flags;
    link.mtu = get_u32(attrs[IFLA_MTU]).value_or(0);
    link.name = get_string(attrs[IFLA_IFNAME]).value_or("");
    return link;
}

std::optional<AddressInfo> parse_address(std::span<const std::byte> message) {
    const nlmsghdr* nlh = as_message(message);
    if (nlh == nullptr || nlh->nlmsg_type != RTM_NEWADDR) {
        return std::nullopt;
    }
    const auto ifa = family_header<ifaddrmsg>(nlh);
    if (!ifa || !is_ip_family(ifa->ifa_family)) {
        return std::nullopt;
    }
    const Attributes attrs = attributes(nlh, sizeof(ifaddrmsg));
    // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on a point-to-point IPv4 link.
    const nlattr* local = attrs[IFA_LOCAL] != nullptr ? attrs[IFA_LOCAL] : attrs[IFA_ADDRESS];
    const auto ip = get_address(local, ifa->ifa_family);
    if (!ip) {
        return std::nullopt;
    }
    auto prefix = IpPrefix::make(*ip, ifa->ifa_prefixlen);
    if (!prefix) {
        return std::nullopt;
    }
    AddressInfo address;
    address.ifindex = static_cast<int>(ifa->ifa_index);
    address.address = *prefix;
    address.flags = get_u32(attrs[IFA_FLAGS]).value_or(ifa->ifa_flags);
    address.scope = ifa->ifa_scope;
    return address;
}

std::optional<RouteInfo> parse_route(std::span<const std::byte> message) {
    const nlmsghdr* nlh = as_message(message);
    if (nlh == nullptr || (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)) {
        return std::nullopt;
    }
    const auto rtm = family_header<rtmsg>(nlh);
    if (!rtm || !is_ip_family(rtm->rtm_family)) {
        return std::nullopt;
    }
    const Attributes attrs = attributes(nlh, sizeof(rtmsg));
    IpAddress dst = rtm->rtm_family == AF_INET ? IpAddress() : IpAddress::v6({});
    if (attrs[RTA_DST] != nullptr || rtm->rtm_dst_len > 0) {
        const auto parsed = get_address(attrs[RTA_DST], rtm->rtm_family);
        if (!parsed) {
            return std::nullopt;
        }
        dst = *parsed;
    }
    auto prefix = IpPrefix::make(dst, rtm->rtm_dst_len);
    if (!prefix) {
        return std::nullopt;
    }
    RouteInfo route;
    route.prefix = *prefix;
    route.ifindex = static_cast<int>(get_u32(attrs[RTA_OIF]).value_or(0));
    route.metric = get_u32(attrs[RTA_PRIORITY]);
    route.table = get_u32(attrs[RTA_TABLE]).value_or(rtm->rtm_table);
    route.protocol = rtm->rtm_protocol;
    route.scope = rtm->rtm_scope;
    route.type = rtm->rtm_type;
    return route;
}

std::optional<RtnlAck> parse_ack(std::span<const std::byte> message) {
    const nlmsghdr* nlh = as_message(message);
    if (nlh == nullptr || nlh->nlmsg_type != NLMSG_ERROR) {
        return std::nullopt;
    }
    const auto err = family_header<nlmsgerr>(nlh);
    if (!err) {
        return std::nullopt;
    }
    RtnlAck ack;
    // Subsystems differ in the sign (libmnl accepts both); INT_MIN has no positive twin.
    ack.error = err->error == INT_MIN ? EPROTO : std::abs(err->error);
    if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0) {
        return ack;
    }
    // Without NLM_F_CAPPED the whole request is echoed before the extended ack attributes.
    std::size_t offset = sizeof(nlmsgerr);
    if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0) {
        offset = sizeof(err->error) + align4(err->msg.nlmsg_len);
    }
    const Attributes attrs = attributes(nlh, offset);
    ack.message = get_string(attrs[NLMSGERR_ATTR_MSG]).value_or("");
    return ack;
}

}  // namespace ogw::gw
