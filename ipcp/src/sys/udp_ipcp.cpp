// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/udp_ipcp.hpp>

#include "udp_socket.hpp"

#include <flowlib/log.hpp>
#include <ipcp/link_monitor.hpp>
#include <ipcp/udp_address.hpp>

#include <net/if.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <system_error>
#include <utility>

namespace ogw::ipcp {
namespace {

std::string errno_text(int err) {
    return std::error_code(err, std::system_category()).message();
}

Result<PeerAddress> directory_address(const std::string& name, const SocketAddress& address,
                                      const SocketAddress& bind) {
    const std::string where = "peer " + name + " " + address.to_string();
    if (!udp_bind_reaches(bind, address.ip())) {
        return unexpected(Error::from_errno(
            EAFNOSUPPORT, where + " (not of the family of bind " + bind.to_string() +
                              "; only a bind to [::] reaches both families)"));
    }
    if (address.port() == 0 || address.ip().is_unspecified()) {
        return unexpected(Error::from_errno(EDESTADDRREQ, where));
    }
    SocketAddress resolved = address;
    if (address.has_unresolved_scope()) {
        errno = 0;
        const unsigned index = ::if_nametoindex(address.scope_name().c_str());
        if (index == 0) {
            return unexpected(Error::from_errno(errno != 0 ? errno : ENODEV, where));
        }
        resolved = address.with_scope_id(index);
    }
    return udp_peer_address(resolved);
}

}  // namespace

Result<std::unique_ptr<UdpIpcp>> UdpIpcp::create(UdpIpcpConfig cfg, EngineUser& user) {
    std::vector<DirectoryItem> directory;
    for (const auto& [name, address] : cfg.directory) {
        auto peer = directory_address(name, address, cfg.bind);
        if (!peer) {
            return unexpected(peer.error());
        }
        directory.push_back(DirectoryItem{name, *peer, address.to_string()});
    }
    auto socket = open_udp_socket(cfg.bind);
    if (!socket) {
        return unexpected(socket.error());
    }
    std::uint32_t mtu = default_mtu;
    if (!socket->local.ip().is_unspecified()) {
        if (const auto found = interface_mtu(socket->fd.get(), socket->local)) {
            mtu = *found;
        } else {
            const std::string tag = "ipcp/" + cfg.name;
            OGW_LOG(warn, tag) << "no interface owns " << cfg.bind.to_string() << ": assuming mtu "
                               << default_mtu;
        }
    }
    // A dual-stack socket counts the IPv6 header for every peer, IPv4 ones included.
    cfg.engine.max_message_size = udp_max_payload(mtu, socket->local.ip().family());
    return std::unique_ptr<UdpIpcp>(
        new UdpIpcp(cfg, user, std::move(*socket), std::move(directory), mtu));
}

UdpIpcp::UdpIpcp(UdpIpcpConfig& cfg, EngineUser& user, UdpSocket socket,
                 std::vector<DirectoryItem> directory, std::uint32_t mtu)
    : name_(std::move(cfg.name)),
      layer_(std::move(cfg.layer)),
      log_tag_("ipcp/" + name_),
      local_(socket.local),
      dual_stack_(socket.dual_stack),
      directory_(std::move(directory)),
      fd_(std::move(socket.fd)),
      mtu_(mtu),
      max_message_(cfg.engine.max_message_size),
      rx_(std::make_unique<UdpRxBatch>()),
      tx_(std::make_unique<UdpTxBatch>(local_.ip().family(), dual_stack_)),
      engine_(codec_, *this, user, cfg.engine),
      follow_link_(cfg.follow_link) {
    const char* offload = std::getenv("OGW_UDP_OFFLOAD");
    if (offload == nullptr || std::string_view(offload) != "0") {
        tx_->set_udp_gso(udp_gso_available(fd_.get()));
        gro_ = enable_udp_gro(fd_.get());
        rx_->set_udp_gro(gro_);
    }
    rx_->resize(rx_buffer_size(), gro_ ? gro_rx_batch : udp_batch_size);
    tx_->resize(engine_.data_header_size() + engine_.max_sdu() + engine_.data_trailer_size());
    const SocketBuffers buffers = socket_buffers(fd_.get());
    OGW_LOG(info, log_tag_) << "udp bound to " << address() << ", mtu " << mtu_
                            << ", largest message " << max_message_ << ", socket buffers "
                            << buffers.receive << "/" << buffers.send
                            << (dual_stack_ ? " (dual stack: IPv4 peers too)" : "")
                            << (local_.ip().is_unspecified()
                                    ? " (unspecified address: replies leave from the address "
                                      "routing picks)"
                                    : "")
                            << (tx_->udp_gso() ? ", gso" : "") << (gro_ ? ", gro" : "");
}

UdpIpcp::~UdpIpcp() {
    stop();
}

std::string UdpIpcp::address() const {
    return format_udp_peer(udp_peer_address(local_));
}

std::optional<PeerAddress> UdpIpcp::lookup(std::string_view name) const {
    const auto it = std::find_if(directory_.begin(), directory_.end(),
                                 [&](const DirectoryItem& d) { return d.name == name; });
    if (it == directory_.end()) {
        return std::nullopt;
    }
    return it->peer;
}

std::vector<DirectoryEntry> UdpIpcp::directory() const {
    std::vector<DirectoryEntry> out;
    out.reserve(directory_.size());
    for (const auto& d : directory_) {
        out.push_back(DirectoryEntry{d.name, d.text});
    }
    return out;
}

std::string UdpIpcp::format(const PeerAddress& a) const {
    return format_udp_peer(a);
}

// ------------------------------------------------------------------------- sending

std::span<std::byte> UdpIpcp::tx_slot() {
    return tx_->slot();
}

void UdpIpcp::queue_tx(const PeerAddress& to, std::size_t frame_size) {
    if (!tx_->queue(to, frame_size)) {
        ++counters_.tx_errors;
        OGW_LOG_RATELIMITED(warn, log_tag_)
            << "cannot send a frame of " << frame_size << " bytes to " << format(to) << ": dropped";
        return;
    }
    if (tx_->full()) {
        flush();
    }
}

void UdpIpcp::transmit(const PeerAddress& to, std::span<const std::byte> bytes) {
    if (tx_->size() + 2 > udp_batch_size) {
        flush();
    }
    if (!tx_->queue_copy(to, bytes)) {
        ++counters_.tx_errors;
        OGW_LOG_RATELIMITED(warn, log_tag_) << "cannot send a message of " << bytes.size()
                                            << " bytes to " << format(to) << ": dropped";
    }
}

void UdpIpcp::flush() {
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
            << "socket buffer full: dropped " << r.dropped << " datagrams";
    }
    if (r.errors != 0) {
        const std::string to = r.last_error_to ? format(*r.last_error_to) : "?";
        if (r.last_error == EMSGSIZE) {
            OGW_LOG_RATELIMITED(warn, log_tag_)
                << "datagram to " << to << " larger than the path MTU: dropped";
        } else {
            OGW_LOG_RATELIMITED(warn, log_tag_)
                << "send to " << to << ": " << errno_text(r.last_error) << ": dropped";
        }
    }
}

// ------------------------------------------------------------------------- receiving

std::size_t UdpIpcp::datagram_limit() const {
    // A dual-stack socket sends with the IPv6 header counted, but takes what an IPv4 peer on a
    // link of the same MTU may send (20 bytes more).
    const std::size_t largest =
        dual_stack_ ? udp_max_payload(mtu_, IpAddress::Family::v4) : max_message_;
    return std::max(largest + 1, min_rx_buffer);
}

std::size_t UdpIpcp::rx_buffer_size() const {
    return gro_ ? std::max(gro_rx_buffer, datagram_limit()) : datagram_limit();
}

void UdpIpcp::on_readable() {
    rx_->resize(rx_buffer_size(), gro_ ? gro_rx_batch : udp_batch_size);  // after set_mtu()
    const std::size_t rounds = gro_ ? gro_rx_batches_per_wakeup : rx_batches_per_wakeup;
    // One clock read per wakeup: the batches of one wakeup arrived together.
    const Instant now = loop_ != nullptr ? loop_->now() : Instant{};
    for (std::size_t round = 0; round < rounds; ++round) {
        const int n = rx_->receive(fd_.get());
        if (n < 0) {
            if (n != -EAGAIN && n != -EWOULDBLOCK && n != -EINTR) {
                OGW_LOG_RATELIMITED(warn, log_tag_) << "receive: " << errno_text(-n);
            }
            return;
        }
        for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
            const auto d = rx_->get(i);
            counters_.rx_bytes += d.size;
            const auto from = udp_peer_address(d.from, d.from_length);
            // With GRO the buffers are 64 KiB, but a datagram is still held to what a buffer
            // without GRO would take.
            const std::size_t unit = d.segment_size != 0 ? d.segment_size : d.size;
            if (d.truncated || unit > datagram_limit()) {
                ++counters_.rx_datagrams;
                ++counters_.rx_truncated;
                engine_.count_drop(DropReason::too_big);
                OGW_LOG_RATELIMITED(warn, log_tag_)
                    << "datagram of " << unit << " bytes from "
                    << (from ? format(*from) : std::string("?"))
                    << " is larger than the receive buffer (" << datagram_limit()
                    << "): dropped";
                continue;
            }
            if (!from) {
                ++counters_.rx_datagrams;
                engine_.count_drop(DropReason::bad_value);
                continue;
            }
            const std::size_t segment =
                d.segment_size != 0 && d.segment_size < d.size ? d.segment_size : d.size;
            std::size_t at = 0;
            do {  // an empty datagram too goes to the engine (which counts it)
                ++counters_.rx_datagrams;
                engine_.on_receive(now, *from, d.bytes.subspan(at, std::min(segment, d.size - at)));
                at += segment;
            } while (at < d.size);
        }
        if (static_cast<std::size_t>(n) < rx_->count()) {
            return;  // drained
        }
    }
}

// ------------------------------------------------------------------------- loop

Result<void> UdpIpcp::start(EventLoop& loop) {
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
    if (follow_link_ && !local_.ip().is_unspecified()) {
        follow_link(loop);
    }
    return {};
}

void UdpIpcp::follow_link(EventLoop& loop) {
    auto monitor = LinkMonitor::create(loop);
    if (!monitor) {
        OGW_LOG(warn, log_tag_) << monitor.error().message()
                                << ": link state and MTU changes are not followed";
        return;
    }
    monitor_ = std::move(*monitor);
    // Reports the state now, then every change.
    monitor_->watch_address(local_.ip(), local_.scope_id(),
                            [this](const LinkState& s) { on_link_state(s); });
}

void UdpIpcp::stop() {
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

void UdpIpcp::before_wait() {
    flush();
    rearm_timer();
}

void UdpIpcp::rearm_timer() {
    if (loop_ != nullptr) {
        timer_.arm(*loop_, engine_.next_deadline());
    }
}

void UdpIpcp::on_timer() {
    engine_.on_timer(loop_->now());
    // Rescheduled from its own callback, the loop timer is kept (no new allocation).
    rearm_timer();
}

// ------------------------------------------------------------------------- link

void UdpIpcp::set_mtu(std::uint32_t mtu) {
    flush();
    mtu_ = mtu;
    max_message_ = udp_max_payload(mtu, local_.ip().family());
    engine_.set_max_message_size(max_message_);
    tx_->resize(engine_.data_header_size() + engine_.max_sdu() + engine_.data_trailer_size());
    OGW_LOG(info, log_tag_) << "mtu " << mtu_ << ", largest message " << max_message_;
}

void UdpIpcp::on_link_state(const LinkState& s) {
    const Instant now = loop_ != nullptr ? loop_->now() : Instant{};
    if (s.index == 0) {
        if (link_owner_seen_) {
            OGW_LOG(warn, log_tag_) << "no interface owns " << local_.ip().to_string()
                                    << " any more";
            set_link_up(false, now);
        }
        return;
    }
    if (!link_owner_seen_) {
        link_owner_seen_ = true;
        OGW_LOG(debug, log_tag_) << "following " << s.name << " (index " << s.index << ")";
    }
    if (s.mtu != 0 && s.mtu != mtu_) {
        set_mtu(s.mtu);
    }
    set_link_up(s.up(), now);
}

void UdpIpcp::set_link_up(bool up, Instant now) {
    if (up == link_up_) {
        return;
    }
    link_up_ = up;
    OGW_LOG(info, log_tag_) << "link " << (up ? "up" : "down");
    engine_.on_link(now, up);
}

}  // namespace ogw::ipcp
