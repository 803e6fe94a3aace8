// SPDX-License-Identifier: BSD-3-Clause
#include "packet/tcp_tracker.hpp"

namespace ogw::gw {

std::optional<RstNumbers> rst_in_reply_to(const TcpSegment& segment) {
    if (segment.has(tcp_flag::rst)) {
        return std::nullopt;
    }
    if (segment.has(tcp_flag::ack)) {
        return RstNumbers{segment.ack, 0, false};
    }
    return RstNumbers{0, segment.seq_end(), true};
}

void TcpTracker::on_outbound(const TcpSegment& segment) {
    on_segment(local_, remote_, segment);
}

void TcpTracker::on_inbound(const TcpSegment& segment) {
    on_segment(remote_, local_, segment);
}

void TcpTracker::on_segment(Stream& sender, Stream& receiver, const TcpSegment& segment) {
    if (reset_) {
        return;
    }
    if (segment.has(tcp_flag::rst)) {
        reset_ = true;
        return;
    }
    if (segment.has(tcp_flag::syn) && !sender.syn) {
        sender.syn = true;
        sender.isn = segment.seq;
        sender.seen = true;
        sender.next = segment.seq;
    }
    if (!sender.seen) {
        sender.seen = true;
        sender.next = segment.seq;
    }
    const std::uint32_t end = segment.seq_end();
    if (seq_at_or_after(sender.next, segment.seq) && seq_after(end, sender.next)) {
        sender.next = end;
    }
    if (segment.has(tcp_flag::fin) && !sender.fin) {
        sender.fin = true;
        sender.fin_seq = end - 1;
    }
    if (!segment.has(tcp_flag::ack)) {
        return;
    }
    if (!sender.acked || seq_after(segment.ack, sender.last_ack)) {
        sender.acked = true;
        sender.last_ack = segment.ack;
    }
    if (receiver.syn && seq_at_or_after(segment.ack, receiver.isn + 1)) {
        receiver.syn_acked = true;
    }
    if (receiver.fin && seq_at_or_after(segment.ack, receiver.fin_seq + 1)) {
        receiver.fin_acked = true;
    }
}

std::optional<RstNumbers> TcpTracker::rst_to_local() const {
    if (reset_) {
        return std::nullopt;
    }
    if (!remote_.seen) {
        if (local_.acked) {
            return RstNumbers{local_.last_ack, local_.next, true};
        }
        if (local_.syn) {
            return RstNumbers{0, local_.next, true};
        }
        return std::nullopt;
    }
    std::uint32_t rcv_nxt = remote_.next;
    if (local_.acked && seq_after(local_.last_ack, rcv_nxt)) {
        rcv_nxt = local_.last_ack;
    }
    if (!local_.seen) {
        return RstNumbers{rcv_nxt, 0, false};
    }
    return RstNumbers{rcv_nxt, local_.next, true};
}

}  // namespace ogw::gw
