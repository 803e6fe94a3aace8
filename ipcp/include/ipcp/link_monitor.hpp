// SPDX-License-Identifier: BSD-3-Clause
// Link monitoring through rtnetlink (libmnl): one NETLINK_ROUTE socket subscribed to link and
// address events, registered in the EventLoop, filled by an initial dump. Watchers follow an
// interface (by index, or the one that owns an address) and hear of every change of its
// up/carrier state, MTU or MAC at once, as the kernel reports it.
//
// A link counts as up when it is administratively up (IFF_UP) and has carrier (IFF_RUNNING),
// so a veth whose peer went down is down. If the kernel drops events (the socket's buffer
// overflowed: ENOBUFS), the monitor dumps everything again and reports what changed.
#pragma once

#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/event_loop.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct mnl_socket;

namespace ogw::ipcp {

struct LinkState {
    std::uint32_t index = 0;  // 0: no such interface
    std::string name;
    std::uint32_t flags = 0;  // IFF_* as in ifinfomsg
    std::uint32_t mtu = 0;
    std::optional<MacAddress> mac;  // for interfaces with 6-byte hardware addresses

    bool up() const;
    bool operator==(const LinkState&) const = default;
};

// One parsed rtnetlink message.
struct LinkMessage {
    bool removed = false;  // RTM_DELLINK
    LinkState link;
};
struct AddressMessage {
    bool removed = false;  // RTM_DELADDR
    std::uint32_t index = 0;
    IpAddress address;
};

// `message` starts with a netlink header. Empty for other message types and for malformed,
// truncated or short messages.
std::optional<LinkMessage> parse_link_message(std::span<const std::byte> message);
std::optional<AddressMessage> parse_address_message(std::span<const std::byte> message);

// The interfaces and their addresses, as the messages describe them (pure).
class LinkTable {
public:
    void apply(const LinkMessage& m);
    void apply(const AddressMessage& m);
    void clear();

    const LinkState* find(std::uint32_t index) const;
    // The interface that owns `address` (for an IPv6 address with a zone, on that interface).
    std::optional<std::uint32_t> owner_of(const IpAddress& address,
                                          std::uint32_t scope_id = 0) const;
    std::size_t size() const { return links_.size(); }

private:
    std::map<std::uint32_t, LinkState> links_;
    std::vector<std::pair<std::uint32_t, IpAddress>> addresses_;
};

struct LinkMonitorCounters {
    std::uint64_t messages = 0;
    std::uint64_t malformed = 0;
    std::uint64_t resyncs = 0;  // dumps after the kernel dropped events
};

class LinkMonitor {
public:
    using Watcher = std::function<void(const LinkState&)>;
    using WatchId = std::uint64_t;

    // Opens and subscribes the socket and dumps the links and addresses (blocking, bounded by
    // a few seconds); then follows events on `loop`, which must outlive the monitor.
    static Result<std::unique_ptr<LinkMonitor>> create(EventLoop& loop);
    ~LinkMonitor();
    LinkMonitor(const LinkMonitor&) = delete;
    LinkMonitor& operator=(const LinkMonitor&) = delete;

    const LinkState* link(std::uint32_t index) const { return table_.find(index); }
    std::optional<std::uint32_t> owner_of(const IpAddress& address,
                                          std::uint32_t scope_id = 0) const {
        return table_.owner_of(address, scope_id);
    }

    // `watcher` receives the interface's state now and after every change of up(), mtu or
    // mac. A removed interface is reported down with index 0.
    WatchId watch(std::uint32_t index, Watcher watcher);
    // The same for whichever interface owns `address`; while none does, it is reported down
    // with index 0.
    WatchId watch_address(const IpAddress& address, std::uint32_t scope_id, Watcher watcher);
    void unwatch(WatchId id);

    const LinkMonitorCounters& counters() const { return counters_; }

private:
    struct Watch {
        WatchId id = 0;
        std::uint32_t index = 0;           // when watching an interface
        std::optional<IpAddress> address;  // when watching an address
        std::uint32_t scope_id = 0;
        Watcher watcher;
        std::optional<LinkState> reported;
    };
    struct MnlClose {
        void operator()(mnl_socket* s) const;
    };

    explicit LinkMonitor(EventLoop& loop);
    Result<void> open();
    Result<void> request_dump(std::uint16_t type);
    Result<void> dump_now();
    void on_readable();
    // Applies every message of a datagram; true when it ended a dump.
    bool process(std::span<const std::byte> datagram);
    LinkState current(const Watch& w) const;
    void notify();

    EventLoop& loop_;
    std::unique_ptr<mnl_socket, MnlClose> socket_;
    int fd_ = -1;
    std::uint32_t portid_ = 0;
    std::uint32_t seq_ = 0;
    std::vector<std::byte> buffer_;
    LinkTable table_;
    std::vector<Watch> watches_;
    WatchId next_watch_ = 1;
    std::uint16_t resync_next_ = 0;  // the dump to request once the running one is done
    bool dumping_ = false;
    bool registered_ = false;
    LinkMonitorCounters counters_;
};

}  // namespace ogw::ipcp
