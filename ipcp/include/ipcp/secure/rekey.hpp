// SPDX-License-Identifier: BSD-3-Clause
// Rekeying a live flow (docs/security.md §6.1): the flow's initiator offers a fresh ephemeral
// key in a sealed REKEY message, the responder answers with its own; both derive the next
// session from the session the offer was sealed under and the ephemeral DH. Sans I/O.
#pragma once

#include <ipcp/secure/keys.hpp>
#include <ipcp/secure/session.hpp>

#include <cstdint>
#include <optional>
#include <span>

namespace ogw::ipcp::secure {

// The sealed message type that carries an offer or an answer (never sent in plain form).
inline constexpr std::uint8_t rekey_type = 8;

enum class RekeyKind : std::uint8_t { offer = 1, answer = 2 };

// Body (inside the seal): kind u8 | reserved u8[3] (0) | id u32 | ephemeral public key (32).
inline constexpr std::size_t rekey_body_size = 8 + key_size;                         // 40
inline constexpr std::size_t rekey_message_size =
    sealed_prefix_size + rekey_body_size + sealed_suffix_size;                         // 72

struct RekeyBody {
    RekeyKind kind = RekeyKind::offer;
    std::uint32_t id = 0;  // the offer's number; its answer repeats it
    PublicKey ephemeral;
};

std::optional<RekeyBody> parse_rekey(std::span<const std::byte> body);
void write_rekey(std::span<std::byte, rekey_body_size> out, const RekeyBody& b);

// The initiator's pending offer: the ephemeral key pair and the chain of the session in use.
class RekeyOffer {
public:
    RekeyOffer(Rng& rng, std::uint32_t id, const Session& current);
    RekeyBody body() const { return {RekeyKind::offer, id_, public_}; }
    std::uint32_t id() const { return id_; }
    // The next session from the answer's ephemeral key; nullopt for a small-order key. The
    // ephemeral private key is wiped either way.
    std::optional<Session> finish(const PublicKey& answer, Instant now,
                                  const SessionLimits& limits);

private:
    std::uint32_t id_;
    SecretKey secret_;
    PublicKey public_;
    RekeyChain chain_;
};

struct RekeyAnswer {
    PublicKey ephemeral;  // goes back in the answer
    Session session;      // the responder's next session
};

// The responder's side: `opened_under` is the session that opened the offer.
std::optional<RekeyAnswer> answer_rekey(Rng& rng, const Session& opened_under,
                                        const PublicKey& offer, Instant now,
                                        const SessionLimits& limits);

}  // namespace ogw::ipcp::secure
