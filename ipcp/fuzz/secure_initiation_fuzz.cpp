// SPDX-License-Identifier: BSD-3-Clause
// The responder's initiation parser (Responder::consume_initiation) on hostile input.
// Input: byte 0 = flags, byte 1 = extension offset hint, the rest = payload.
//   flags & 1: mutate mode. The payload is XORed over a valid FLOW_REQ with an initiation;
//              the result must be accepted exactly when no byte before mac2 changed.
//              Otherwise the payload itself is the message (raw mode).
//   flags & 2: recompute mac1 after the change (an attacker knows our public key), so the
//              input reaches the X25519 and AEAD steps.
//   flags & 4: responder under load (mac2 checked).
// Never crashes, never accepts a change, never touches the replay memory unless accepted.
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

struct Fixture {
    Identity initiator{key(1)};
    Identity responder{key(2)};
    std::vector<std::byte> request;
    std::size_t ext_offset = 0;

    Fixture() {
        const CodecV1 codec;
        const char early[] = "first";
        const std::vector<std::byte> placeholder(initiation_size(sizeof early - 1));
        FlowReqMsg m{0x00100001, NameHash::of("oecho"), qos_raw, "site-a", placeholder};
        request.resize(wire::max_message_size);
        request.resize(codec.encode(m, request));
        request[1] |= std::byte{secure_type_flag};
        ext_offset = request.size() - placeholder.size();
        DeterministicRng rng(1);
        InitiatorHandshake hs;
        if (hs.create(initiator, responder.public_key(), 1000, rng, request, ext_offset,
                      std::as_bytes(std::span(early, sizeof early - 1))) != SecureError::ok) {
            std::abort();
        }
    }
};

void fix_mac1(std::vector<std::byte>& msg, const Identity& to) {
    if (msg.size() < 2 * mac_size) {
        return;
    }
    const std::size_t at = msg.size() - 2 * mac_size;
    crypto_generichash(reinterpret_cast<unsigned char*>(msg.data() + at), mac_size,
                       reinterpret_cast<const unsigned char*>(msg.data()), at,
                       reinterpret_cast<const unsigned char*>(to.mac1_key().data()),
                       to.mac1_key().size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Fixture fx;
    if (size < 2) {
        return 0;
    }
    const std::uint8_t flags = data[0];
    const auto* payload = reinterpret_cast<const std::byte*>(data + 2);
    const std::size_t n = size - 2;

    std::vector<std::byte> msg;
    std::size_t ext_offset = 0;
    bool changed_before_mac2 = false;
    if ((flags & 1) != 0) {
        msg = fx.request;
        ext_offset = fx.ext_offset;
        const std::size_t mac1_at = msg.size() - 2 * mac_size;
        const std::size_t mac2_at = msg.size() - mac_size;
        for (std::size_t i = 0; i < n && i < msg.size(); ++i) {
            msg[i] ^= payload[i];
            // A change to mac1 alone is undone when mac1 is recomputed.
            const bool counts = i < mac1_at || (i < mac2_at && (flags & 2) == 0);
            if (counts && payload[i] != std::byte{0}) {
                changed_before_mac2 = true;
            }
        }
    } else {
        msg.assign(payload, payload + n);
        ext_offset = data[1];
    }
    if ((flags & 2) != 0) {
        fix_mac1(msg, fx.responder);
    }

    PeerTable peers;
    peers.add("site-a", fx.initiator.public_key());
    DeterministicRng rng(2);
    Responder responder(fx.responder, peers, rng);
    const std::uint8_t source[] = {10, 0, 0, 1};
    auto in = responder.consume_initiation(Instant(std::chrono::hours(1)), 1000, msg, ext_offset,
                                           "site-a", std::as_bytes(std::span(source)),
                                           (flags & 4) != 0);
    const auto remembered = peers.find(fx.initiator.public_key())->guard.remembered();
    if (in.ok() != (remembered == 1)) {
        std::abort();  // the replay memory changed without an accepted initiation
    }
    if ((flags & 1) != 0 && (flags & 4) == 0) {
        // mac1 fixed or not: a change before mac2 is refused, no change is accepted.
        if (in.ok() == changed_before_mac2) {
            std::abort();
        }
    }
    if (in.ok() && (in.early_data.size() > msg.size() ||
                    std::string_view(reinterpret_cast<const char*>(in.early_data.data()),
                                     in.early_data.size()) != "first")) {
        std::abort();
    }
    return 0;
}
