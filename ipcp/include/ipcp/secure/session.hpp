// SPDX-License-Identifier: BSD-3-Clause
// Transport keys of one flow after the handshake: seal and open in place, per-direction
// counters as nonces, the sliding replay window, and the limits after which a key must not be
// used any more. Sans I/O: time is passed in, nothing allocates.
//
// A sealed message, in the caller's buffer (docs/security.md):
//   [0, 8)            v1 header, written by the caller with type | 0x80 and the final length
//   [8, 16)           counter field: key phase (bit 63) | counter (bits 0..62), big-endian
//   [16, size - 16)   plaintext in, ciphertext out (in place)
//   [size - 16, size) Poly1305 tag
// Associated data: bytes [0, 16). Nonce: 4 zero bytes | counter, 64-bit little-endian.
#pragma once

#include <flowlib/clock.hpp>
#include <ipcp/secure/keys.hpp>
#include <ipcp/secure/replay_window.hpp>
#include <ipcp/secure/secure_error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

namespace ogw::ipcp::secure {

struct SessionLimits {
    // Ask for a new handshake after this many messages sent, or this old.
    std::uint64_t rekey_after_messages = 1ULL << 60;
    Duration rekey_after_time = std::chrono::seconds(120);
    // Never seal (and never accept) past these: the counter space is 63 bits, minus a margin
    // for the replay window.
    std::uint64_t reject_after_messages = counter_value_mask - (1ULL << 13);
    Duration reject_after_time = std::chrono::seconds(180);
};

struct SealResult {
    SecureError error = SecureError::ok;  // ok, buffer_too_small or rekey_needed
    bool rekey_due = false;               // sealed, but start a new handshake soon
    bool ok() const { return error == SecureError::ok; }
};

struct OpenResult {
    SecureError error = SecureError::ok;
    std::span<std::byte> plaintext;       // inside the caller's buffer
    std::uint64_t counter = 0;
    bool ok() const { return error == SecureError::ok; }
};

// What a rekey derives the next session from (docs/security.md §6.1):
// HASH("ogw rekey" | k_i2r | k_r2i) of the session in use.
using RekeyChain = Secret<hash_size>;

// The key phase of a sealed message (bit 63 of its counter field), or nullopt if too short.
std::optional<bool> sealed_phase(std::span<const std::byte> frame);

class Session {
public:
    // send_key / recv_key: this end's transmit and receive keys.
    Session(SecretKey send_key, SecretKey recv_key, Instant created, SessionLimits limits,
            bool phase = false);

    // Seals `frame` in place (layout above). The caller has written the header.
    SealResult seal(Instant now, std::span<std::byte> frame);
    // Authenticates and decrypts `frame` in place, then checks and updates the replay window.
    // Nothing changes unless the result is ok. On failure the frame's bytes are undefined.
    OpenResult open(Instant now, std::span<std::byte> frame);

    // The soft limits: time to start a new handshake.
    bool rekey_due(Instant now) const;
    // The hard limits: this key may no longer seal (send) / open (receive).
    bool send_exhausted(Instant now) const;
    bool expired(Instant now) const;

    // `initiator`: this end allocated the flow (its send key is k_i2r).
    RekeyChain rekey_chain(bool initiator) const;

    bool phase() const { return phase_; }
    void set_phase(bool p) { phase_ = p; }
    Instant created() const { return created_; }
    std::uint64_t messages_sent() const { return send_counter_; }
    const ReplayWindow& replay_window() const { return window_; }
    const SessionLimits& limits() const { return limits_; }

private:
    SecretKey send_key_;
    SecretKey recv_key_;
    Instant created_;
    SessionLimits limits_;
    std::uint64_t send_counter_ = 0;
    ReplayWindow window_;
    bool phase_ = false;
};

// The sessions of one flow across rekeys, selected by the key phase bit (WireGuard's
// current / previous / next key pairs, with a phase bit instead of a receiver index):
// - install_confirmed(): the initiator's new session, confirmed by the handshake response,
//   becomes current at once; the old current stays as previous, for packets still in flight.
// - install_unconfirmed(): the responder's new session during a rekey becomes next; this end
//   keeps sealing with current until the peer is seen using next, which then becomes current.
//   (The first session of a flow has nothing to replace and is current at once.)
// A new session takes the phase opposite to current's.
class KeyRing {
public:
    void install_confirmed(Session s);
    void install_unconfirmed(Session s);
    void clear();

    SealResult seal(Instant now, std::span<std::byte> frame);
    OpenResult open(Instant now, std::span<std::byte> frame);

    bool has_current() const { return current_.has_value(); }
    bool rekey_due(Instant now) const;
    const Session* current() const { return current_ ? &*current_ : nullptr; }
    const Session* previous() const { return previous_ ? &*previous_ : nullptr; }
    const Session* next() const { return next_ ? &*next_ : nullptr; }
    // The session that seals with key phase `phase`, if any.
    const Session* with_phase(bool phase) const;

private:
    bool next_phase() const { return current_ ? !current_->phase() : false; }

    std::optional<Session> current_;
    std::optional<Session> previous_;
    std::optional<Session> next_;
};

}  // namespace ogw::ipcp::secure
