// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/codec.hpp>
#include <ipcp/wire.hpp>

#include <flowlib/bytes.hpp>

#include <cstring>

namespace ogw::ipcp {
namespace {

using wire::Type;

struct Writer {
    std::byte* p;
    void u8(std::uint8_t v) { be::store8(p, v); p += 1; }
    void u16(std::uint16_t v) { be::store16(p, v); p += 2; }
    void u32(std::uint32_t v) { be::store32(p, v); p += 4; }
    void u64(std::uint64_t v) { be::store64(p, v); p += 8; }
    void hash(const NameHash& h) { std::memcpy(p, h.bytes.data(), h.bytes.size()); p += h.bytes.size(); }
    void zeros(std::size_t n) { std::memset(p, 0, n); p += n; }
};

struct Reader {
    const std::byte* p;
    std::uint8_t u8() { auto v = be::load8(p); p += 1; return v; }
    std::uint16_t u16() { auto v = be::load16(p); p += 2; return v; }
    std::uint32_t u32() { auto v = be::load32(p); p += 4; return v; }
    std::uint64_t u64() { auto v = be::load64(p); p += 8; return v; }
    NameHash hash() {
        NameHash h;
        std::memcpy(h.bytes.data(), p, h.bytes.size());
        p += h.bytes.size();
        return h;
    }
};

void put_header(Writer& w, Type type, std::size_t length, Eid dst) {
    w.u8(wire::version);
    w.u8(static_cast<std::uint8_t>(type));
    w.u16(static_cast<std::uint16_t>(length));
    w.u32(dst);
}

void put_qos(Writer& w, const qosspec_t& q) {
    w.u32(q.delay);
    w.u64(q.bandwidth);
    w.u8(q.availability);
    w.u8(q.in_order);
    w.u16(0);
    w.u32(q.loss);
    w.u32(q.ber);
    w.u32(q.max_gap);
    w.u64(q.timeout);
}

bool get_qos(Reader& r, qosspec_t& q) {
    q.delay = r.u32();
    q.bandwidth = r.u64();
    q.availability = r.u8();
    q.in_order = r.u8();
    const std::uint16_t reserved = r.u16();
    q.loss = r.u32();
    q.ber = r.u32();
    q.max_gap = r.u32();
    q.timeout = r.u64();
    return reserved == 0;
}

std::size_t encoded_size(const Message& m) {
    struct Size {
        std::size_t operator()(const DataMsg& d) const { return wire::header_size + d.sdu.size(); }
        std::size_t operator()(const FlowReqMsg& r) const {
            return wire::flow_req_size + r.src_name.size() + r.piggyback.size();
        }
        std::size_t operator()(const FlowReplyMsg&) const { return wire::flow_reply_size; }
        std::size_t operator()(const FlowDeallocMsg&) const { return wire::flow_dealloc_size; }
        std::size_t operator()(const DeallocAckMsg&) const { return wire::dealloc_ack_size; }
        std::size_t operator()(const KeepaliveMsg&) const { return wire::keepalive_size; }
        std::size_t operator()(const NameQueryMsg&) const { return wire::name_query_size; }
        std::size_t operator()(const NameReplyMsg&) const { return wire::name_reply_size; }
    };
    return std::visit(Size{}, m);
}

struct Encoder {
    Writer& w;
    std::size_t size;

    void operator()(const DataMsg& d) const {
        put_header(w, Type::data, size, d.dst_eid);
        if (!d.sdu.empty()) {
            std::memcpy(w.p, d.sdu.data(), d.sdu.size());
        }
    }
    void operator()(const FlowReqMsg& r) const {
        put_header(w, Type::flow_req, size, no_eid);
        w.u32(r.src_eid);
        w.hash(r.name);
        put_qos(w, r.qos);
        w.u8(static_cast<std::uint8_t>(r.src_name.size()));
        if (!r.src_name.empty()) {
            std::memcpy(w.p, r.src_name.data(), r.src_name.size());
            w.p += r.src_name.size();
        }
        if (!r.piggyback.empty()) {
            std::memcpy(w.p, r.piggyback.data(), r.piggyback.size());
        }
    }
    void operator()(const FlowReplyMsg& r) const {
        put_header(w, Type::flow_reply, size, r.dst_eid);
        w.u32(r.src_eid);
        w.u32(static_cast<std::uint32_t>(r.response));
    }
    void operator()(const FlowDeallocMsg& d) const {
        put_header(w, Type::flow_dealloc, size, d.dst_eid);
        w.u32(d.src_eid);
        w.u8(static_cast<std::uint8_t>(d.reason));
        w.zeros(3);
    }
    void operator()(const DeallocAckMsg& a) const {
        put_header(w, Type::dealloc_ack, size, a.dst_eid);
        w.u32(a.src_eid);
    }
    void operator()(const KeepaliveMsg& k) const {
        put_header(w, Type::keepalive, size, k.dst_eid);
        w.u32(k.src_eid);
        w.u8(k.flags);
        w.zeros(3);
        w.u32(k.token);
    }
    void operator()(const NameQueryMsg& q) const {
        put_header(w, Type::name_query, size, no_eid);
        w.u32(q.query_id);
        w.hash(q.name);
    }
    void operator()(const NameReplyMsg& q) const {
        put_header(w, Type::name_reply, size, no_eid);
        w.u32(q.query_id);
        w.hash(q.name);
    }
};

Decoded drop(DropReason r) {
    Decoded d;
    d.drop = r;
    return d;
}

Decoded ok(Message m) {
    Decoded d;
    d.msg = m;
    return d;
}

Decoded decode_body(Type type, Eid dst, std::span<const std::byte> msg) {
    Reader r{msg.data() + wire::header_size};
    const std::size_t len = msg.size();
    auto fixed = [&](std::size_t want) { return len == want; };

    switch (type) {
    case Type::data:
        if (dst == no_eid) {
            return drop(DropReason::bad_value);
        }
        return ok(DataMsg{dst, msg.subspan(wire::header_size)});
    case Type::flow_req: {
        if (len < wire::flow_req_size) {
            return drop(DropReason::too_short);
        }
        FlowReqMsg m;
        m.src_eid = r.u32();
        m.name = r.hash();
        if (!get_qos(r, m.qos) || dst != no_eid || m.src_eid == no_eid) {
            return drop(DropReason::bad_value);
        }
        const std::size_t name_len = r.u8();
        if (len < wire::flow_req_size + name_len) {
            return drop(DropReason::too_short);
        }
        m.src_name = {reinterpret_cast<const char*>(r.p), name_len};
        m.piggyback = msg.subspan(wire::flow_req_size + name_len);
        return ok(m);
    }
    case Type::flow_reply: {
        if (!fixed(wire::flow_reply_size)) {
            return drop(len < wire::flow_reply_size ? DropReason::too_short
                                                    : DropReason::bad_length);
        }
        FlowReplyMsg m;
        m.dst_eid = dst;
        m.src_eid = r.u32();
        m.response = static_cast<std::int32_t>(r.u32());
        if (dst == no_eid || m.response > 0 || (m.response == 0 && m.src_eid == no_eid)) {
            return drop(DropReason::bad_value);
        }
        return ok(m);
    }
    case Type::flow_dealloc: {
        if (!fixed(wire::flow_dealloc_size)) {
            return drop(len < wire::flow_dealloc_size ? DropReason::too_short
                                                      : DropReason::bad_length);
        }
        FlowDeallocMsg m;
        m.dst_eid = dst;
        m.src_eid = r.u32();
        const std::uint8_t reason = r.u8();
        const bool reserved_clear = r.u16() == 0 && r.u8() == 0;
        m.reason = static_cast<flow::DeallocReason>(reason);
        const bool reason_ok = reason >= 1 && reason <= flow::max_dealloc_reason;
        const bool dst_ok = dst != no_eid || m.reason == flow::DeallocReason::unknown_endpoint;
        if (!reserved_clear || !reason_ok || !dst_ok || m.src_eid == no_eid) {
            return drop(DropReason::bad_value);
        }
        return ok(m);
    }
    case Type::dealloc_ack: {
        if (!fixed(wire::dealloc_ack_size)) {
            return drop(len < wire::dealloc_ack_size ? DropReason::too_short
                                                     : DropReason::bad_length);
        }
        DeallocAckMsg m;
        m.dst_eid = dst;
        m.src_eid = r.u32();
        if (dst == no_eid || m.src_eid == no_eid) {
            return drop(DropReason::bad_value);
        }
        return ok(m);
    }
    case Type::keepalive: {
        if (!fixed(wire::keepalive_size)) {
            return drop(len < wire::keepalive_size ? DropReason::too_short
                                                   : DropReason::bad_length);
        }
        KeepaliveMsg m;
        m.dst_eid = dst;
        m.src_eid = r.u32();
        m.flags = r.u8();
        const bool reserved_clear = r.u16() == 0 && r.u8() == 0;
        m.token = r.u32();
        const bool both_echo = (m.flags & wire::keepalive_echo_request) != 0 &&
                               (m.flags & wire::keepalive_echo_reply) != 0;
        if (!reserved_clear || (m.flags & ~wire::keepalive_known_flags) != 0 || both_echo ||
            dst == no_eid || m.src_eid == no_eid) {
            return drop(DropReason::bad_value);
        }
        return ok(m);
    }
    case Type::name_query:
    case Type::name_reply: {
        if (!fixed(wire::name_query_size)) {
            return drop(len < wire::name_query_size ? DropReason::too_short
                                                    : DropReason::bad_length);
        }
        if (dst != no_eid) {
            return drop(DropReason::bad_value);
        }
        const std::uint32_t id = r.u32();
        const NameHash name = r.hash();
        if (type == Type::name_query) {
            return ok(NameQueryMsg{id, name});
        }
        return ok(NameReplyMsg{id, name});
    }
    }
    return drop(DropReason::bad_type);
}

}  // namespace

std::size_t CodecV1::data_header_size() const { return wire::header_size; }

bool CodecV1::write_data_header(std::span<std::byte> header, Eid dst,
                                std::size_t sdu_size) const {
    const std::size_t total = wire::header_size + sdu_size;
    if (header.size() < wire::header_size || total > wire::max_message_size) {
        return false;
    }
    Writer w{header.data()};
    put_header(w, Type::data, total, dst);
    return true;
}

std::size_t CodecV1::encode(const Message& m, std::span<std::byte> out) const {
    const std::size_t size = encoded_size(m);
    const auto* req = std::get_if<FlowReqMsg>(&m);
    if (size > out.size() || size > wire::max_message_size ||
        (req != nullptr && req->src_name.size() > wire::max_node_name)) {
        return 0;
    }
    Writer w{out.data()};
    std::visit(Encoder{w, size}, m);
    return size;
}

Decoded CodecV1::decode(std::span<const std::byte> in, bool padded) const {
    if (in.size() < wire::header_size) {
        return drop(DropReason::too_short);
    }
    Reader r{in.data()};
    const std::uint8_t version = r.u8();
    const std::uint8_t type = r.u8();
    const std::uint16_t length = r.u16();
    const Eid dst = r.u32();
    if (version != wire::version) {
        return drop(DropReason::bad_version);
    }
    if (type > wire::max_type) {
        return drop(DropReason::bad_type);
    }
    if (length < wire::header_size || length > in.size() || (!padded && length != in.size())) {
        return drop(DropReason::bad_length);
    }
    return decode_body(static_cast<Type>(type), dst, in.first(length));
}

std::string_view to_string(DropReason r) {
    switch (r) {
    case DropReason::too_short: return "too_short";
    case DropReason::bad_length: return "bad_length";
    case DropReason::bad_version: return "bad_version";
    case DropReason::bad_type: return "bad_type";
    case DropReason::bad_value: return "bad_value";
    case DropReason::unknown_endpoint: return "unknown_endpoint";
    case DropReason::wrong_peer: return "wrong_peer";
    case DropReason::not_allocated: return "not_allocated";
    case DropReason::no_buffer: return "no_buffer";
    case DropReason::too_big: return "too_big";
    case DropReason::auth_failed: return "auth_failed";
    case DropReason::replayed: return "replayed";
    case DropReason::unauthorized: return "unauthorized";
    case DropReason::not_encrypted: return "not_encrypted";
    case DropReason::overloaded: return "overloaded";
    case DropReason::count_: break;
    }
    return "none";
}

}  // namespace ogw::ipcp
