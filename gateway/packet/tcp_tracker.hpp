// SPDX-License-Identifier: BSD-3-Clause
// Per-session TCP tracking from the segments that pass the gateway, both directions, and the
// sequence numbers of a RST towards the local endpoint that its TCP will accept.
//
// The tracker reports facts, not one exclusive state: a connection can be established and
// closing; closed_both_ways() and reset() are what teardown looks at. Segments after a RST are
// ignored. No window or sequence validation: both endpoints do that, and the gateway only needs
// to know when a session is over and how to end it.
//
// RST numbers (rst_to_local): the local endpoint accepts a RST only if its sequence number is
// exactly its RCV.NXT (RFC 5961 §3.2; Linux answers any other in-window value with a challenge
// ACK). The estimate of RCV.NXT is the later of
//   - the end (seq + payload + SYN + FIN) of the in-order remote→local stream, from the remote
//     ISN (or the first remote→local segment seen when the handshake was not seen); segments
//     beyond a gap do not advance it, and
//   - the highest ACK field the local endpoint sent (covers data the local endpoint had queued
//     out of order once a retransmission filled the gap).
// Limits: segments still in flight towards the local endpoint, or a connection picked up in the
// middle after a gap, can make the estimate wrong. Then the local answers with a challenge ACK
// or with its next segment; answer that with rst_in_reply_to(), whose number is exact.
// When nothing came from the remote side, the local's highest ACK is its RCV.NXT. A local that
// sent a SYN and never an ACK is in SYN-SENT: the RST carries seq 0 and ACK = the end of the
// local's SYN (ISN + 1, plus any SYN data), which is the only acceptable RST in SYN-SENT
// (RFC 793 §3.4, RFC 9293 §3.10.7.3). The ACK field of a RST is otherwise set to the end of the
// local→remote stream (SYN-RECEIVED checks it).
#pragma once

#include "packet/tcp_segment.hpp"

#include <cstdint>
#include <optional>

namespace ogw::gw {

struct RstNumbers {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    bool with_ack = false;

    friend bool operator==(const RstNumbers&, const RstNumbers&) = default;
};

// RFC 793 "Reset Generation" for a segment that arrives for a connection that does not exist
// (any more): seq = SEG.ACK if the segment has an ACK, else seq 0 and ACK = SEG.SEQ + SEG.LEN.
// Never a RST in reply to a RST.
std::optional<RstNumbers> rst_in_reply_to(const TcpSegment& segment);

class TcpTracker {
public:
    void on_outbound(const TcpSegment& segment);  // local → remote
    void on_inbound(const TcpSegment& segment);   // remote → local

    // Both SYNs seen and acknowledged; stays true through closing.
    bool established() const { return local_.syn_acked && remote_.syn_acked; }
    // A FIN seen in either direction.
    bool closing() const { return local_.fin || remote_.fin; }
    // A FIN in each direction, each acknowledged by the other side.
    bool closed_both_ways() const { return local_.fin_acked && remote_.fin_acked; }
    // A RST seen in either direction.
    bool reset() const { return reset_; }

    // The RST to send to the local endpoint, or nothing when no segment was seen or the
    // connection was already reset.
    std::optional<RstNumbers> rst_to_local() const;

private:
    // One direction of the connection, named after its sender.
    // Ordered for packing: two per session.
    struct Stream {
        std::uint32_t isn = 0;
        std::uint32_t next = 0;  // end of the in-order stream
        std::uint32_t fin_seq = 0;
        std::uint32_t last_ack = 0;  // the highest, once acked
        bool seen = false;  // any segment other than a RST
        bool syn = false;
        bool syn_acked = false;
        bool fin = false;
        bool fin_acked = false;
        bool acked = false;  // sent an ACK
    };

    void on_segment(Stream& sender, Stream& receiver, const TcpSegment& segment);

    Stream local_;   // local → remote
    Stream remote_;  // remote → local
    bool reset_ = false;
};

}  // namespace ogw::gw
