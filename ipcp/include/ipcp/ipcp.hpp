// SPDX-License-Identifier: BSD-3-Clause
// An IPC process as the daemon sees it: a shim engine on a real underlay (the C++ form of
// upstream's ipcp_ops). Drivers (udp, eth) implement it; they own the sockets and feed the
// engine; the daemon's node owns the flows through the engine.
#pragma once

#include <flowlib/result.hpp>
#include <flowlib/sys/event_loop.hpp>
#include <ipcp/shim_engine.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ogw::ipcp {

struct DirectoryEntry {
    std::string name;
    std::string address;  // as the driver prints it
};

struct UnderlayCounters {
    std::uint64_t rx_datagrams = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_datagrams = 0;
    std::uint64_t tx_bytes = 0;
    std::uint64_t rx_truncated = 0;  // larger than the receive buffer: dropped
    std::uint64_t tx_errors = 0;     // send failures other than a full socket buffer
    std::uint64_t tx_dropped = 0;    // socket buffer full
};

class Ipcp {
public:
    virtual ~Ipcp() = default;

    virtual const std::string& name() const = 0;    // the config section's name
    virtual std::string_view type() const = 0;      // "udp", "eth"
    virtual const std::string& layer() const = 0;
    virtual std::string address() const = 0;        // "10.0.0.1:3435", "veth0"
    virtual bool link_up() const = 0;
    virtual ShimEngine& engine() = 0;
    virtual const ShimEngine& engine() const = 0;
    virtual const UnderlayCounters& underlay_counters() const = 0;

    // The underlay address serving `name`, if this IPCP's directory knows one now.
    virtual std::optional<PeerAddress> lookup(std::string_view name) const = 0;
    // Finds the address serving `name`: from the directory, or by asking the layer (Ethernet
    // name queries). `done` receives nullopt when this IPCP cannot reach the name; it may run
    // before resolve() returns.
    using Resolved = std::function<void(std::optional<PeerAddress>)>;
    virtual void resolve(Instant /*now*/, std::string_view name, Resolved done) {
        done(lookup(name));
    }
    virtual std::vector<DirectoryEntry> directory() const = 0;
    virtual std::string format(const PeerAddress& a) const = 0;

    // Zero-copy batched data output. tx_slot() is a buffer of data_header_size() + max_sdu()
    // bytes in the next free batch entry: put the SDU after the header room, let the engine's
    // prepare_data() write the header, then queue_tx() the frame. flush() sends the batch;
    // queue_tx() flushes by itself when the batch is full.
    virtual std::span<std::byte> tx_slot() = 0;
    virtual void queue_tx(const PeerAddress& to, std::size_t frame_size) = 0;
    virtual void flush() = 0;

    // Opens the underlay and starts reading on `loop`. The IPCP re-arms its engine's timer
    // and flushes its batch before every wait of the loop.
    virtual Result<void> start(EventLoop& loop) = 0;
};

}  // namespace ogw::ipcp
