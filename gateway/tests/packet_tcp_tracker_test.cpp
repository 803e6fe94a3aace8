// SPDX-License-Identifier: BSD-3-Clause
#include "packet/tcp_tracker.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace ogw::gw {

std::ostream& operator<<(std::ostream& out, const RstNumbers& rst);
std::ostream& operator<<(std::ostream& out, const RstNumbers& rst) {
    return out << "{seq " << rst.seq << ", ack " << rst.ack << (rst.with_ack ? ", ACK}" : "}");
}

namespace {

using namespace tcp_flag;

constexpr std::uint32_t local_isn = 1000;
constexpr std::uint32_t remote_isn = 5000;

TcpSegment segment(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack_number = 0,
                   std::size_t payload = 0) {
    TcpSegment s;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack_number;
    s.payload_length = payload;
    return s;
}

// Local connects to remote; both ISNs and the final ACK seen.
TcpTracker handshake(std::uint32_t local = local_isn, std::uint32_t remote = remote_isn) {
    TcpTracker t;
    t.on_outbound(segment(syn, local));
    t.on_inbound(segment(syn | ack, remote, local + 1));
    t.on_outbound(segment(ack, local + 1, remote + 1));
    return t;
}

TEST(SequenceNumbers, CompareAcrossTheWrap) {
    EXPECT_TRUE(seq_before(1, 2));
    EXPECT_TRUE(seq_before(0xfffffff0U, 0x10));
    EXPECT_TRUE(seq_after(0x10, 0xfffffff0U));
    EXPECT_FALSE(seq_before(5, 5));
    EXPECT_TRUE(seq_at_or_after(5, 5));
    EXPECT_FALSE(seq_at_or_after(0xfffffff0U, 0x10));
}

TEST(TcpSegmentLength, CountsSynAndFin) {
    EXPECT_EQ(segment(syn, 10).seq_length(), 1U);
    EXPECT_EQ(segment(syn | fin, 10, 0, 5).seq_length(), 7U);
    EXPECT_EQ(segment(ack, 10, 0, 100).seq_end(), 110U);
    EXPECT_EQ(segment(fin | ack, 0xffffffffU).seq_end(), 0U);
}

TEST(TcpTracker, EstablishesAfterBothSynsAreAcknowledged) {
    TcpTracker t;
    EXPECT_FALSE(t.established());
    t.on_outbound(segment(syn, local_isn));
    EXPECT_FALSE(t.established());
    t.on_inbound(segment(syn | ack, remote_isn, local_isn + 1));
    EXPECT_FALSE(t.established());
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 1));
    EXPECT_TRUE(t.established());
    EXPECT_FALSE(t.closing());
    EXPECT_FALSE(t.closed_both_ways());
    EXPECT_FALSE(t.reset());
}

TEST(TcpTracker, PassiveOpenEstablishesToo) {
    TcpTracker t;
    t.on_inbound(segment(syn, remote_isn));
    t.on_outbound(segment(syn | ack, local_isn, remote_isn + 1));
    EXPECT_FALSE(t.established());
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 1));
    EXPECT_TRUE(t.established());
}

TEST(TcpTracker, AnAckBelowTheSynDoesNotEstablish) {
    TcpTracker t;
    t.on_outbound(segment(syn, local_isn));
    t.on_inbound(segment(syn | ack, remote_isn, local_isn));  // acknowledges nothing
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 1));
    EXPECT_FALSE(t.established());
}

TEST(TcpTracker, ClosesBothWaysWhenEachFinIsAcknowledged) {
    TcpTracker t = handshake();
    t.on_outbound(segment(fin | ack, local_isn + 1, remote_isn + 1));
    EXPECT_TRUE(t.closing());
    EXPECT_TRUE(t.established());
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 2));
    EXPECT_FALSE(t.closed_both_ways());
    t.on_inbound(segment(fin | ack, remote_isn + 1, local_isn + 2));
    EXPECT_FALSE(t.closed_both_ways());
    t.on_outbound(segment(ack, local_isn + 2, remote_isn + 2));
    EXPECT_TRUE(t.closed_both_ways());
    EXPECT_FALSE(t.reset());
}

TEST(TcpTracker, FinWithDataIsAcknowledgedAfterTheData) {
    TcpTracker t = handshake();
    t.on_inbound(segment(fin | ack | psh, remote_isn + 1, local_isn + 1, 10));
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 11));  // data, not the FIN
    t.on_outbound(segment(fin | ack, local_isn + 1, remote_isn + 11));
    t.on_inbound(segment(ack, remote_isn + 12, local_isn + 2));
    EXPECT_FALSE(t.closed_both_ways());
    t.on_outbound(segment(ack, local_isn + 2, remote_isn + 12));
    EXPECT_TRUE(t.closed_both_ways());
}

TEST(TcpTracker, OneFinAloneIsNotClosed) {
    TcpTracker t = handshake();
    t.on_inbound(segment(fin | ack, remote_isn + 1, local_isn + 1));
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 2));
    EXPECT_TRUE(t.closing());
    EXPECT_FALSE(t.closed_both_ways());
}

TEST(TcpTracker, SimultaneousCloseClosesBothWays) {
    TcpTracker t = handshake();
    t.on_outbound(segment(fin | ack, local_isn + 1, remote_isn + 1));
    t.on_inbound(segment(fin | ack, remote_isn + 1, local_isn + 1));
    EXPECT_FALSE(t.closed_both_ways());
    t.on_outbound(segment(ack, local_isn + 2, remote_isn + 2));
    t.on_inbound(segment(ack, remote_isn + 2, local_isn + 2));
    EXPECT_TRUE(t.closed_both_ways());
}

TEST(TcpTracker, ResetFromEitherSideEndsTracking) {
    for (const bool inbound : {true, false}) {
        TcpTracker t = handshake();
        const TcpSegment rst_segment = segment(rst | ack, inbound ? remote_isn + 1 : local_isn + 1,
                                               inbound ? local_isn + 1 : remote_isn + 1);
        inbound ? t.on_inbound(rst_segment) : t.on_outbound(rst_segment);
        EXPECT_TRUE(t.reset());
        EXPECT_EQ(t.rst_to_local(), std::nullopt);
        // Later segments change nothing, not even a new handshake.
        t.on_outbound(segment(fin | ack, local_isn + 1, remote_isn + 1));
        t.on_inbound(segment(syn, 9));
        EXPECT_FALSE(t.closing());
        EXPECT_TRUE(t.reset());
    }
}

TEST(TcpTracker, ResetBeforeAnythingElse) {
    TcpTracker t;
    t.on_inbound(segment(rst, 1));
    EXPECT_TRUE(t.reset());
    EXPECT_FALSE(t.established());
    EXPECT_EQ(t.rst_to_local(), std::nullopt);
}

TEST(TcpTrackerRst, NothingSeenGivesNoRst) {
    const TcpTracker t;
    EXPECT_EQ(t.rst_to_local(), std::nullopt);
}

TEST(TcpTrackerRst, InSynSentAcknowledgesTheSyn) {
    TcpTracker t;
    t.on_outbound(segment(syn, local_isn));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{0, local_isn + 1, true}));
    t.on_outbound(segment(syn, local_isn));  // retransmission
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{0, local_isn + 1, true}));
}

TEST(TcpTrackerRst, InSynSentAcknowledgesSynData) {
    TcpTracker t;
    t.on_outbound(segment(syn, 0xfffffff0U, 0, 32));  // TCP Fast Open, across the wrap
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{0, 0x11, true}));
}

TEST(TcpTrackerRst, AfterSynAckUsesTheRemoteSequence) {
    TcpTracker t;
    t.on_outbound(segment(syn, local_isn));
    t.on_inbound(segment(syn | ack, remote_isn, local_isn + 1));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 1, local_isn + 1, true}));
}

TEST(TcpTrackerRst, InSynReceivedUsesTheRemoteSynEnd) {
    TcpTracker t;
    t.on_inbound(segment(syn, remote_isn));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 1, 0, false}));
    t.on_outbound(segment(syn | ack, local_isn, remote_isn + 1));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 1, local_isn + 1, true}));
}

TEST(TcpTrackerRst, EstablishedFollowsBothStreams) {
    TcpTracker t = handshake();
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 1, local_isn + 1, true}));
    t.on_inbound(segment(ack | psh, remote_isn + 1, local_isn + 1, 100));
    t.on_outbound(segment(ack | psh, local_isn + 1, remote_isn + 101, 50));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 101, local_isn + 51, true}));
    t.on_inbound(segment(ack, remote_isn + 101, local_isn + 51, 1400));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 1501, local_isn + 51, true}));
}

TEST(TcpTrackerRst, SegmentsBeyondAGapDoNotAdvance) {
    TcpTracker t = handshake();
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 1, 100));
    t.on_inbound(segment(ack, remote_isn + 201, local_isn + 1, 100));  // 101..200 missing
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 101));      // duplicate ACK
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 101);
    // The retransmission fills the gap; the local had queued 201..300 and acknowledges it all.
    t.on_inbound(segment(ack, remote_isn + 101, local_isn + 1, 100));
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 201);
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 301));
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 301);
}

TEST(TcpTrackerRst, OverlappingRetransmissionAdvancesToItsEnd) {
    TcpTracker t = handshake();
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 1, 100));
    t.on_inbound(segment(ack, remote_isn + 51, local_isn + 1, 100));
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 151);
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 1, 10));  // old duplicate
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 151);
}

TEST(TcpTrackerRst, OldAcksDoNotMoveTheEstimateBack) {
    TcpTracker t = handshake();
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 1, 100));
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 101));
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 51));        // reordered
    t.on_inbound(segment(ack, remote_isn + 1001, local_isn + 1, 100));  // beyond a gap
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 101);
}

TEST(TcpTrackerRst, OldAcksDoNotLowerAnAckAheadOfTheSeenStream) {
    TcpTracker t = handshake();
    t.on_inbound(segment(ack, remote_isn + 1, local_isn + 1, 100));
    t.on_inbound(segment(ack, remote_isn + 201, local_isn + 1, 100));  // ahead of a gap
    t.on_inbound(segment(ack, remote_isn + 101, local_isn + 1, 100));  // fills it
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 301));
    t.on_outbound(segment(ack, local_isn + 1, remote_isn + 201));  // reordered
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 301);
}

TEST(TcpTrackerRst, CountsTheRemoteFin) {
    TcpTracker t = handshake();
    t.on_inbound(segment(fin | ack, remote_isn + 1, local_isn + 1, 20));
    EXPECT_EQ(t.rst_to_local()->seq, remote_isn + 22);
}

TEST(TcpTrackerRst, WorksAcrossTheSequenceWrap) {
    TcpTracker t = handshake(0xffffff00U, 0xfffffff0U);
    t.on_inbound(segment(ack, 0xfffffff1U, 0xffffff01U, 0x20));
    t.on_outbound(segment(ack, 0xffffff01U, 0x11, 0x200));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{0x11, 0x101, true}));
}

TEST(TcpTrackerRst, PickedUpMidStreamFromTheRemote) {
    TcpTracker t;
    t.on_inbound(segment(ack, 777, 333, 10));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{787, 0, false}));
    t.on_outbound(segment(ack, 333, 787, 5));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{787, 338, true}));
}

TEST(TcpTrackerRst, PickedUpMidStreamFromTheLocal) {
    TcpTracker t;
    t.on_outbound(segment(ack, 333, 777, 5));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{777, 338, true}));
}

TEST(TcpTrackerRst, LocalSynAckWithoutTheRemoteSynUsesItsAck) {
    // The remote's SYN went by before the gateway saw it: the local is in SYN-RECEIVED and
    // accepts only an in-window RST, so its ACK field is the sequence number to use.
    TcpTracker t;
    t.on_outbound(segment(syn | ack, local_isn, remote_isn + 1));
    EXPECT_EQ(t.rst_to_local(), (RstNumbers{remote_isn + 1, local_isn + 1, true}));
}

TEST(RstInReplyTo, UsesTheAckFieldWhenThereIsOne) {
    EXPECT_EQ(rst_in_reply_to(segment(ack, 100, 9000, 50)), (RstNumbers{9000, 0, false}));
    EXPECT_EQ(rst_in_reply_to(segment(fin | ack, 100, 9000)), (RstNumbers{9000, 0, false}));
}

TEST(RstInReplyTo, AcknowledgesASegmentWithoutAck) {
    EXPECT_EQ(rst_in_reply_to(segment(syn, 100)), (RstNumbers{0, 101, true}));
    EXPECT_EQ(rst_in_reply_to(segment(syn, 100, 0, 10)), (RstNumbers{0, 111, true}));
    EXPECT_EQ(rst_in_reply_to(segment(psh, 100, 0, 10)), (RstNumbers{0, 110, true}));
    EXPECT_EQ(rst_in_reply_to(segment(fin, 0xffffffffU)), (RstNumbers{0, 0, true}));
}

TEST(RstInReplyTo, NeverAnswersARst) {
    EXPECT_EQ(rst_in_reply_to(segment(rst, 100)), std::nullopt);
    EXPECT_EQ(rst_in_reply_to(segment(rst | ack, 100, 200)), std::nullopt);
}

}  // namespace
}  // namespace ogw::gw
