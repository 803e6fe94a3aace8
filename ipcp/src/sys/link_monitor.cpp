// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/link_monitor.hpp>

#include <flowlib/log.hpp>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace ogw::ipcp {
namespace {

constexpr const char* log_tag = "link";
constexpr std::size_t receive_buffer_size = 64 * 1024;
constexpr int socket_buffer_bytes = 1 << 20;
constexpr std::size_t reads_per_wakeup = 16;
constexpr auto dump_timeout = std::chrono::seconds(5);
constexpr std::size_t mac_size = 6;

// The netlink header at the start of `message`, if the message is complete and aligned.
const nlmsghdr* header_of(std::span<const std::byte> message, std::size_t payload) {
    if (message.size() < sizeof(nlmsghdr) ||
        reinterpret_cast<std::uintptr_t>(message.data()) % alignof(nlmsghdr) != 0) {
        return nullptr;
    }
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(message.data());
    if (nlh->nlmsg_len > message.size() || nlh->nlmsg_len < mnl_nlmsg_size(payload)) {
        return nullptr;
    }
    return nlh;
}

int link_attribute(const nlattr* attr, void* data) {
    auto& link = *static_cast<LinkState*>(data);
    switch (mnl_attr_get_type(attr)) {
    case IFLA_MTU:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
            return MNL_CB_ERROR;
        }
        link.mtu = mnl_attr_get_u32(attr);
        break;
    case IFLA_IFNAME:
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0) {
            return MNL_CB_ERROR;
        }
        link.name = mnl_attr_get_str(attr);
        break;
    case IFLA_ADDRESS:
        if (mnl_attr_get_payload_len(attr) == mac_size) {
            std::array<std::uint8_t, mac_size> mac{};
            std::memcpy(mac.data(), mnl_attr_get_payload(attr), mac_size);
            link.mac = MacAddress(mac);
        }
        break;
    default:
        break;
    }
    return MNL_CB_OK;
}

struct AddressAttributes {
    unsigned char family = 0;
    std::optional<IpAddress> local;    // IFA_LOCAL: the local address on point-to-point links
    std::optional<IpAddress> address;  // IFA_ADDRESS
};

std::optional<IpAddress> ip_of(const nlattr* attr, unsigned char family) {
    const auto length = mnl_attr_get_payload_len(attr);
    if (family == AF_INET && length == 4) {
        std::array<std::uint8_t, 4> b{};
        std::memcpy(b.data(), mnl_attr_get_payload(attr), b.size());
        return IpAddress::v4(b);
    }
    if (family == AF_INET6 && length == 16) {
        std::array<std::uint8_t, 16> b{};
        std::memcpy(b.data(), mnl_attr_get_payload(attr), b.size());
        return IpAddress::v6(b);
    }
    return std::nullopt;
}

int address_attribute(const nlattr* attr, void* data) {
    auto& a = *static_cast<AddressAttributes*>(data);
    const auto type = mnl_attr_get_type(attr);
    if (type == IFA_LOCAL || type == IFA_ADDRESS) {
        auto ip = ip_of(attr, a.family);
        if (!ip) {
            return MNL_CB_ERROR;
        }
        (type == IFA_LOCAL ? a.local : a.address) = *ip;
    }
    return MNL_CB_OK;
}

bool same_report(const LinkState& a, const LinkState& b) {
    return a.index == b.index && a.up() == b.up() && a.mtu == b.mtu && a.mac == b.mac;
}

}  // namespace

bool LinkState::up() const {
    return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
}

std::optional<LinkMessage> parse_link_message(std::span<const std::byte> message) {
    const nlmsghdr* nlh = header_of(message, sizeof(ifinfomsg));
    if (nlh == nullptr || (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)) {
        return std::nullopt;
    }
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    if (ifi->ifi_index <= 0) {
        return std::nullopt;
    }
    LinkMessage m;
    m.removed = nlh->nlmsg_type == RTM_DELLINK;
    m.link.index = static_cast<std::uint32_t>(ifi->ifi_index);
    m.link.flags = ifi->ifi_flags;
    if (mnl_attr_parse(nlh, sizeof(ifinfomsg), link_attribute, &m.link) < MNL_CB_OK) {
        return std::nullopt;
    }
    return m;
}

std::optional<AddressMessage> parse_address_message(std::span<const std::byte> message) {
    const nlmsghdr* nlh = header_of(message, sizeof(ifaddrmsg));
    if (nlh == nullptr || (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)) {
        return std::nullopt;
    }
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    AddressAttributes attrs;
    attrs.family = ifa->ifa_family;
    if (ifa->ifa_index == 0 ||
        mnl_attr_parse(nlh, sizeof(ifaddrmsg), address_attribute, &attrs) < MNL_CB_OK) {
        return std::nullopt;
    }
    // On point-to-point links IFA_ADDRESS is the peer's; IFA_LOCAL is ours.
    const auto& ip = attrs.local ? attrs.local : attrs.address;
    if (!ip) {
        return std::nullopt;
    }
    return AddressMessage{nlh->nlmsg_type == RTM_DELADDR, ifa->ifa_index, *ip};
}

// ------------------------------------------------------------------------- table

void LinkTable::apply(const LinkMessage& m) {
    if (m.removed) {
        links_.erase(m.link.index);
        std::erase_if(addresses_, [&](const auto& a) { return a.first == m.link.index; });
        return;
    }
    links_.insert_or_assign(m.link.index, m.link);
}

void LinkTable::apply(const AddressMessage& m) {
    const auto it = std::find(addresses_.begin(), addresses_.end(),
                              std::pair(m.index, m.address));
    if (m.removed) {
        if (it != addresses_.end()) {
            addresses_.erase(it);
        }
    } else if (it == addresses_.end()) {
        addresses_.emplace_back(m.index, m.address);
    }
}

void LinkTable::clear() {
    links_.clear();
    addresses_.clear();
}

const LinkState* LinkTable::find(std::uint32_t index) const {
    const auto it = links_.find(index);
    return it == links_.end() ? nullptr : &it->second;
}

std::optional<std::uint32_t> LinkTable::owner_of(const IpAddress& address,
                                                 std::uint32_t scope_id) const {
    for (const auto& [index, ip] : addresses_) {
        if (ip == address && (scope_id == 0 || index == scope_id)) {
            return index;
        }
    }
    return std::nullopt;
}

// ------------------------------------------------------------------------- monitor

void LinkMonitor::MnlClose::operator()(mnl_socket* s) const {
    mnl_socket_close(s);
}

LinkMonitor::LinkMonitor(EventLoop& loop) : loop_(loop), buffer_(receive_buffer_size) {}

LinkMonitor::~LinkMonitor() {
    if (registered_) {
        if (auto r = loop_.remove(fd_); !r) {
            OGW_LOG(warn, log_tag) << r.error().message();
        }
    }
}

Result<std::unique_ptr<LinkMonitor>> LinkMonitor::create(EventLoop& loop) {
    std::unique_ptr<LinkMonitor> m(new LinkMonitor(loop));
    if (auto r = m->open(); !r) {
        return unexpected(r.error());
    }
    if (auto r = m->dump_now(); !r) {
        return unexpected(r.error());
    }
    LinkMonitor* self = m.get();
    if (auto r = loop.add(m->fd_, EPOLLIN, [self](std::uint32_t) { self->on_readable(); }); !r) {
        return unexpected(r.error());
    }
    m->registered_ = true;
    OGW_LOG(debug, log_tag) << "following " << m->table_.size() << " interfaces";
    return m;
}

Result<void> LinkMonitor::open() {
    socket_.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!socket_) {
        return unexpected(Error::last("rtnetlink socket"));
    }
    fd_ = mnl_socket_get_fd(socket_.get());
    const int size = socket_buffer_bytes;
    if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    const unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (mnl_socket_bind(socket_.get(), groups, MNL_SOCKET_AUTOPID) < 0) {
        return unexpected(Error::last("bind rtnetlink socket to the link and address groups"));
    }
    portid_ = mnl_socket_get_portid(socket_.get());
    return {};
}

Result<void> LinkMonitor::request_dump(std::uint16_t type) {
    alignas(nlmsghdr) std::array<char, 64> request{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(request.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_DUMP);
    nlh->nlmsg_seq = ++seq_;
    if (type == RTM_GETLINK) {
        static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)))->ifi_family =
            AF_UNSPEC;
    } else {
        static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)))->ifa_family =
            AF_UNSPEC;
    }
    if (mnl_socket_sendto(socket_.get(), nlh, nlh->nlmsg_len) < 0) {
        return unexpected(Error::last(type == RTM_GETLINK ? "rtnetlink: dump links"
                                                          : "rtnetlink: dump addresses"));
    }
    dumping_ = true;
    return {};
}

Result<void> LinkMonitor::dump_now() {
    for (const std::uint16_t type : {std::uint16_t{RTM_GETLINK}, std::uint16_t{RTM_GETADDR}}) {
        if (auto r = request_dump(type); !r) {
            return r;
        }
        const auto deadline = std::chrono::steady_clock::now() + dump_timeout;
        while (dumping_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
                return unexpected(Error::from_errno(ETIMEDOUT, "rtnetlink: initial dump"));
            }
            const ssize_t n = mnl_socket_recvfrom(socket_.get(), buffer_.data(), buffer_.size());
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) {
                    continue;
                }
                return unexpected(Error::last("rtnetlink: initial dump"));
            }
            if (process(std::span(buffer_).first(static_cast<std::size_t>(n)))) {
                dumping_ = false;
            }
        }
    }
    return {};
}

bool LinkMonitor::process(std::span<const std::byte> datagram) {
    bool done = false;
    int left = static_cast<int>(datagram.size());
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
    while (mnl_nlmsg_ok(nlh, left)) {
        const std::span message(reinterpret_cast<const std::byte*>(nlh), nlh->nlmsg_len);
        ++counters_.messages;
        switch (nlh->nlmsg_type) {
        case NLMSG_DONE:
        case NLMSG_ERROR:  // the answer to a dump request that failed
            done = true;
            break;
        case RTM_NEWLINK:
        case RTM_DELLINK:
            if (const auto m = parse_link_message(message)) {
                table_.apply(*m);
            } else {
                ++counters_.malformed;
            }
            break;
        case RTM_NEWADDR:
        case RTM_DELADDR:
            if (const auto m = parse_address_message(message)) {
                table_.apply(*m);
            } else {
                ++counters_.malformed;
            }
            break;
        default:
            break;
        }
        nlh = mnl_nlmsg_next(nlh, &left);
    }
    return done;
}

void LinkMonitor::on_readable() {
    for (std::size_t round = 0; round < reads_per_wakeup; ++round) {
        const ssize_t n = mnl_socket_recvfrom(socket_.get(), buffer_.data(), buffer_.size());
        if (n < 0) {
            const int err = errno;
            if (err == EAGAIN || err == EWOULDBLOCK) {
                break;
            }
            if (err == EINTR) {
                continue;
            }
            // ENOBUFS: the kernel dropped events; ENOSPC: a message did not fit. Start over.
            ++counters_.resyncs;
            OGW_LOG(warn, log_tag) << "rtnetlink: " << std::strerror(err)
                                   << ": dumping links and addresses again";
            if (!dumping_) {
                table_.clear();
                if (auto r = request_dump(RTM_GETLINK); !r) {
                    OGW_LOG(error, log_tag) << r.error().message();
                }
                resync_next_ = RTM_GETADDR;
            } else {
                resync_next_ = RTM_GETLINK;
            }
            continue;
        }
        if (process(std::span(buffer_).first(static_cast<std::size_t>(n))) && dumping_) {
            dumping_ = false;
            if (resync_next_ != 0) {
                const std::uint16_t next = resync_next_;
                if (next == RTM_GETLINK) {
                    table_.clear();
                }
                resync_next_ = next == RTM_GETLINK ? std::uint16_t{RTM_GETADDR} : std::uint16_t{0};
                if (auto r = request_dump(next); !r) {
                    OGW_LOG(error, log_tag) << r.error().message();
                }
            }
        }
    }
    if (!dumping_) {
        notify();  // not from a half-done dump
    }
}

// ------------------------------------------------------------------------- watchers

LinkState LinkMonitor::current(const Watch& w) const {
    std::uint32_t index = w.index;
    if (w.address) {
        index = table_.owner_of(*w.address, w.scope_id).value_or(0);
    }
    const LinkState* s = table_.find(index);
    return s != nullptr ? *s : LinkState{};
}

void LinkMonitor::notify() {
    for (std::size_t i = 0; i < watches_.size(); ++i) {
        const LinkState now = current(watches_[i]);
        if (watches_[i].reported && same_report(*watches_[i].reported, now)) {
            continue;
        }
        watches_[i].reported = now;
        const Watcher watcher = watches_[i].watcher;  // it may unwatch itself
        watcher(now);
    }
}

LinkMonitor::WatchId LinkMonitor::watch(std::uint32_t index, Watcher watcher) {
    Watch w;
    w.id = next_watch_++;
    w.index = index;
    w.watcher = std::move(watcher);
    watches_.push_back(std::move(w));
    const WatchId id = watches_.back().id;
    notify();
    return id;
}

LinkMonitor::WatchId LinkMonitor::watch_address(const IpAddress& address, std::uint32_t scope_id,
                                                Watcher watcher) {
    Watch w;
    w.id = next_watch_++;
    w.address = address;
    w.scope_id = scope_id;
    w.watcher = std::move(watcher);
    watches_.push_back(std::move(w));
    const WatchId id = watches_.back().id;
    notify();
    return id;
}

void LinkMonitor::unwatch(WatchId id) {
    std::erase_if(watches_, [id](const Watch& w) { return w.id == id; });
}

}  // namespace ogw::ipcp
