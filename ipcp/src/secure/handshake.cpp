// SPDX-License-Identifier: BSD-3-Clause
// The handshake of docs/security.md, step by step. Notation as in primitives.hpp.
//
// Initiation (initiator i, responder r; s static, e ephemeral, S / E their public keys):
//   ck = HASH(construction)                  h = HASH(ck | S_r)
//   h = HASH(h | context | ext header)       h = HASH(h | E_i)
//   ck, k = KDF2(ck, DH(e_i, S_r))           static  = AEAD(k, 0, S_i, h);  h = HASH(h | static)
//   ck, k = KDF2(ck, DH(s_i, S_r))           payload = AEAD(k, 0, ts | early, h)
//                                            h = HASH(h | payload)
//   mac1 = MAC(HASH("ogw mac1" | S_r), everything before mac1)
//   mac2 = MAC(cookie, everything before mac2), or zeros
// Response:
//   h = HASH(h | context | ext header)       h = HASH(h | E_r)
//   ck, k = KDF2(ck, DH(e_r, E_i))           ck, k = KDF2(ck, DH(e_r, S_i))
//   confirm = AEAD(k, 0, "", h);             h = HASH(h | confirm)
//   mac1 = MAC(HASH("ogw mac1" | S_i), everything before mac1)
//   initiator-to-responder key, responder-to-initiator key = KDF2(ck, "")
#include <ipcp/secure/handshake.hpp>

#include "primitives.hpp"

#include <flowlib/bytes.hpp>

#include <algorithm>
#include <cstring>

namespace ogw::ipcp::secure {

using detail::as_bytes;
using detail::Bytes;

namespace {

constexpr std::string_view construction =
    "ogw handshake v1: X25519, ChaCha20-Poly1305, BLAKE2b";
constexpr std::string_view mac1_label = "ogw mac1";

const Hash& initial_chaining_key() {
    static const Hash ck = detail::hash({as_bytes(construction)});
    return ck;
}

Hash initial_hash_for(const PublicKey& responder) {
    return detail::hash({initial_chaining_key(), responder.bytes});
}

Hash mac1_key_for(const PublicKey& receiver) {
    return detail::hash({as_bytes(mac1_label), receiver.bytes});
}

Mac mac_of(Bytes key, Bytes covered) {
    Mac m{};
    detail::blake2b(m, key, {covered});
    return m;
}

void mix_hash(Hash& h, Bytes data) { h = detail::hash({h, data}); }

// ck, k = KDF2(ck, DH(secret, pub)). False on a small-order public key.
bool mix_dh(SecretKey& ck, SecretKey& k, const SecretKey& secret, const PublicKey& pub) {
    Secret<32> shared;
    if (!detail::dh(shared.bytes(), secret, pub)) {
        return false;
    }
    SecretKey next_ck;
    detail::kdf2(ck.bytes(), shared.bytes(), next_ck.bytes(), k.bytes());
    ck = std::move(next_ck);
    return true;
}

SecretKey copy_of(const SecretKey& k) { return SecretKey::from(k.bytes()); }

bool reserved_zero(Bytes ext) {
    return ext[1] == std::byte{0} && ext[2] == std::byte{0} && ext[3] == std::byte{0};
}

void write_ext_header(std::span<std::byte> ext, ExtKind kind) {
    ext[0] = static_cast<std::byte>(kind);
    ext[1] = ext[2] = ext[3] = std::byte{0};
}

std::uint64_t to_ns(Duration d) {
    return d.count() <= 0 ? 0 : static_cast<std::uint64_t>(d.count());
}

}  // namespace

// ------------------------------------------------------------------------------- Identity

Identity::Identity(SecretKey secret)
    : secret_(std::move(secret)), public_(public_key_of(secret_)),
      mac1_key_(mac1_key_for(public_)), initial_hash_(initial_hash_for(public_)) {}

// ------------------------------------------------------------------------ InitiationGuard

SecureError InitiationGuard::check(std::uint64_t timestamp, std::uint64_t unix_ns,
                                   const FreshnessConfig& cfg) const {
    const std::uint64_t max_age = to_ns(cfg.max_age);
    if (max_age != 0) {
        if (timestamp < unix_ns && unix_ns - timestamp > max_age) {
            return SecureError::stale;
        }
        if (timestamp > unix_ns && timestamp - unix_ns > to_ns(cfg.max_ahead)) {
            return SecureError::stale;
        }
    }
    if (timestamp <= floor_ || std::binary_search(seen_.begin(), seen_.end(), timestamp)) {
        return SecureError::replay;
    }
    return SecureError::ok;
}

void InitiationGuard::record(std::uint64_t timestamp, std::uint64_t unix_ns,
                             const FreshnessConfig& cfg) {
    seen_.insert(std::upper_bound(seen_.begin(), seen_.end(), timestamp), timestamp);
    // What the freshness check refuses anyway need not be remembered.
    const std::uint64_t max_age = to_ns(cfg.max_age);
    if (max_age != 0 && unix_ns > max_age) {
        const auto old = std::upper_bound(seen_.begin(), seen_.end(), unix_ns - max_age - 1);
        if (old != seen_.begin()) {
            floor_ = std::max(floor_, *(old - 1));
            seen_.erase(seen_.begin(), old);
        }
    }
    const std::size_t cap = std::max<std::size_t>(cfg.remembered, 1);
    if (seen_.size() > cap) {
        const auto cut = seen_.begin() + static_cast<std::ptrdiff_t>(seen_.size() - cap);
        floor_ = std::max(floor_, *(cut - 1));
        seen_.erase(seen_.begin(), cut);
    }
}

// ------------------------------------------------------------------------------ PeerTable

bool PeerTable::add(std::string name, const PublicKey& key) {
    if (index_.contains(key)) {
        return false;
    }
    // A small-order point gives an all-zero DH result with any scalar: never a usable key.
    static const SecretKey probe = [] {
        SecretKey k;
        k.bytes()[0] = std::byte{0x08};
        k.bytes()[31] = std::byte{0x40};
        return k;
    }();
    Secret<32> shared;
    if (!detail::dh(shared.bytes(), probe, key)) {
        return false;
    }
    index_.emplace(key, entries_.size());
    entries_.push_back(PeerEntry{std::move(name), key, {}});
    return true;
}

bool PeerTable::remove(const PublicKey& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
        return false;
    }
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
    index_.clear();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        index_.emplace(entries_[i].key, i);
    }
    return true;
}

const PeerEntry* PeerTable::find(const PublicKey& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second];
}

PeerEntry* PeerTable::find(const PublicKey& key) {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second];
}

const PublicKey* PeerTable::key_of(std::string_view name) const {
    for (const PeerEntry& e : entries_) {
        if (e.name == name) {
            return &e.key;
        }
    }
    return nullptr;
}

// ----------------------------------------------------------------------- helpers on bytes

std::optional<ExtKind> extension_kind(std::span<const std::byte> message, std::size_t ext_offset) {
    if (ext_offset < clear_header_size || message.size() < ext_offset + ext_header_size) {
        return std::nullopt;
    }
    const Bytes ext = message.subspan(ext_offset);
    if (!reserved_zero(ext)) {
        return std::nullopt;
    }
    switch (static_cast<ExtKind>(ext[0])) {
    case ExtKind::initiation:
        if (ext.size() >= initiation_fixed_size) {
            return ExtKind::initiation;
        }
        break;
    case ExtKind::response:
        if (ext.size() == response_size) {
            return ExtKind::response;
        }
        break;
    case ExtKind::refusal:
        if (ext.size() == refusal_size) {
            return ExtKind::refusal;
        }
        break;
    case ExtKind::cookie:
        if (ext.size() == cookie_reply_size) {
            return ExtKind::cookie;
        }
        break;
    }
    return std::nullopt;
}

std::optional<Hash> initiation_digest(std::span<const std::byte> message, std::size_t ext_offset) {
    if (extension_kind(message, ext_offset) != ExtKind::initiation) {
        return std::nullopt;
    }
    return detail::hash({message.first(message.size() - mac_size)});
}

// --------------------------------------------------------------------- InitiatorHandshake

SecureError InitiatorHandshake::create(const Identity& self, const PublicKey& responder,
                                       std::uint64_t timestamp, Rng& rng,
                                       std::span<std::byte> message, std::size_t ext_offset,
                                       std::span<const std::byte> early_data) {
    if (ext_offset < clear_header_size ||
        message.size() != ext_offset + initiation_size(early_data.size())) {
        return SecureError::buffer_too_small;
    }
    const std::span<std::byte> ext = message.subspan(ext_offset);
    write_ext_header(ext, ExtKind::initiation);

    SecretKey ephemeral = generate_secret(rng);
    const PublicKey ephemeral_public = public_key_of(ephemeral);
    SecretKey ck = SecretKey::from(initial_chaining_key());
    SecretKey k;
    Hash h = initial_hash_for(responder);
    mix_hash(h, message.first(ext_offset + ext_header_size));
    std::memcpy(ext.data() + init_ephemeral_offset, ephemeral_public.bytes.data(), key_size);
    mix_hash(h, ephemeral_public.bytes);

    if (!mix_dh(ck, k, ephemeral, responder)) {
        return SecureError::bad_key;
    }
    const std::span<std::byte> stat = ext.subspan(init_static_offset, key_size + tag_size);
    std::memcpy(stat.data(), self.public_key().bytes.data(), key_size);
    detail::aead_seal(k.bytes(), 0, stat.first(key_size), stat.subspan(key_size).first<tag_size>(),
                      h);
    mix_hash(h, stat);

    if (!mix_dh(ck, k, self.secret(), responder)) {
        return SecureError::bad_key;
    }
    const std::size_t payload_size = timestamp_size + early_data.size();
    const std::span<std::byte> payload = ext.subspan(init_payload_offset, payload_size + tag_size);
    be::store64(payload.data(), timestamp);
    if (!early_data.empty()) {
        std::memmove(payload.data() + timestamp_size, early_data.data(), early_data.size());
    }
    detail::aead_seal(k.bytes(), 0, payload.first(payload_size),
                      payload.subspan(payload_size).first<tag_size>(), h);
    mix_hash(h, payload);

    const std::size_t mac1_at = message.size() - 2 * mac_size;
    const Hash mac1_key = mac1_key_for(responder);
    mac1_ = mac_of(mac1_key, message.first(mac1_at));
    std::memcpy(message.data() + mac1_at, mac1_.data(), mac_size);
    std::memset(message.data() + mac1_at + mac_size, 0, mac_size);

    state_ = State::sent;
    responder_ = responder;
    ephemeral_ = std::move(ephemeral);
    ephemeral_public_ = ephemeral_public;
    chaining_ = std::move(ck);
    hash_ = h;
    mac2_offset_ = mac1_at + mac_size;
    cookie_.reset();
    return SecureError::ok;
}

std::optional<std::pair<Mac, Instant>> InitiatorHandshake::cookie() const {
    if (!cookie_) {
        return std::nullopt;
    }
    return std::pair{*cookie_, cookie_received_};
}

void InitiatorHandshake::adopt_cookie(const Mac& cookie, Instant received) {
    cookie_ = cookie;
    cookie_received_ = received;
}

void InitiatorHandshake::restamp(Instant now, std::span<std::byte> message) const {
    if (state_ != State::sent || message.size() != mac2_offset_ + mac_size) {
        return;
    }
    // Use a cookie only while the responder still honours it (less a margin for the trip).
    if (!cookie_ || now - cookie_received_ >= cookie_lifetime - std::chrono::seconds(10)) {
        std::memset(message.data() + mac2_offset_, 0, mac_size);
        return;
    }
    const Mac mac2 = mac_of(*cookie_, message.first(mac2_offset_));
    std::memcpy(message.data() + mac2_offset_, mac2.data(), mac_size);
}

InitiatorHandshake::Reply InitiatorHandshake::consume_reply(const Identity& self, Instant now,
                                                            std::span<const std::byte> reply,
                                                            std::size_t ext_offset,
                                                            const SessionLimits& limits) {
    Reply out;
    const std::optional<ExtKind> kind = extension_kind(reply, ext_offset);
    if (!kind || *kind == ExtKind::initiation) {
        out.error = SecureError::malformed;
        return out;
    }
    out.kind = *kind;
    if (state_ != State::sent) {
        out.error = SecureError::no_session;
        return out;
    }
    const Bytes ext = reply.subspan(ext_offset);

    if (*kind == ExtKind::refusal) {
        if (!detail::equal(ext.subspan(ext_header_size, mac_size), mac1_)) {
            out.error = SecureError::bad_mac;
            return out;
        }
        state_ = State::done;
        ephemeral_.wipe();
        chaining_.wipe();
        out.error = SecureError::ok;
        return out;
    }

    if (*kind == ExtKind::cookie) {
        const auto box_key = cookie_box_key(responder_);
        Mac cookie{};
        const Bytes nonce = ext.subspan(cookie_nonce_offset, cookie_nonce_size);
        const Bytes box = ext.subspan(cookie_box_offset, mac_size + tag_size);
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                detail::uc(cookie.data()), nullptr, nullptr, detail::uc(box.data()), box.size(),
                detail::uc(mac1_.data()), mac1_.size(), detail::uc(nonce.data()),
                detail::uc(box_key.data())) != 0) {
            out.error = SecureError::bad_mac;
            return out;
        }
        cookie_ = cookie;
        cookie_received_ = now;
        out.error = SecureError::ok;
        return out;
    }

    // A response.
    const std::size_t mac1_at = ext_offset + resp_mac1_offset;
    if (!detail::equal(mac_of(self.mac1_key(), reply.first(mac1_at)),
                       reply.subspan(mac1_at, mac_size))) {
        out.error = SecureError::bad_mac1;
        return out;
    }
    const PublicKey responder_ephemeral =
        PublicKey::from(ext.subspan(resp_ephemeral_offset).first<key_size>());
    Hash h = hash_;
    mix_hash(h, reply.first(ext_offset + ext_header_size));
    mix_hash(h, responder_ephemeral.bytes);
    SecretKey ck = copy_of(chaining_);
    SecretKey k;
    if (!mix_dh(ck, k, ephemeral_, responder_ephemeral) ||
        !mix_dh(ck, k, self.secret(), responder_ephemeral)) {
        out.error = SecureError::bad_key;
        return out;
    }
    std::array<std::byte, tag_size> confirm{};
    std::memcpy(confirm.data(), ext.data() + resp_confirm_offset, tag_size);
    std::array<std::byte, 1> nothing{};
    if (!detail::aead_open(k.bytes(), 0, std::span<std::byte>(nothing).first(0), confirm, h)) {
        out.error = SecureError::bad_mac;
        return out;
    }
    mix_hash(h, confirm);

    SecretKey to_responder;
    SecretKey to_initiator;
    detail::kdf2(ck.bytes(), {}, to_responder.bytes(), to_initiator.bytes());
    out.session.emplace(std::move(to_responder), std::move(to_initiator), now, limits);
    state_ = State::done;
    hash_ = h;
    ephemeral_.wipe();
    chaining_.wipe();
    out.error = SecureError::ok;
    return out;
}

// --------------------------------------------------------------------- ResponderHandshake

ResponderHandshake::Result ResponderHandshake::create_response(Rng& rng, Instant now,
                                                               std::span<std::byte> reply,
                                                               std::size_t ext_offset,
                                                               const SessionLimits& limits) {
    Result out;
    if (used_) {
        out.error = SecureError::no_session;
        return out;
    }
    if (ext_offset < clear_header_size || reply.size() != ext_offset + response_size) {
        out.error = SecureError::buffer_too_small;
        return out;
    }
    const std::span<std::byte> ext = reply.subspan(ext_offset);
    write_ext_header(ext, ExtKind::response);
    SecretKey ephemeral = generate_secret(rng);
    const PublicKey ephemeral_public = public_key_of(ephemeral);
    std::memcpy(ext.data() + resp_ephemeral_offset, ephemeral_public.bytes.data(), key_size);

    Hash h = hash_;
    mix_hash(h, reply.first(ext_offset + ext_header_size));
    mix_hash(h, ephemeral_public.bytes);
    SecretKey ck = copy_of(chaining_);
    SecretKey k;
    if (!mix_dh(ck, k, ephemeral, peer_ephemeral_) || !mix_dh(ck, k, ephemeral, peer_)) {
        out.error = SecureError::bad_key;
        return out;
    }
    const std::span<std::byte, tag_size> confirm =
        ext.subspan(resp_confirm_offset).first<tag_size>();
    detail::aead_seal(k.bytes(), 0, confirm.first(0), confirm, h);
    mix_hash(h, confirm);

    const std::size_t mac1_at = ext_offset + resp_mac1_offset;
    const Mac mac1 = mac_of(mac1_key_for(peer_), reply.first(mac1_at));
    std::memcpy(reply.data() + mac1_at, mac1.data(), mac_size);

    SecretKey to_responder;
    SecretKey to_initiator;
    detail::kdf2(ck.bytes(), {}, to_responder.bytes(), to_initiator.bytes());
    out.session.emplace(std::move(to_initiator), std::move(to_responder), now, limits);
    used_ = true;
    chaining_.wipe();
    hash_ = h;
    out.error = SecureError::ok;
    return out;
}

// ------------------------------------------------------------------------------ Responder

Responder::Responder(const Identity& self, PeerTable& peers, Rng& rng, FreshnessConfig cfg)
    : self_(self), peers_(peers), rng_(rng), cfg_(cfg), cookies_(self.public_key()) {
    ensure_sodium();
}

Responder::Initiation Responder::consume_initiation(Instant now, std::uint64_t unix_ns,
                                                    std::span<std::byte> message,
                                                    std::size_t ext_offset,
                                                    std::string_view claimed_name,
                                                    std::span<const std::byte> source,
                                                    bool under_load) {
    Initiation out;
    if (extension_kind(message, ext_offset) != ExtKind::initiation) {
        out.error = SecureError::malformed;
        return out;
    }
    // Cheap checks first: nothing below runs X25519 for a sender that does not know our key
    // (mac1), nor, under load, for one that cannot receive at its source address (mac2).
    const std::size_t mac1_at = message.size() - 2 * mac_size;
    const std::size_t mac2_at = mac1_at + mac_size;
    if (!detail::equal(mac_of(self_.mac1_key(), message.first(mac1_at)),
                       message.subspan(mac1_at, mac_size))) {
        out.error = SecureError::bad_mac1;
        return out;
    }
    if (under_load && !cookies_.mac2_valid(now, message.first(mac2_at),
                                           message.subspan(mac2_at).first<mac_size>(), source)) {
        out.error = SecureError::cookie_required;
        return out;
    }

    const std::span<std::byte> ext = message.subspan(ext_offset, mac1_at - ext_offset);
    Hash h = self_.initial_hash();
    mix_hash(h, message.first(ext_offset + ext_header_size));
    const PublicKey initiator_ephemeral = PublicKey::from(
        std::span<const std::byte>(ext).subspan(init_ephemeral_offset).first<key_size>());
    mix_hash(h, initiator_ephemeral.bytes);

    SecretKey ck = SecretKey::from(initial_chaining_key());
    SecretKey k;
    if (!mix_dh(ck, k, self_.secret(), initiator_ephemeral)) {
        out.error = SecureError::bad_key;
        return out;
    }
    const std::span<std::byte> stat = ext.subspan(init_static_offset, key_size + tag_size);
    const Hash h_static = detail::hash({h, stat});
    std::array<std::byte, key_size> static_plain{};
    std::memcpy(static_plain.data(), stat.data(), key_size);
    if (!detail::aead_open(k.bytes(), 0, static_plain,
                           std::span<const std::byte>(stat).subspan(key_size).first<tag_size>(),
                           h)) {
        out.error = SecureError::bad_mac;
        return out;
    }
    h = h_static;
    out.peer_key = PublicKey::from(std::span<const std::byte, key_size>(static_plain));
    PeerEntry* peer = peers_.find(out.peer_key);
    if (peer == nullptr) {
        out.error = SecureError::unknown_key;
        return out;
    }

    if (!mix_dh(ck, k, self_.secret(), out.peer_key)) {
        out.error = SecureError::bad_key;
        return out;
    }
    const std::span<std::byte> payload = ext.subspan(init_payload_offset);
    const std::size_t payload_size = payload.size() - tag_size;
    const Hash h_payload = detail::hash({h, payload});
    if (!detail::aead_open(
            k.bytes(), 0, payload.first(payload_size),
            std::span<const std::byte>(payload).subspan(payload_size).first<tag_size>(), h)) {
        out.error = SecureError::bad_mac;
        return out;
    }
    h = h_payload;

    // Authenticated. Now the policy checks, and only then the replay memory.
    if (peer->name != claimed_name) {
        out.error = SecureError::name_mismatch;
        return out;
    }
    out.timestamp = be::load64(payload.data());
    if (const SecureError e = peer->guard.check(out.timestamp, unix_ns, cfg_);
        e != SecureError::ok) {
        out.error = e;
        return out;
    }
    peer->guard.record(out.timestamp, unix_ns, cfg_);

    out.peer = peer;
    out.early_data = payload.subspan(timestamp_size, payload_size - timestamp_size);
    ResponderHandshake& hs = out.handshake.emplace();
    hs.chaining_ = std::move(ck);
    hs.hash_ = h;
    hs.peer_ = out.peer_key;
    hs.peer_ephemeral_ = initiator_ephemeral;
    out.error = SecureError::ok;
    return out;
}

SecureError Responder::create_cookie_reply(Instant now, std::span<const std::byte> request,
                                           std::span<const std::byte> source,
                                           std::span<std::byte> reply, std::size_t ext_offset) {
    if (request.size() < initiation_fixed_size + clear_header_size) {
        return SecureError::malformed;
    }
    if (ext_offset < clear_header_size || reply.size() != ext_offset + cookie_reply_size) {
        return SecureError::buffer_too_small;
    }
    const std::span<std::byte> ext = reply.subspan(ext_offset);
    write_ext_header(ext, ExtKind::cookie);
    const auto mac1 = request.subspan(request.size() - 2 * mac_size).first<mac_size>();
    return cookies_.make_reply(now, rng_, mac1, source, ext.subspan(cookie_nonce_offset));
}

SecureError Responder::create_refusal(std::span<const std::byte> request,
                                      std::span<std::byte> reply, std::size_t ext_offset) {
    if (request.size() < initiation_fixed_size + clear_header_size) {
        return SecureError::malformed;
    }
    if (ext_offset < clear_header_size || reply.size() != ext_offset + refusal_size) {
        return SecureError::buffer_too_small;
    }
    const std::span<std::byte> ext = reply.subspan(ext_offset);
    write_ext_header(ext, ExtKind::refusal);
    std::memcpy(ext.data() + ext_header_size, request.data() + request.size() - 2 * mac_size,
                mac_size);
    return SecureError::ok;
}

}  // namespace ogw::ipcp::secure
