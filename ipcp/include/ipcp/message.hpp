// SPDX-License-Identifier: BSD-3-Clause
// Shim messages, decoded. Spans point into the buffer that was decoded.
#pragma once

#include <flowlib/flow_state.hpp>
#include <ipcp/eid.hpp>
#include <ipcp/name_hash.hpp>

#include <ogw/qos.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

namespace ogw::ipcp {

struct DataMsg {
    Eid dst_eid = no_eid;
    std::span<const std::byte> sdu;
};

struct FlowReqMsg {
    Eid src_eid = no_eid;
    NameHash name;
    qosspec_t qos{};
    std::string_view src_name;             // the requesting node's name, may be empty
    std::span<const std::byte> piggyback;  // the flow's first SDU, may be empty
};

struct FlowReplyMsg {
    Eid dst_eid = no_eid;  // the requester's eid
    Eid src_eid = no_eid;  // the responder's eid, no_eid on refusal
    std::int32_t response = 0;
};

struct FlowDeallocMsg {
    Eid dst_eid = no_eid;  // the receiver's eid, or no_eid when the sender does not know it
    Eid src_eid = no_eid;  // the sender's eid (for unknown_endpoint: the eid it was sent to)
    flow::DeallocReason reason = flow::DeallocReason::closed;
};

struct DeallocAckMsg {
    Eid dst_eid = no_eid;
    Eid src_eid = no_eid;
};

struct KeepaliveMsg {
    Eid dst_eid = no_eid;
    Eid src_eid = no_eid;
    std::uint8_t flags = 0;
    std::uint32_t token = 0;  // echo requests carry a token that the echo reply returns
};

struct NameQueryMsg {
    std::uint32_t query_id = 0;
    NameHash name;
};

struct NameReplyMsg {
    std::uint32_t query_id = 0;
    NameHash name;
};

using Message = std::variant<DataMsg, FlowReqMsg, FlowReplyMsg, FlowDeallocMsg, DeallocAckMsg,
                             KeepaliveMsg, NameQueryMsg, NameReplyMsg>;

// Why an input was dropped. Every decoder reject and every engine-level drop has a reason.
enum class DropReason : std::uint8_t {
    too_short,         // shorter than the header or the message type's fixed part
    bad_length,        // length field disagrees with the datagram
    bad_version,
    bad_type,
    bad_value,         // a field out of range, reserved bits set, a zero eid
    unknown_endpoint,  // no flow with that eid
    wrong_peer,        // the flow's peer has another address
    not_allocated,     // data for a flow that is not (or no longer) allocated
    no_buffer,         // the owner could not take the SDU
    too_big,           // SDU larger than the largest the path carries
    // With encryption on (docs/security.md):
    auth_failed,       // a sealed message or handshake that does not authenticate
    replayed,          // a sealed message or initiation seen before, or too old
    unauthorized,      // a handshake with a key not listed (or listed for another name)
    not_encrypted,     // a plain message where a sealed one is required, or the reverse
    overloaded,        // a flow request over its source's share (docs/security.md §7)
    count_,
};
inline constexpr std::size_t drop_reason_count = static_cast<std::size_t>(DropReason::count_);
std::string_view to_string(DropReason r);

struct Decoded {
    DropReason drop = DropReason::count_;  // count_ means "no drop"
    Message msg;
    bool ok() const { return drop == DropReason::count_; }
};

}  // namespace ogw::ipcp
