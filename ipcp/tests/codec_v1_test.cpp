// SPDX-License-Identifier: BSD-3-Clause
#include "test_util.hpp"

#include <ipcp/codec.hpp>
#include <ipcp/wire.hpp>

#include <gtest/gtest.h>

namespace ogw::ipcp {
namespace {

using test::bytes_of;
using test::from_hex;
using test::to_hex;

constexpr std::string_view oecho_hash =
    "edfb6ec13510498b2a2165b2a13d5ea2228d18d0d73b21752a92990d22203f66";

struct Golden {
    const char* name;
    Message msg;
    std::string hex;
};

std::vector<Golden> golden_messages() {
    static const auto hi = bytes_of("hi");
    FlowReqMsg req{0x00100001, NameHash::of("oecho"), qos_raw, "site-a", hi};
    return {
        {"data", DataMsg{0x00100001, hi}, "0100000a00100001" "6869"},
        {"flow_req", req,
         std::string("0101005900000000" "00100001") + std::string(oecho_hash) +
             "ffffffff" "0000000000000000" "00" "00" "0000" "00000001" "00000001" "ffffffff"
             "000000000001d4c0" "06" "736974652d61" "6869"},
        {"flow_reply", FlowReplyMsg{0x00100001, 0x00200002, 0},
         "0102001000100001" "00200002" "00000000"},
        {"flow_reply_refused", FlowReplyMsg{0x00100001, no_eid, -1007},
         "0102001000100001" "00000000" "fffffc11"},
        {"flow_dealloc", FlowDeallocMsg{0x00100001, 0x00200002, flow::DeallocReason::closed},
         "0103001000100001" "00200002" "01000000"},
        {"flow_dealloc_unknown",
         FlowDeallocMsg{no_eid, 0x00200002, flow::DeallocReason::unknown_endpoint},
         "0103001000000000" "00200002" "03000000"},
        {"dealloc_ack", DeallocAckMsg{0x00100001, 0x00200002}, "0104000c00100001" "00200002"},
        {"keepalive", KeepaliveMsg{0x00100001, 0x00200002, 1, 0xdeadbeef},
         "0105001400100001" "00200002" "01000000" "deadbeef"},
        {"name_query", NameQueryMsg{7, NameHash::of("oecho")},
         std::string("0106002c00000000" "00000007") + std::string(oecho_hash)},
        {"name_reply", NameReplyMsg{7, NameHash::of("oecho")},
         std::string("0107002c00000000" "00000007") + std::string(oecho_hash)},
    };
}

std::vector<std::byte> encode(const Message& m) {
    CodecV1 codec;
    std::vector<std::byte> out(wire::max_message_size);
    out.resize(codec.encode(m, out));
    return out;
}

TEST(CodecV1, NameHashIsBlake2b256) { EXPECT_EQ(NameHash::of("oecho").hex(), oecho_hash); }

TEST(CodecV1, EncodesGoldenVectors) {
    for (const auto& g : golden_messages()) {
        EXPECT_EQ(to_hex(encode(g.msg)), g.hex) << g.name;
    }
}

TEST(CodecV1, GoldenVectorsRoundTrip) {
    CodecV1 codec;
    for (const auto& g : golden_messages()) {
        const auto bytes = from_hex(g.hex);
        const Decoded d = codec.decode(bytes, false);
        ASSERT_TRUE(d.ok()) << g.name << ": " << to_string(d.drop);
        EXPECT_EQ(d.msg.index(), g.msg.index()) << g.name;
        EXPECT_EQ(to_hex(encode(d.msg)), g.hex) << g.name;
    }
}

TEST(CodecV1, DecodesFlowRequestFields) {
    CodecV1 codec;
    const auto bytes = from_hex(golden_messages()[1].hex);
    const Decoded d = codec.decode(bytes, false);
    ASSERT_TRUE(d.ok());
    const auto& req = std::get<FlowReqMsg>(d.msg);
    EXPECT_EQ(req.src_eid, 0x00100001U);
    EXPECT_EQ(req.name, NameHash::of("oecho"));
    EXPECT_EQ(req.qos.timeout, 120000U);
    EXPECT_EQ(req.qos.delay, UINT32_MAX);
    EXPECT_EQ(req.src_name, "site-a");
    ASSERT_EQ(req.piggyback.size(), 2U);
    EXPECT_EQ(req.piggyback[0], std::byte{'h'});
}

TEST(CodecV1, TimeoutCarriesSixtyFourBits) {
    qosspec_t qos = qos_raw;
    qos.timeout = 10ULL * 365 * 24 * 3600 * 1000;  // ten years
    const auto bytes = encode(FlowReqMsg{1, NameHash::of("x"), qos, {}, {}});
    const Decoded d = CodecV1{}.decode(bytes, false);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(std::get<FlowReqMsg>(d.msg).qos.timeout, qos.timeout);
}

TEST(CodecV1, RejectsEveryTruncation) {
    CodecV1 codec;
    for (const auto& g : golden_messages()) {
        const auto bytes = from_hex(g.hex);
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            const std::span<const std::byte> cut(bytes.data(), n);
            EXPECT_FALSE(codec.decode(cut, false).ok()) << g.name << " cut to " << n;
        }
    }
}

TEST(CodecV1, RejectsTrailingBytes) {
    CodecV1 codec;
    for (const auto& g : golden_messages()) {
        auto bytes = from_hex(g.hex);
        bytes.push_back(std::byte{0});
        const Decoded d = codec.decode(bytes, false);
        EXPECT_EQ(d.drop, DropReason::bad_length) << g.name;
    }
}

TEST(CodecV1, PaddedUnderlayIgnoresPaddingOnly) {
    CodecV1 codec;
    auto bytes = from_hex(golden_messages()[6].hex);  // dealloc_ack, 12 bytes
    bytes.resize(46, std::byte{0});                     // Ethernet minimum payload
    EXPECT_TRUE(codec.decode(bytes, true).ok());
    EXPECT_FALSE(codec.decode(bytes, false).ok());
}

TEST(CodecV1, EveryBitFlipIsRejectedOrDecodesSafely) {
    CodecV1 codec;
    for (const auto& g : golden_messages()) {
        const auto original = from_hex(g.hex);
        for (std::size_t bit = 0; bit < original.size() * 8; ++bit) {
            auto bytes = original;
            bytes[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
            const Decoded d = codec.decode(bytes, false);
            if (d.ok()) {
                // Whatever decodes must encode back to exactly the same bytes.
                EXPECT_EQ(to_hex(encode(d.msg)), to_hex(bytes)) << g.name << " bit " << bit;
            }
        }
    }
}

struct RejectCase {
    const char* name;
    std::string hex;
    DropReason reason;
};

TEST(CodecV1, RejectsMalformedFieldsWithReason) {
    const std::vector<RejectCase> cases = {
        {"empty", "", DropReason::too_short},
        {"short header", "0100000a001000", DropReason::too_short},
        {"version 2", "0200000a00100001" "6869", DropReason::bad_version},
        {"version 0", "0000000a00100001" "6869", DropReason::bad_version},
        {"unknown type", "0108000800100001", DropReason::bad_type},
        {"type 255", "01ff000800100001", DropReason::bad_type},
        {"length too big", "0100000b00100001" "6869", DropReason::bad_length},
        {"length too small", "0100000900100001" "6869", DropReason::bad_length},
        {"length below header", "0100000400100001", DropReason::bad_length},
        {"data to eid 0", "0100000a00000000" "6869", DropReason::bad_value},
        {"reply positive response", "0102001000100001" "00200002" "00000001",
         DropReason::bad_value},
        {"reply accepted without eid", "0102001000100001" "00000000" "00000000",
         DropReason::bad_value},
        {"reply to eid 0", "0102001000000000" "00200002" "00000000", DropReason::bad_value},
        {"dealloc reason 0", "0103001000100001" "00200002" "00000000", DropReason::bad_value},
        {"dealloc reason 5", "0103001000100001" "00200002" "05000000", DropReason::bad_value},
        {"dealloc reserved set", "0103001000100001" "00200002" "01000100",
         DropReason::bad_value},
        {"dealloc closed to eid 0", "0103001000000000" "00200002" "01000000",
         DropReason::bad_value},
        {"dealloc from eid 0", "0103001000100001" "00000000" "01000000", DropReason::bad_value},
        {"ack from eid 0", "0104000c00100001" "00000000", DropReason::bad_value},
        {"keepalive unknown flag", "0105001400100001" "00200002" "04000000" "00000000",
         DropReason::bad_value},
        {"keepalive both echo flags", "0105001400100001" "00200002" "03000000" "00000000",
         DropReason::bad_value},
        {"keepalive reserved set", "0105001400100001" "00200002" "00010000" "00000000",
         DropReason::bad_value},
        {"name query to an eid", "0106002c00000001" "00000007" + std::string(64, '0'),
         DropReason::bad_value},
        {"flow_req short", "0101005000000000" "00100001" + std::string(136, '0'),
         DropReason::too_short},
        {"flow_req name overruns", "0101005100000000" "00100001" + std::string(136, '0') + "01",
         DropReason::too_short},
    };
    CodecV1 codec;
    for (const auto& c : cases) {
        const auto bytes = from_hex(c.hex);
        const Decoded d = codec.decode(bytes, false);
        EXPECT_EQ(d.drop, c.reason) << c.name << ": got " << to_string(d.drop);
    }
}

TEST(CodecV1, RejectsFlowRequestWithReservedQosBits) {
    auto bytes = encode(FlowReqMsg{1, NameHash::of("x"), qos_raw, {}, {}});
    bytes[8 + 4 + 32 + 4 + 8 + 2] = std::byte{1};  // the reserved u16 after in_order
    EXPECT_EQ(CodecV1{}.decode(bytes, false).drop, DropReason::bad_value);
}

TEST(CodecV1, EncodeFailsWhenOutputTooSmall) {
    CodecV1 codec;
    std::vector<std::byte> out(15);
    EXPECT_EQ(codec.encode(FlowReplyMsg{1, 2, 0}, out), 0U);
    out.resize(16);
    EXPECT_EQ(codec.encode(FlowReplyMsg{1, 2, 0}, out), 16U);
}

TEST(CodecV1, DataHeaderWrittenInPlace) {
    CodecV1 codec;
    std::vector<std::byte> frame(codec.data_header_size() + 2);
    frame[8] = std::byte{'h'};
    frame[9] = std::byte{'i'};
    ASSERT_TRUE(codec.write_data_header(frame, 0x00100001, 2));
    EXPECT_EQ(to_hex(frame), "0100000a00100001" "6869");
    EXPECT_FALSE(codec.write_data_header(frame, 1, wire::max_message_size));
}

}  // namespace
}  // namespace ogw::ipcp
