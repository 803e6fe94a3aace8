// SPDX-License-Identifier: BSD-3-Clause
// The initiator's reply parser (InitiatorHandshake::consume_reply) on hostile input.
// Input: byte 0 = flags, byte 1 = extension offset hint, the rest = payload.
//   flags & 3 selects a valid reply to start from: 0 response, 1 refusal, 2 cookie;
//   3 = raw mode (the payload itself is the reply, ext offset from byte 1).
//   flags & 4: recompute the response's mac1 after the change.
// In the other modes the payload is XORed over the valid reply. A response must be accepted
// exactly when no byte changed; a refusal or cookie (which do not cover the clear FLOW_REPLY
// fields by design) exactly when no extension byte changed.
#include "fuzz_support.hpp"

#include <ipcp/codec.hpp>
#include <ipcp/secure/handshake.hpp>
#include <ipcp/wire.hpp>

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using namespace ogw;
using namespace ogw::ipcp;
using namespace ogw::ipcp::secure;

using fuzz::key;

const Instant t0 = Instant(std::chrono::hours(1));
const std::byte source[] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{1}};

std::vector<std::byte> reply_frame(std::int32_t response, std::size_t ext) {
    const CodecV1 codec;
    std::vector<std::byte> b(wire::flow_reply_size + ext);
    codec.encode(FlowReplyMsg{0x00100001, response == 0 ? 0x00200002U : 0U, response}, b);
    b[1] |= std::byte{secure_type_flag};
    b[2] = static_cast<std::byte>(b.size() >> 8);
    b[3] = static_cast<std::byte>(b.size());
    return b;
}

struct Fixture {
    Identity initiator{key(1)};
    Identity responder{key(2)};
    std::vector<std::byte> request;
    std::size_t req_ext = 0;
    std::vector<std::byte> replies[3];

    Fixture() {
        const CodecV1 codec;
        const std::vector<std::byte> placeholder(initiation_size(0));
        FlowReqMsg m{0x00100001, NameHash::of("oecho"), qos_raw, "site-a", placeholder};
        request.resize(wire::max_message_size);
        request.resize(codec.encode(m, request));
        request[1] |= std::byte{secure_type_flag};
        req_ext = request.size() - placeholder.size();
        InitiatorHandshake hs;
        request = start(hs);
        PeerTable peers;
        peers.add("site-a", initiator.public_key());
        DeterministicRng rng(3);
        Responder r(responder, peers, rng);
        std::vector<std::byte> copy = request;
        auto in = r.consume_initiation(t0, 1000, copy, req_ext, "site-a");
        if (!in.ok()) {
            std::abort();
        }
        replies[0] = reply_frame(0, response_size);
        replies[1] = reply_frame(-1009, refusal_size);
        replies[2] = reply_frame(-11, cookie_reply_size);
        if (!in.handshake->create_response(rng, t0, replies[0], wire::flow_reply_size).ok() ||
            Responder::create_refusal(request, replies[1], wire::flow_reply_size) !=
                SecureError::ok ||
            r.create_cookie_reply(t0, request, source, replies[2], wire::flow_reply_size) !=
                SecureError::ok) {
            std::abort();
        }
    }

    // The same initiation every time (same rng seed): the replies above answer it.
    std::vector<std::byte> start(InitiatorHandshake& hs) const {
        std::vector<std::byte> out = request;
        DeterministicRng rng(1);
        if (hs.create(initiator, responder.public_key(), 1000, rng, out, req_ext) !=
            SecureError::ok) {
            std::abort();
        }
        return out;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Fixture fx;
    if (size < 2) {
        return 0;
    }
    const std::uint8_t flags = data[0];
    const auto* payload = reinterpret_cast<const std::byte*>(data + 2);
    const std::size_t n = size - 2;
    const unsigned mode = flags & 3U;

    std::vector<std::byte> msg;
    std::size_t ext_offset = wire::flow_reply_size;
    bool changed = false;
    bool ext_changed = false;
    if (mode == 3) {
        msg.assign(payload, payload + n);
        ext_offset = data[1];
    } else {
        msg = fx.replies[mode];
        for (std::size_t i = 0; i < n && i < msg.size(); ++i) {
            msg[i] ^= payload[i];
            if (payload[i] != std::byte{0}) {
                changed = true;
                ext_changed = ext_changed || i >= ext_offset;
            }
        }
    }
    if ((flags & 4) != 0 && msg.size() >= ext_offset + resp_mac1_offset + mac_size) {
        const std::size_t at = ext_offset + resp_mac1_offset;
        crypto_generichash(reinterpret_cast<unsigned char*>(msg.data() + at), mac_size,
                           reinterpret_cast<const unsigned char*>(msg.data()), at,
                           reinterpret_cast<const unsigned char*>(fx.initiator.mac1_key().data()),
                           fx.initiator.mac1_key().size());
    }

    InitiatorHandshake hs;
    (void)fx.start(hs);
    const auto got = hs.consume_reply(fx.initiator, t0, msg, ext_offset);
    if (!got.ok() && !hs.pending()) {
        std::abort();  // a refused reply must leave the handshake as it was
    }
    if (got.ok() && got.kind == ExtKind::response && !got.session) {
        std::abort();
    }
    if (mode == 0 && (flags & 4) == 0 && got.ok() == changed) {
        std::abort();
    }
    if (mode == 0 && (flags & 4) != 0 && changed && got.ok()) {
        // mac1 recomputed: only a change confined to the old mac1 bytes may pass.
        for (std::size_t i = 0; i < n && i < ext_offset + resp_mac1_offset; ++i) {
            if (payload[i] != std::byte{0}) {
                std::abort();
            }
        }
    }
    if ((mode == 1 || mode == 2) && got.ok() == ext_changed) {
        std::abort();
    }
    return 0;
}
