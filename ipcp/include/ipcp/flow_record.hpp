// SPDX-License-Identifier: BSD-3-Clause
// One flow end inside a shim engine.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/flow_fsm.hpp>
#include <ipcp/eid.hpp>
#include <ipcp/name_hash.hpp>
#include <ipcp/peer_address.hpp>
#include <ipcp/secure/handshake.hpp>
#include <ipcp/secure/rekey.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ogw::ipcp {

struct FlowCounters {
    std::uint64_t rx_packets = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_packets = 0;
    std::uint64_t tx_bytes = 0;
    std::uint64_t drops = 0;
    std::uint64_t keepalives_sent = 0;
    std::uint64_t keepalives_received = 0;
};

// The security state of a sealed flow (docs/security.md §9).
struct SecureFlow {
    secure::KeyRing keys;
    std::optional<secure::InitiatorHandshake> initiator;  // alloc_pending
    std::optional<secure::ResponderHandshake> responder;  // accept_pending, until the reply
    std::vector<std::byte> request;  // initiator: the FLOW_REQ, retransmitted byte for byte
    std::vector<std::byte> reply;    // responder: the FLOW_REPLY, repeated for duplicates
    std::optional<secure::Hash> digest;  // responder: the initiation it answered
    secure::PublicKey peer_key;
    bool initiated = false;  // this end allocated the flow: it alone starts rekeys

    // Rekeying (docs/security.md §6.1). Initiator: the offer awaiting its answer.
    std::optional<secure::RekeyOffer> rekey;
    Instant rekey_resend{};
    std::uint32_t rekey_id = 0;  // the last offer's id
    // Responder: the last offer answered, to repeat the answer if it was lost.
    struct Answered {
        std::uint32_t id;
        secure::PublicKey offer;
        secure::PublicKey answer;
    };
    std::optional<Answered> answered;

    // An unauthenticated unknown-endpoint answer said the peer may have lost this flow (it
    // restarted): an authenticated keepalive probe is out, and without an authentic message
    // from the peer by this time, the flow ends as deallocated by the peer.
    std::optional<Instant> probe_until;
};

// What a flow needs only until its allocation completes (freed then): the request as sent
// (alloc_pending, for retransmissions) or as received (accept_pending).
struct FlowRequest {
    NameHash name;                     // the name the requester asked for
    std::string remote_name;           // accepted flows: the requesting node's name
    std::vector<std::byte> first_sdu;  // piggybacked on FLOW_REQ until delivered
};

// scheduled when the flow has no live timer-heap entry.
inline constexpr Instant unscheduled = Instant::max();

struct FlowRecord {
    FlowRecord(Eid e, const qosspec_t& qos, const flow::FsmConfig& cfg, Instant now)
        : eid(e), fsm(qos, cfg), created(now) {}

    // Ordered for packing: one per flow.
    Eid eid;
    Eid remote_eid = no_eid;
    std::uint32_t echo_token = 0;          // outstanding keepalive echo request
    PeerAddress peer;
    bool indexed = false;                  // present in the (peer, remote_eid) index
    bool half_open = false;                // counted by Admission while accept_pending
    flow::FlowFsm fsm;
    std::uint64_t tag = 0;       // the owner's handle for this flow
    Instant created;
    FlowCounters counters;
    std::unique_ptr<FlowRequest> request;  // alloc_pending and accept_pending
    Instant scheduled = unscheduled;       // time of this flow's live timer-heap entry
    Instant echo_sent{};
    std::unique_ptr<SecureFlow> secure;    // sealed flows only
};

}  // namespace ogw::ipcp
