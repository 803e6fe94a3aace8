// SPDX-License-Identifier: BSD-3-Clause
// The flow handshake (docs/security.md): a one-round-trip, Noise-IK-like exchange written for
// ogw on libsodium primitives (X25519, BLAKE2b, ChaCha20-Poly1305). The initiation rides as an
// extension at the end of FLOW_REQ, the response at the end of FLOW_REPLY. It gives mutual
// authentication by static keys, forward secrecy by ephemeral keys, one key per direction, and
// binds every clear byte of both messages (eids, name hash, qos, node name, response) into the
// keys. Initiations carry a timestamp that the responder remembers per peer key.
//
// Every function works on the caller's buffers: `message` is the whole FLOW_REQ / FLOW_REPLY,
// with its header already final (type | secure_type_flag, length = message.size()), and
// `ext_offset` is where the extension starts (after src_name, or after the reply's response).
// The bytes before the extension are the "context" that the handshake authenticates.
#pragma once

#include <flowlib/clock.hpp>
#include <ipcp/secure/cookie.hpp>
#include <ipcp/secure/keys.hpp>
#include <ipcp/secure/secure_error.hpp>
#include <ipcp/secure/session.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ogw::ipcp::secure {

using Hash = std::array<std::byte, hash_size>;
using Mac = std::array<std::byte, mac_size>;

// This node's static key pair, with the values derived from its public key.
class Identity {
public:
    explicit Identity(SecretKey secret);
    Identity(const Identity&) = delete;
    Identity& operator=(const Identity&) = delete;

    const PublicKey& public_key() const { return public_; }
    const SecretKey& secret() const { return secret_; }
    // Key of mac1 on handshake messages sent to this node.
    const Hash& mac1_key() const { return mac1_key_; }
    // Hash state after "<- s" for initiations sent to this node.
    const Hash& initial_hash() const { return initial_hash_; }

private:
    SecretKey secret_;
    PublicKey public_;
    Hash mac1_key_{};
    Hash initial_hash_{};
};

// How fresh an initiation must be. The responder compares the timestamp (Unix time in ns, as
// the initiator's clock says) with its own clock; max_age = 0 turns the comparison off, for
// hosts without synchronised clocks (then only the per-peer memory protects; see the docs).
struct FreshnessConfig {
    Duration max_age = std::chrono::seconds(120);
    Duration max_ahead = std::chrono::seconds(120);
    // Timestamps remembered per peer key; when full, the oldest is forgotten and everything up
    // to it is refused from then on.
    std::size_t remembered = 4096;
};

// Per peer key: which initiation timestamps were accepted.
class InitiationGuard {
public:
    SecureError check(std::uint64_t timestamp, std::uint64_t unix_ns,
                      const FreshnessConfig& cfg) const;
    void record(std::uint64_t timestamp, std::uint64_t unix_ns, const FreshnessConfig& cfg);
    std::size_t remembered() const { return seen_.size(); }

private:
    std::uint64_t floor_ = 0;            // everything <= floor_ is refused
    std::vector<std::uint64_t> seen_;    // accepted timestamps above floor_, sorted
};

// Strictly increasing initiation timestamps from this node: the wall clock, or one more than
// the last one if the clock did not move (or went back).
class InitiationClock {
public:
    std::uint64_t next(std::uint64_t unix_ns) {
        last_ = unix_ns > last_ ? unix_ns : last_ + 1;
        return last_;
    }

private:
    std::uint64_t last_ = 0;
};

struct PeerEntry {
    std::string name;
    PublicKey key;
    InitiationGuard guard;
};

// The allow-list (`peer-key = NAME BASE64`). A key belongs to one name; a name may have several
// keys (key rollover).
class PeerTable {
public:
    // False if the key is listed already, or is not a usable X25519 public key (small order).
    bool add(std::string name, const PublicKey& key);
    bool remove(const PublicKey& key);
    const PeerEntry* find(const PublicKey& key) const;
    PeerEntry* find(const PublicKey& key);
    // The first key listed for `name`: the responder key an initiator uses for that node.
    const PublicKey* key_of(std::string_view name) const;
    std::size_t size() const { return entries_.size(); }

private:
    std::vector<PeerEntry> entries_;
    std::unordered_map<PublicKey, std::size_t, PublicKeyHasher> index_;
};

// The allocating end of one handshake. Keep it in the flow record until the reply arrives.
class InitiatorHandshake {
public:
    InitiatorHandshake() = default;

    // Writes the initiation into message[ext_offset, end), which must be exactly
    // initiation_size(early_data.size()) bytes. early_data (the flow's first SDU) is copied
    // into place and encrypted; it may already be there. `timestamp` comes from an
    // InitiationClock. Draws the ephemeral key from `rng`.
    SecureError create(const Identity& self, const PublicKey& responder, std::uint64_t timestamp,
                       Rng& rng, std::span<std::byte> message, std::size_t ext_offset,
                       std::span<const std::byte> early_data = {});

    // After a cookie reply: rewrites mac2 of the stored initiation so that a retransmission
    // passes the responder's load check. The other bytes stay as they are.
    void restamp(Instant now, std::span<std::byte> message) const;

    // The responder's cookie from a cookie reply, and when it came: an engine hands it on to
    // the next handshakes with the same responder address (adopt_cookie, then restamp), so
    // that under load only the first flow waits a round trip for it.
    std::optional<std::pair<Mac, Instant>> cookie() const;
    void adopt_cookie(const Mac& cookie, Instant received);

    struct Reply {
        SecureError error = SecureError::malformed;
        ExtKind kind = ExtKind::response;
        // kind response: this end's keys. Use them only if the reply's response code is 0.
        std::optional<Session> session;
        bool ok() const { return error == SecureError::ok; }
    };
    // Consumes the extension of a FLOW_REPLY (for this handshake's eid). On ok:
    // - response: the responder proved its key and bound the reply's fields; done.
    // - refusal: unauthenticated, but the sender saw our initiation (it echoes its mac1); done.
    // - cookie: the responder is under load; restamp() and retransmit. Still pending.
    // Anything else leaves the handshake as it was.
    Reply consume_reply(const Identity& self, Instant now, std::span<const std::byte> reply,
                        std::size_t ext_offset, const SessionLimits& limits = {});

    bool pending() const { return state_ == State::sent; }
    bool done() const { return state_ == State::done; }
    const PublicKey& responder() const { return responder_; }
    // The transcript hash once done (channel binding, tests).
    const Hash& handshake_hash() const { return hash_; }

private:
    enum class State : std::uint8_t { idle, sent, done };

    State state_ = State::idle;
    PublicKey responder_;
    SecretKey ephemeral_;
    PublicKey ephemeral_public_;
    SecretKey chaining_;
    Hash hash_{};
    Mac mac1_{};
    std::size_t mac2_offset_ = 0;
    std::optional<Mac> cookie_;
    Instant cookie_received_{};
};

// The accepting end of one handshake, from a successful consume_initiation until the
// FLOW_REPLY is written (the owner may accept later).
class ResponderHandshake {
public:
    struct Result {
        SecureError error = SecureError::malformed;
        std::optional<Session> session;  // this end's keys
        bool ok() const { return error == SecureError::ok; }
    };
    // Writes the response into reply[ext_offset, end), which must be exactly response_size
    // bytes. Use it for an acceptance (keep the session) and for a refusal decided after the
    // initiator was authenticated (drop it). Single use.
    Result create_response(Rng& rng, Instant now, std::span<std::byte> reply,
                           std::size_t ext_offset, const SessionLimits& limits = {});

    const PublicKey& peer_key() const { return peer_; }

private:
    friend class Responder;
    SecretKey chaining_;
    Hash hash_{};
    PublicKey peer_;
    PublicKey peer_ephemeral_;
    bool used_ = false;
};

// The accepting side of a node: checks initiations against the allow-list and the replay
// memory, and answers under load with cookies.
class Responder {
public:
    Responder(const Identity& self, PeerTable& peers, Rng& rng, FreshnessConfig cfg = {});

    struct Initiation {
        SecureError error = SecureError::malformed;
        PublicKey peer_key;                // the key presented (set from unknown_key on)
        const PeerEntry* peer = nullptr;   // ok: the allowed peer
        std::span<std::byte> early_data;   // ok: the first SDU, decrypted in place
        std::uint64_t timestamp = 0;
        std::optional<ResponderHandshake> handshake;  // ok
        bool ok() const { return error == SecureError::ok; }
    };
    // Consumes a FLOW_REQ's initiation. Cheap checks (sizes, mac1, mac2 when under_load) come
    // before any X25519 operation; the replay memory changes only when the result is ok.
    // `claimed_name` is the request's src_name; it must be the name the key is listed under.
    // `source` is the underlay address (cookies are bound to it). The message is modified
    // (early data decrypted in place).
    Initiation consume_initiation(Instant now, std::uint64_t unix_ns,
                                  std::span<std::byte> message, std::size_t ext_offset,
                                  std::string_view claimed_name,
                                  std::span<const std::byte> source = {},
                                  bool under_load = false);

    // The FLOW_REPLY extension for a request refused with cookie_required: reply[ext_offset,
    // end) must be exactly cookie_reply_size bytes.
    SecureError create_cookie_reply(Instant now, std::span<const std::byte> request,
                                    std::span<const std::byte> source,
                                    std::span<std::byte> reply, std::size_t ext_offset);

    // The FLOW_REPLY extension for a request refused before authentication (unknown key, bad
    // mac1, ...): echoes the request's mac1. reply[ext_offset, end) must be refusal_size bytes.
    static SecureError create_refusal(std::span<const std::byte> request,
                                      std::span<std::byte> reply, std::size_t ext_offset);

    const FreshnessConfig& freshness() const { return cfg_; }

private:
    const Identity& self_;
    PeerTable& peers_;
    Rng& rng_;
    FreshnessConfig cfg_;
    CookieChecker cookies_;
};

// Whether a FLOW_REQ's extension at ext_offset is an initiation of plausible size, and the
// digest of its bytes without mac2: equal digests mean a retransmission of one initiation
// (the engine answers those from its cached reply without running the handshake again).
std::optional<Hash> initiation_digest(std::span<const std::byte> message, std::size_t ext_offset);

// The extension kind at ext_offset, if the bytes there form a well-sized extension of a known
// kind with zero reserved bytes.
std::optional<ExtKind> extension_kind(std::span<const std::byte> message, std::size_t ext_offset);

}  // namespace ogw::ipcp::secure
