// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/eth_ipcp.hpp>

#include "eth_socket.hpp"
#include "mmsg_batch.hpp"

#include <flowlib/log.hpp>
#include <ipcp/eth_address.hpp>
#include <ipcp/link_monitor.hpp>

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <system_error>
#include <utility>

namespace ogw::ipcp {
namespace {

std::string errno_text(int err) {
    return std::error_code(err, std::system_category()).message();
}

std::string hex16(std::uint16_t v) {
    std::ostringstream out;
    out << "0x" << std::hex << v;
    return out.str();
}

std::size_t max_message_for(std::uint32_t mtu) {
    return std::min<std::size_t>(mtu, wire::max_message_size);
}

// How a frame that is not ours shows among the engine's drop reasons.
DropReason drop_reason_of(EthFrameKind kind) {
    switch (kind) {
    case EthFrameKind::too_short: return DropReason::too_short;
    case EthFrameKind::other_type: return DropReason::bad_type;
    case EthFrameKind::bad_src: return DropReason::bad_value;
    case EthFrameKind::other_dst:
    case EthFrameKind::own:
    case EthFrameKind::ours:
    case EthFrameKind::count_: break;
    }
    return DropReason::wrong_peer;
}

}  // namespace

Result<std::unique_ptr<EthIpcp>> EthIpcp::create(EthIpcpConfig cfg, EngineUser& user) {
    auto socket = open_eth_socket(cfg.dev, cfg.ethertype);
    if (!socket) {
        return unexpected(socket.error());
    }
    cfg.engine.max_message_size = max_message_for(socket->mtu);
    cfg.engine.padded_underlay = true;
    return std::unique_ptr<EthIpcp>(new EthIpcp(cfg, user, *socket));
}

EthIpcp::EthIpcp(EthIpcpConfig& cfg, EngineUser& user, EthSocket& socket)
    : name_(std::move(cfg.name)),
      layer_(std::move(cfg.layer)),
      dev_(std::move(cfg.dev)),
      log_tag_("ipcp/" + name_),
      ethertype_(cfg.ethertype),
      follow_link_(cfg.follow_link),
      fd_(std::move(socket.fd)),
      ifindex_(socket.ifindex),
      mac_(socket.mac),
      mtu_(socket.mtu),
      max_message_(cfg.engine.max_message_size),
      broadcast_(eth_peer_address(MacAddress::broadcast())),
      rx_(std::make_unique<RxBatch>()),
      tx_(std::make_unique<TxBatch>()),
      relay_(user,
             [this](const NameHash& name, const PeerAddress& to, int error) {
                 resolver_.forget(name, to);
                 OGW_LOG(debug, log_tag_) << "allocation to " << format(to) << " failed ("
                                          << error << "): its name will be queried again";
             }),
      engine_(codec_, *this, relay_, cfg.engine),
      resolver_([this](const NameQueryMsg& q) { engine_.send_message(broadcast_, q); },
                cfg.resolver) {
    relay_.attach(engine_);
    engine_.set_name_handler(this);
    rx_->resize(rx_buffer_size());
    tx_->resize(eth_header_size + max_message_);
    OGW_LOG(info, log_tag_) << "eth on " << dev_ << " (" << mac_.to_string() << "), ethertype "
                            << hex16(ethertype_) << ", mtu " << mtu_ << ", largest message "
                            << max_message_;
}

EthIpcp::~EthIpcp() {
    stop();
}

Instant EthIpcp::now() const {
    return loop_ != nullptr ? loop_->now() : Instant{};
}

// ------------------------------------------------------------------------- names

std::optional<PeerAddress> EthIpcp::lookup(std::string_view name) const {
    return resolver_.lookup(now(), NameHash::of(name));
}

void EthIpcp::resolve(Instant now, std::string_view name, Resolved done) {
    resolver_.resolve(now, name, std::move(done));
}

std::vector<DirectoryEntry> EthIpcp::directory() const {
    const Instant t = now();
    std::vector<DirectoryEntry> out;
    for (const auto& [hash, entry] : resolver_.entries()) {
        if (entry.expires > t) {
            out.push_back(DirectoryEntry{entry.name, format(entry.address)});
        }
    }
    std::sort(out.begin(), out.end(),
              [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
    return out;
}

std::string EthIpcp::format(const PeerAddress& a) const {
    return format_eth_peer(a);
}

bool EthIpcp::reply_allowed(Instant now) {
    if (now - reply_window_ >= std::chrono::seconds(1)) {
        reply_window_ = now;
        replies_in_window_ = 0;
    }
    if (replies_in_window_ >= name_replies_per_second) {
        return false;
    }
    ++replies_in_window_;
    return true;
}

void EthIpcp::on_name_query(Instant now, const PeerAddress& from, const NameQueryMsg& q) {
    if (!relay_.serves(q.name)) {
        return;  // someone else's name: silence, as every node on the segment hears the query
    }
    if (!reply_allowed(now)) {
        OGW_LOG_RATELIMITED(debug, log_tag_) << "name query from " << format(from)
                                             << ": reply rate limit reached";
        return;
    }
    ++name_queries_answered_;
    engine_.send_message(from, NameReplyMsg{q.query_id, q.name});
}

void EthIpcp::on_name_reply(Instant now, const PeerAddress& from, const NameReplyMsg& r) {
    if (!resolver_.on_reply(now, from, r)) {
        OGW_LOG_RATELIMITED(debug, log_tag_)
            << "name reply from " << format(from) << " answers no outstanding query";
    }
}

// ------------------------------------------------------------------------- sending

bool EthIpcp::write_header(std::span<std::byte> frame, const PeerAddress& to) {
    const auto dst = eth_mac(to);
    if (!dst) {
        return false;
    }
    write_eth_header(frame, EthHeader{*dst, mac_, ethertype_});
    return true;
}

std::span<std::byte> EthIpcp::tx_slot() {
    const auto slot = tx_->slot();
    return slot.empty() ? slot : slot.subspan(eth_header_size);
}

void EthIpcp::queue_tx(const PeerAddress& to, std::size_t frame_size) {
    const auto slot = tx_->slot();
    if (slot.empty() || !write_header(slot, to) || !tx_->queue(eth_header_size + frame_size)) {
        ++counters_.tx_errors;
        OGW_LOG_RATELIMITED(warn, log_tag_)
            << "cannot send a frame of " << frame_size << " bytes to " << format(to) << ": dropped";
        return;
    }
    if (tx_->full()) {
        flush();
    }
}

void EthIpcp::transmit(const PeerAddress& to, std::span<const std::byte> bytes) {
    if (tx_->size() + 2 > mmsg_batch_size) {
        flush();
    }
    const auto i = tx_->queue_copy(bytes, eth_header_size);
    if (!i || !write_header(tx_->entry(*i), to)) {
        // A queued entry without a valid header cannot happen: eth_mac() only fails for
        // addresses this IPCP never hands out.
        ++counters_.tx_errors;
        OGW_LOG_RATELIMITED(warn, log_tag_) << "cannot send a message of " << bytes.size()
                                            << " bytes to " << format(to) << ": dropped";
    }
}

void EthIpcp::flush() {
    if (tx_->empty()) {
        return;
    }
    const auto r = tx_->send(fd_.get());
    counters_.tx_datagrams += r.datagrams;
    counters_.tx_bytes += r.bytes;
    counters_.tx_dropped += r.dropped;
    counters_.tx_errors += r.errors;
    if (r.dropped != 0) {
        OGW_LOG_RATELIMITED(debug, log_tag_)
            << "socket buffer full or device busy: dropped " << r.dropped << " frames";
    }
    if (r.errors != 0) {
        if (r.last_error == ENETDOWN || r.last_error == ENXIO) {
            OGW_LOG_RATELIMITED(debug, log_tag_) << "send on " << dev_ << ": "
                                                 << errno_text(r.last_error) << ": dropped";
        } else {
            OGW_LOG_RATELIMITED(warn, log_tag_) << "send on " << dev_ << ": "
                                                << errno_text(r.last_error) << ": dropped";
        }
    }
}

// ------------------------------------------------------------------------- receiving

std::size_t EthIpcp::rx_buffer_size() const {
    return std::max(eth_header_size + max_message_ + 1, min_rx_buffer);
}

void EthIpcp::on_readable() {
    rx_->resize(rx_buffer_size());  // after set_mtu(); a no-op otherwise
    for (std::size_t round = 0; round < rx_batches_per_wakeup; ++round) {
        const int n = rx_->receive(fd_.get());
        if (n < 0) {
            // ENETDOWN: the interface went down (reported once; the socket re-binds by itself
            // when it comes back).
            if (n != -EAGAIN && n != -EWOULDBLOCK && n != -EINTR && n != -ENETDOWN) {
                OGW_LOG_RATELIMITED(warn, log_tag_) << "receive: " << errno_text(-n);
            }
            return;
        }
        const Instant t = now();
        for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
            const auto d = rx_->get(i);
            ++counters_.rx_datagrams;
            counters_.rx_bytes += d.size;
            if (d.truncated) {
                ++counters_.rx_truncated;
                engine_.count_drop(DropReason::too_big);
                OGW_LOG_RATELIMITED(warn, log_tag_)
                    << "frame of " << d.size << " bytes is larger than the receive buffer ("
                    << rx_->buffer_size() << "): dropped";
                continue;
            }
            on_frame(t, d.bytes);
        }
        if (static_cast<std::size_t>(n) < mmsg_batch_size) {
            return;  // drained
        }
    }
}

void EthIpcp::on_frame(Instant now, std::span<std::byte> frame) {
    const EthFrameKind kind = classify_eth_frame(frame, mac_, ethertype_);
    if (kind != EthFrameKind::ours) {
        ++frame_drops_[static_cast<std::size_t>(kind)];
        engine_.count_drop(drop_reason_of(kind));
        OGW_LOG_RATELIMITED(debug, log_tag_)
            << "dropped a frame of " << frame.size() << " bytes: " << to_string(kind);
        return;
    }
    const auto header = read_eth_header(frame);
    engine_.on_receive(now, eth_peer_address(header->src), frame.subspan(eth_header_size));
}

// ------------------------------------------------------------------------- loop

Result<void> EthIpcp::start(EventLoop& loop) {
    if (loop_ != nullptr) {
        return unexpected(Error::from_errno(EALREADY, "start " + log_tag_));
    }
    if (auto r = loop.add(fd_.get(), EPOLLIN, [this](std::uint32_t) { on_readable(); }); !r) {
        return r;
    }
    loop_ = &loop;
    hook_token_ = std::make_shared<int>(0);
    loop.add_before_wait([this, token = std::weak_ptr<int>(hook_token_)] {
        if (!token.expired()) {
            before_wait();
        }
    });
    if (follow_link_) {
        auto monitor = LinkMonitor::create(loop);
        if (!monitor) {
            stop();
            return unexpected(Error{monitor.error().code,
                                    "follow " + dev_ + ": " + monitor.error().where});
        }
        monitor_ = std::move(*monitor);
        // Reports the state now, then every change.
        monitor_->watch(ifindex_, [this](const LinkState& s) { on_link_state(s); });
    }
    return {};
}

void EthIpcp::stop() {
    flush();
    monitor_.reset();
    if (loop_ == nullptr) {
        return;
    }
    if (auto r = loop_->remove(fd_.get()); !r) {
        OGW_LOG(warn, log_tag_) << r.error().message();
    }
    timer_.cancel(*loop_);
    hook_token_.reset();
    loop_ = nullptr;
}

void EthIpcp::before_wait() {
    flush();
    rearm_timer();
}

std::optional<Instant> EthIpcp::next_deadline() const {
    const auto engine = engine_.next_deadline();
    const auto resolver = resolver_.next_deadline();
    if (engine && resolver) {
        return std::min(*engine, *resolver);
    }
    return engine ? engine : resolver;
}

void EthIpcp::rearm_timer() {
    if (loop_ != nullptr) {
        timer_.arm(*loop_, next_deadline());
    }
}

void EthIpcp::on_timer() {
    const Instant t = loop_->now();
    engine_.on_timer(t);
    resolver_.on_timer(t);
    // Rescheduled from its own callback, the loop timer is kept (no new allocation).
    rearm_timer();
}

// ------------------------------------------------------------------------- link

void EthIpcp::on_link_state(const LinkState& s) {
    if (s.index == 0) {
        OGW_LOG(warn, log_tag_) << dev_ << " is gone";
        set_link_up(false, now());
        return;
    }
    if (s.mac && *s.mac != mac_) {
        set_mac(*s.mac);
    }
    if (s.mtu != 0 && s.mtu != mtu_) {
        set_mtu(s.mtu);
    }
    set_link_up(s.up(), now());
}

void EthIpcp::set_mtu(std::uint32_t mtu) {
    flush();
    mtu_ = mtu;
    max_message_ = max_message_for(mtu);
    engine_.set_max_message_size(max_message_);
    tx_->resize(eth_header_size + max_message_);
    OGW_LOG(info, log_tag_) << dev_ << ": mtu " << mtu_ << ", largest message " << max_message_;
}

void EthIpcp::set_mac(const MacAddress& mac) {
    flush();  // frames already built carry the old source address
    OGW_LOG(info, log_tag_) << dev_ << ": address " << mac_.to_string() << " -> "
                            << mac.to_string();
    mac_ = mac;
}

void EthIpcp::set_link_up(bool up, Instant now) {
    if (up == link_up_) {
        return;
    }
    link_up_ = up;
    OGW_LOG(info, log_tag_) << dev_ << ": link " << (up ? "up" : "down");
    engine_.on_link(now, up);
}

}  // namespace ogw::ipcp
