// SPDX-License-Identifier: BSD-3-Clause
// Ending sessions: timers, TCP state, and telling the local hosts.
#include "gw/gateway.hpp"

#include "packet/packet_builder.hpp"

#include <flowlib/bytes.hpp>
#include <flowlib/log.hpp>

#include <cstring>

namespace ogw::gw {
namespace {

bool tells_local(TeardownReason r) {
    switch (r) {
    case TeardownReason::tcp_close:
    case TeardownReason::tcp_reset:
    case TeardownReason::idle: return false;
    default: return true;
    }
}

}  // namespace

void Gateway::teardown(Session& s, TeardownReason reason) {
    stats_.torn_down(reason);
    OGW_LOG(debug, "gateway") << "session " << s.id << " to " << routes_.peer_name(s.peer)
                              << " torn down: " << to_string(reason);
    if (tells_local(reason)) {
        tell_local(s, reason);
    }
    const std::uint64_t flow_id = config_.flow_mapping == FlowMapping::session ? s.flow_id : 0;
    sessions_.erase(s);
    if (flow_id != 0) {
        node_.dealloc(flow_id);
    }
}

void Gateway::tell_local(Session& s, TeardownReason reason) {
    if (reason == TeardownReason::alloc_failed) {
        if (s.queue) {
            fail_queue(s.queue->packets, s.key.dst, &s.l2);
        }
        sessions_.bury(s.key, loop_.now(), loop_.now() + timers_.alloc_failed_hold, reason);
        return;
    }
    if (s.key.proto == ipproto::tcp) {
        if (s.tcp.reset() || s.tcp.closed_both_ways()) {
            return;
        }
        if (const auto rst = s.tcp.rst_to_local()) {
            const std::size_t n =
                build_tcp_rst_to_local(generated_ip(), s.key, rst->seq, rst->ack, rst->with_ack);
            if (n > 0) {
                stats_.tcp_resets_sent++;
                write_generated(n, &s.l2);
            }
        }
        return;
    }
    // UDP, ICMP and the rest have nobody to reset: the next packet is answered instead.
    sessions_.bury(s.key, loop_.now(), loop_.now() + timers_.tombstone, reason);
}

void Gateway::answer_unreachable(std::span<const std::byte> offending, const IpAddress& from,
                                 bool no_route, const MacPair* l2) {
    if (!icmp_limit_.allow()) {
        return;
    }
    // For TCP, "administratively prohibited" is a hard error: connect() fails at once
    // instead of retrying its SYN until it times out.
    const PacketInfo info = parse_ip(offending);
    const Unreachable code = info.ok() && info.kind == PacketKind::tcp
                                 ? Unreachable::admin_prohibited
                             : no_route ? Unreachable::no_route
                                        : Unreachable::host;
    const std::size_t n = build_icmp_unreachable(generated_ip(), offending, from, code);
    if (n > 0) {
        stats_.icmp_errors_sent++;
        write_generated(n, l2 != nullptr ? l2 : reply_l2_);
    }
}

void Gateway::fail_queue(std::vector<std::vector<std::byte>>& queue, const IpAddress& from,
                         const MacPair* l2) {
    for (const auto& sdu : queue) {
        std::span<const std::byte> packet = sdu;
        MacPair frame_l2;
        if (bridge_) {
            // A frame: the IP packet inside it, answered to the station that sent it.
            const EthernetFrame frame = parse_ethernet(sdu);
            if (!frame.ok() || !frame.is_ip()) {
                continue;
            }
            packet = frame.payload;
            frame_l2 = MacPair{frame.src, frame.dst};
            l2 = &frame_l2;
        }
        const PacketInfo info = parse_ip(packet);
        answer_unreachable(packet, from.is_unspecified() && info.ok() ? info.tuple.dst : from,
                           false, l2);
    }
    queue.clear();
}

std::span<std::byte> Gateway::generated_ip() {
    return std::span(scratch_).subspan(bridge_ ? ethernet_header_size : 0);
}

void Gateway::write_generated(std::size_t n, const MacPair* l2) {
    if (n == 0) {
        return;
    }
    if (!bridge_) {
        write_tun({scratch_.data(), n});
        return;
    }
    if (l2 == nullptr || l2->local.is_zero()) {
        return;  // no station to address it to
    }
    std::memcpy(scratch_.data(), l2->local.bytes().data(), mac_address_size);
    std::memcpy(scratch_.data() + mac_address_size, l2->remote.bytes().data(), mac_address_size);
    const bool v6 = (std::to_integer<unsigned>(scratch_[ethernet_header_size]) >> 4) == 6;
    be::store16(scratch_.data() + 2 * mac_address_size, v6 ? ethertype::ipv6 : ethertype::ipv4);
    write_tun({scratch_.data(), ethernet_header_size + n});
}

void Gateway::forget_peer_macs(PeerIndex peer) {
    const std::size_t n = bridge_->on_peer_down(peer, loop_.now());
    if (n > 0) {
        OGW_LOG(info, "gateway") << "bridge: forgot " << n << " station(s) behind "
                                 << routes_.peer_name(peer);
    }
}

void Gateway::peer_link_died(PeerIndex peer, TeardownReason reason) {
    std::vector<std::uint64_t> ids;
    sessions_.for_each([&](const Session& s) {
        if (s.peer == peer) {
            ids.push_back(s.id);
        }
    });
    for (std::uint64_t id : ids) {
        if (Session* s = sessions_.find_id(id)) {
            teardown(*s, reason);
        }
    }
}

bool Gateway::evict_one() {
    Session* victim = sessions_.least_recent();
    if (victim == nullptr) {
        return false;
    }
    teardown(*victim, TeardownReason::evicted);
    return true;
}

bool Gateway::kill_session(std::uint64_t id) {
    Session* s = sessions_.find_id(id);
    if (s == nullptr) {
        return false;
    }
    OGW_LOG(info, "gateway") << "session " << id << " killed by request";
    teardown(*s, TeardownReason::admin);
    return true;
}

void Gateway::stop() {
    stopping_ = true;
    std::vector<std::uint64_t> ids;
    sessions_.for_each([&](const Session& s) { ids.push_back(s.id); });
    for (std::uint64_t id : ids) {
        if (Session* s = sessions_.find_id(id); s != nullptr && s->key.proto == ipproto::tcp) {
            tell_local(*s, TeardownReason::admin);  // the local TCP must not hang
        }
    }
}

// ------------------------------------------------------------------------------- TCP, timers

void Gateway::track_tcp(Session& s, const PacketInfo& info, bool outbound) {
    if (info.kind != PacketKind::tcp) {
        return;
    }
    if (outbound) {
        s.tcp.on_outbound(info.tcp);
    } else {
        s.tcp.on_inbound(info.tcp);
    }
    if (s.linger_until) {
        return;
    }
    const Instant now = loop_.now();
    if (s.tcp.reset()) {
        s.state = SessionState::closing;
        s.linger_until = now + timers_.tcp_reset_linger;
        s.linger_reason = TeardownReason::tcp_reset;
        reschedule(s);
    } else if (s.tcp.closed_both_ways()) {
        s.state = SessionState::closing;
        s.linger_until = now + timers_.tcp_close_linger;
        s.linger_reason = TeardownReason::tcp_close;
        reschedule(s);
    } else if (s.tcp.closing() && s.state == SessionState::established) {
        s.state = SessionState::closing;
    }
}

void Gateway::reschedule(Session& s) {
    if (s.linger_until) {
        sessions_.schedule(s, *s.linger_until);
        return;
    }
    const bool tcp_open = s.key.proto == ipproto::tcp && s.tcp.established() &&
                          !s.tcp.closing();
    const Duration idle = tcp_open ? timers_.tcp_idle : from_ms(config_.idle_timeout_ms);
    sessions_.schedule(s, s.last_active + idle);
}

void Gateway::on_session_due(Session& s) {
    const Instant now = loop_.now();
    if (s.linger_until) {
        if (now >= *s.linger_until) {
            teardown(s, s.linger_reason);
        } else {
            reschedule(s);
        }
        return;
    }
    const bool tcp_open = s.key.proto == ipproto::tcp && s.tcp.established() &&
                          !s.tcp.closing();
    const Duration idle = tcp_open ? timers_.tcp_idle : from_ms(config_.idle_timeout_ms);
    if (now - s.last_active >= idle) {
        teardown(s, TeardownReason::idle);
    } else {
        reschedule(s);
    }
}

void Gateway::arm_timer() {
    const auto next = sessions_.next_deadline();
    if (next == timer_at_) {
        return;
    }
    timer_at_ = next;
    if (!next) {
        if (timer_ != TimerId::none) {
            loop_.cancel_timer(timer_);
            timer_ = TimerId::none;
        }
        return;
    }
    if (timer_ == TimerId::none || !loop_.reschedule(timer_, *next)) {
        timer_ = loop_.add_timer(*next, [this] {
            timer_ = TimerId::none;
            timer_at_.reset();
            sessions_.expire(loop_.now(), [this](Session& s) { on_session_due(s); });
        });
    }
}

}  // namespace ogw::gw
