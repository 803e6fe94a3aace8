// SPDX-License-Identifier: BSD-3-Clause
// The Ethernet shim IPCP: a shim engine on one AF_PACKET socket bound to one interface and one
// Ethertype (DIX framing, docs/protocol.md "Ethernet framing"), with names resolved by
// broadcast NAME_QUERY and unicast NAME_REPLY (EthResolver) and the interface followed through
// rtnetlink (LinkMonitor).
//
// Receiving: a kernel BPF filter passes only frames of our Ethertype to this host or broadcast;
// recvmmsg takes up to 64 of them per call, at most 4 batches per wakeup. Frames that still
// are not ours (too short, from a multicast or our own address) are counted by kind and
// dropped; the rest go to the engine, which accepts data only from the flow's peer MAC.
//
// Sending: frames are built in place in a batch of 64 pre-allocated buffers (tx_slot(),
// queue_tx()), the Ethernet header written in front of the message, and one sendmmsg sends
// them; management messages are copied into the same batch, so everything leaves in the order
// the engine produced it. The batch is sent when full and before every wait of the loop; a
// full socket buffer drops the rest (tx_dropped), a refused frame is counted (tx_errors).
//
// Largest message: the interface MTU (at most 65535), so the largest SDU is MTU - 8. Link
// state: once started, the IPCP follows its interface: down (not IFF_UP, or no carrier) turns
// its flows `down`, up again turns them back `allocated`; an MTU change resizes the largest
// SDU; a MAC change is taken over. Creating the IPCP needs CAP_NET_RAW.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/inet.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/deadline_timer.hpp>
#include <flowlib/sys/event_loop.hpp>
#include <flowlib/sys/unique_fd.hpp>
#include <ipcp/codec.hpp>
#include <ipcp/eth_frame.hpp>
#include <ipcp/eth_resolver.hpp>
#include <ipcp/eth_user_relay.hpp>
#include <ipcp/ipcp.hpp>
#include <ipcp/shim_engine.hpp>
#include <ipcp/wire.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ogw::ipcp {

struct EthIpcpConfig {
    std::string name;
    std::string layer;
    std::string dev;
    std::uint16_t ethertype = wire::default_ethertype;
    EngineConfig engine;  // max_message_size comes from the MTU; the underlay pads
    EthResolverConfig resolver;
    bool follow_link = true;  // start() follows the interface through rtnetlink
};

struct EthSocket;
class RxBatch;
class TxBatch;
class LinkMonitor;
struct LinkState;

class EthIpcp final : public Ipcp, private Transmitter, private NameMessageHandler {
public:
    static constexpr std::size_t rx_batches_per_wakeup = 4;
    static constexpr std::size_t min_rx_buffer = 2048;
    static constexpr std::uint32_t name_replies_per_second = 200;

    // Opens the socket (errors name the device, and CAP_NET_RAW when it is missing); nothing
    // is read until start().
    static Result<std::unique_ptr<EthIpcp>> create(EthIpcpConfig cfg, EngineUser& user);

    EthIpcp(const EthIpcp&) = delete;
    EthIpcp& operator=(const EthIpcp&) = delete;
    // Flushes and stops. The loop given to start() must still exist.
    ~EthIpcp() override;

    const std::string& name() const override { return name_; }
    std::string_view type() const override { return "eth"; }
    const std::string& layer() const override { return layer_; }
    std::string address() const override { return dev_; }
    bool link_up() const override { return link_up_; }
    ShimEngine& engine() override { return engine_; }
    const ShimEngine& engine() const override { return engine_; }
    const UnderlayCounters& underlay_counters() const override { return counters_; }

    // The cached address of `name`, if a query found it and it has not expired.
    std::optional<PeerAddress> lookup(std::string_view name) const override;
    // From the cache, else by a broadcast NAME_QUERY (done(nullopt) after 1.5 s unanswered).
    void resolve(Instant now, std::string_view name, Resolved done) override;
    // The cached names and their MACs.
    std::vector<DirectoryEntry> directory() const override;
    std::string format(const PeerAddress& a) const override;

    // The slot keeps its contents until queue_tx() takes it, whatever is sent meanwhile;
    // set_mtu() invalidates it.
    std::span<std::byte> tx_slot() override;
    void queue_tx(const PeerAddress& to, std::size_t frame_size) override;
    void flush() override;

    // Registers the socket, a before-wait hook (flush, re-arm the one timer) and, with
    // follow_link, the link monitor (which reports the interface's state at once).
    Result<void> start(EventLoop& loop) override;
    // Flushes and leaves the loop: no more reads, timers, hooks or link events.
    void stop();

    // The interface changed (the link monitor calls these; tests may too).
    void set_mtu(std::uint32_t mtu);
    void set_link_up(bool up, Instant now);
    void set_mac(const MacAddress& mac);

    const std::string& dev() const { return dev_; }
    std::uint32_t ifindex() const { return ifindex_; }
    const MacAddress& mac() const { return mac_; }
    std::uint16_t ethertype() const { return ethertype_; }
    std::uint32_t mtu() const { return mtu_; }
    std::size_t max_message_size() const { return max_message_; }
    const EthResolver& resolver() const { return resolver_; }
    const EthFrameDrops& frame_drops() const { return frame_drops_; }
    std::uint64_t name_queries_answered() const { return name_queries_answered_; }

private:
    EthIpcp(EthIpcpConfig& cfg, EngineUser& user, EthSocket& socket);

    void transmit(const PeerAddress& to, std::span<const std::byte> bytes) override;
    void on_name_query(Instant now, const PeerAddress& from, const NameQueryMsg& q) override;
    void on_name_reply(Instant now, const PeerAddress& from, const NameReplyMsg& r) override;

    bool write_header(std::span<std::byte> frame, const PeerAddress& to);
    void on_readable();
    void on_frame(Instant now, std::span<std::byte> frame);
    bool reply_allowed(Instant now);
    void before_wait();
    void on_timer();
    void rearm_timer();
    std::optional<Instant> next_deadline() const;
    Instant now() const;
    std::size_t rx_buffer_size() const;
    void on_link_state(const LinkState& s);

    std::string name_;
    std::string layer_;
    std::string dev_;
    std::string log_tag_;  // "ipcp/<name>"
    std::uint16_t ethertype_;
    bool follow_link_;
    UniqueFd fd_;
    std::uint32_t ifindex_;
    MacAddress mac_;
    std::uint32_t mtu_;
    std::size_t max_message_;
    PeerAddress broadcast_;
    std::unique_ptr<RxBatch> rx_;
    std::unique_ptr<TxBatch> tx_;
    UnderlayCounters counters_;
    EthFrameDrops frame_drops_{};
    bool link_up_ = true;
    CodecV1 codec_;
    EthUserRelay relay_;
    ShimEngine engine_;
    EthResolver resolver_;

    Instant reply_window_{};
    std::uint32_t replies_in_window_ = 0;
    std::uint64_t name_queries_answered_ = 0;

    EventLoop* loop_ = nullptr;
    DeadlineTimer timer_{[this] { on_timer(); }};
    std::shared_ptr<int> hook_token_;  // the loop's before-wait hook acts while this lives
    std::unique_ptr<LinkMonitor> monitor_;
};

}  // namespace ogw::ipcp
