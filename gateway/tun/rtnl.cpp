// SPDX-License-Identifier: BSD-3-Clause
#include "tun/rtnl.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

namespace ogw::gw {
namespace {

// Large enough for any dump batch: the kernel sizes its dump messages to the reader's buffer,
// up to 32 KiB.
constexpr std::size_t answer_size = 32768;
constexpr int dump_attempts = 3;

// What the callbacks of one answer share.
struct Exchange {
    const std::function<void(std::span<const std::byte>)>& on_message;
    int error = 0;
    std::string message;  // the kernel's extended ack text
};

std::span<const std::byte> message_bytes(const nlmsghdr* nlh) {
    return {static_cast<const std::byte*>(static_cast<const void*>(nlh)), nlh->nlmsg_len};
}

int on_data(const nlmsghdr* nlh, void* data) {
    auto& exchange = *static_cast<Exchange*>(data);
    if (exchange.on_message) {
        exchange.on_message(message_bytes(nlh));
    }
    return MNL_CB_OK;
}

int on_error(const nlmsghdr* nlh, void* data) {
    auto& exchange = *static_cast<Exchange*>(data);
    const auto ack = parse_ack(message_bytes(nlh));
    if (!ack) {
        exchange.error = EBADMSG;
    } else if (ack->error == 0) {
        return MNL_CB_STOP;
    } else {
        exchange.error = ack->error;
        exchange.message = ack->message;
    }
    errno = exchange.error;
    return MNL_CB_ERROR;
}

// A dump that failed part way ends with NLMSG_DONE carrying the negative errno.
int on_done(const nlmsghdr* nlh, void* data) {
    auto& exchange = *static_cast<Exchange*>(data);
    int status = 0;
    if (mnl_nlmsg_get_payload_len(nlh) >= sizeof status) {
        std::memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof status);
    }
    if (status >= 0) {
        return MNL_CB_STOP;
    }
    exchange.error = status == INT_MIN ? EPROTO : -status;
    errno = exchange.error;
    return MNL_CB_ERROR;
}

// "what (extended ack)" as the where of the kernel's error.
Error describe(const Error& error, std::string what) {
    if (!error.where.empty()) {
        what += " (" + error.where + ")";
    } else if (error.code == std::errc::operation_not_permitted) {
        what += " (needs CAP_NET_ADMIN)";
    }
    return Error{error.code, std::move(what)};
}

std::string mtu_text(std::optional<std::uint32_t> mtu) {
    return mtu ? " mtu " + std::to_string(*mtu) : std::string();
}

}  // namespace

void Rtnl::SocketClose::operator()(mnl_socket* socket) const {
    mnl_socket_close(socket);
}

Rtnl::Rtnl(std::unique_ptr<mnl_socket, SocketClose> socket, std::uint32_t portid)
    : socket_(std::move(socket)), portid_(portid), answer_(answer_size) {}

Rtnl::~Rtnl() = default;

Result<std::unique_ptr<Rtnl>> Rtnl::open() {
    std::unique_ptr<mnl_socket, SocketClose> socket(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
    if (!socket) {
        return unexpected(Error::last("open rtnetlink socket"));
    }
    if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
        return unexpected(Error::last("bind rtnetlink socket"));
    }
    // Best effort: without them errors lose the kernel's explanation, nothing else.
    int on = 1;
    mnl_socket_setsockopt(socket.get(), NETLINK_EXT_ACK, &on, sizeof on);
    mnl_socket_setsockopt(socket.get(), NETLINK_CAP_ACK, &on, sizeof on);
    const std::uint32_t portid = mnl_socket_get_portid(socket.get());
    return std::unique_ptr<Rtnl>(new Rtnl(std::move(socket), portid));
}

void Rtnl::drain() {
    const int fd = mnl_socket_get_fd(socket_.get());
    while (::recv(fd, answer_.data(), answer_.size(), MSG_DONTWAIT) >= 0 || errno == EINTR) {
    }
    dirty_ = false;
}

Result<void> Rtnl::transact(std::span<const std::byte> request, const OnMessage& on_message) {
    nlmsghdr header{};
    if (request.size() < sizeof header) {
        return unexpected(Error{make_error_code(errc::too_big), "request does not fit"});
    }
    std::memcpy(&header, request.data(), sizeof header);
    if (dirty_) {
        drain();
    }
    if (mnl_socket_sendto(socket_.get(), request.data(), request.size()) < 0) {
        return unexpected(Error::last(""));
    }
    dirty_ = true;
    Exchange exchange{on_message, 0, {}};
    std::array<mnl_cb_t, NLMSG_MIN_TYPE> control{};
    control[NLMSG_ERROR] = on_error;
    control[NLMSG_DONE] = on_done;
    for (;;) {
        const ssize_t n = mnl_socket_recvfrom(socket_.get(), answer_.data(), answer_.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return unexpected(Error::last(""));
        }
        errno = 0;
        const int r =
            mnl_cb_run2(answer_.data(), static_cast<std::size_t>(n), header.nlmsg_seq, portid_,
                        on_data, &exchange, control.data(), static_cast<unsigned>(control.size()));
        if (r == MNL_CB_STOP) {
            dirty_ = false;
            return {};
        }
        if (r < 0) {
            // The kernel's error ends its answer; libmnl's own (a dump interrupted by a change,
            // a message of another sequence) leaves the rest unread.
            dirty_ = exchange.error == 0;
            const int err = exchange.error != 0 ? exchange.error : (errno != 0 ? errno : EPROTO);
            return unexpected(Error::from_errno(err, exchange.message));
        }
    }
}

Result<void> Rtnl::dump(BuildDump build, const OnMessage& on_message,
                        const std::function<void()>& on_restart) {
    for (int attempt = 1;; ++attempt) {
        auto r = transact(build(request_, next_seq()), on_message);
        if (r || r.error().code != std::errc::interrupted || attempt == dump_attempts) {
            return r;
        }
        on_restart();
    }
}

Result<void> Rtnl::set_link(int ifindex, std::optional<std::uint32_t> mtu, bool up) {
    if (auto r = transact(build_set_link(request_, next_seq(), ifindex, mtu, up), nullptr); !r) {
        return unexpected(describe(
            r.error(), "set link " + link_name(ifindex) + mtu_text(mtu) + (up ? " up" : " down")));
    }
    return {};
}

Result<LinkInfo> Rtnl::link_info(int ifindex) {
    std::optional<LinkInfo> link;
    const auto keep = [&link, ifindex](std::span<const std::byte> message) {
        auto parsed = parse_link(message);
        if (parsed && parsed->ifindex == ifindex) {
            link = std::move(parsed);
        }
    };
    if (auto r = transact(build_get_link(request_, next_seq(), ifindex), keep); !r) {
        return unexpected(describe(r.error(), "get link " + link_name(ifindex)));
    }
    if (!link) {
        return unexpected(Error::from_errno(ENODEV, "get link " + link_name(ifindex)));
    }
    return std::move(*link);
}

Result<void> Rtnl::add_address(int ifindex, const IpPrefix& address) {
    const auto request = build_address(request_, next_seq(), RtnlOp::add, ifindex, address);
    if (auto r = transact(request, nullptr); !r) {
        return unexpected(describe(
            r.error(), "add address " + address.to_string() + " to " + link_name(ifindex)));
    }
    return {};
}

Result<void> Rtnl::del_address(int ifindex, const IpPrefix& address) {
    const auto request = build_address(request_, next_seq(), RtnlOp::remove, ifindex, address);
    if (auto r = transact(request, nullptr); !r) {
        return unexpected(describe(
            r.error(), "remove address " + address.to_string() + " from " + link_name(ifindex)));
    }
    return {};
}

Result<std::vector<AddressInfo>> Rtnl::list_addresses(int ifindex) {
    std::vector<AddressInfo> addresses;
    const auto keep = [&addresses, ifindex](std::span<const std::byte> message) {
        auto address = parse_address(message);
        if (address && address->ifindex == ifindex) {
            addresses.push_back(*address);
        }
    };
    if (auto r = dump(build_address_dump, keep, [&addresses] { addresses.clear(); }); !r) {
        return unexpected(describe(r.error(), "list addresses of " + link_name(ifindex)));
    }
    return addresses;
}

Result<void> Rtnl::add_route(int ifindex, const IpPrefix& prefix,
                             std::optional<std::uint32_t> metric) {
    const RouteSpec spec{ifindex, prefix, metric, ogw_route_protocol};
    if (auto r = transact(build_route(request_, next_seq(), RtnlOp::add, spec), nullptr); !r) {
        return unexpected(describe(
            r.error(), "add route " + prefix.network().to_string() + " dev " + link_name(ifindex)));
    }
    return {};
}

Result<void> Rtnl::del_route(int ifindex, const IpPrefix& prefix,
                             std::optional<std::uint32_t> metric) {
    const RouteSpec spec{ifindex, prefix, metric, ogw_route_protocol};
    if (auto r = transact(build_route(request_, next_seq(), RtnlOp::remove, spec), nullptr); !r) {
        return unexpected(describe(r.error(), "remove route " + prefix.network().to_string() +
                                                  " dev " + link_name(ifindex)));
    }
    return {};
}

Result<std::vector<RouteInfo>> Rtnl::list_routes(std::uint8_t protocol) {
    std::vector<RouteInfo> routes;
    const auto keep = [&routes, protocol](std::span<const std::byte> message) {
        auto route = parse_route(message);
        if (route && route->protocol == protocol && route->table == RT_TABLE_MAIN) {
            routes.push_back(*route);
        }
    };
    if (auto r = dump(build_route_dump, keep, [&routes] { routes.clear(); }); !r) {
        return unexpected(
            describe(r.error(), "list routes of protocol " + std::to_string(unsigned{protocol})));
    }
    return routes;
}

std::string Rtnl::link_name(int ifindex) {
    std::array<char, IF_NAMESIZE> name{};
    if (ifindex > 0 && ::if_indextoname(static_cast<unsigned>(ifindex), name.data()) != nullptr) {
        return name.data();
    }
    return "ifindex " + std::to_string(ifindex);
}

}  // namespace ogw::gw
