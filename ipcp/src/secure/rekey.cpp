// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/rekey.hpp>

#include "primitives.hpp"

#include <flowlib/bytes.hpp>

#include <cstring>

namespace ogw::ipcp::secure {

namespace {

constexpr std::size_t id_offset = 4;
constexpr std::size_t ephemeral_offset = 8;

// k_i2r, k_r2i = KDF2(chain, DH(e, E) | E_i | E_r), as (send, recv) for the given end.
std::optional<Session> derive(const RekeyChain& chain, const SecretKey& own,
                              const PublicKey& peer, const PublicKey& offer,
                              const PublicKey& answer, bool initiator, Instant now,
                              const SessionLimits& limits) {
    std::array<std::byte, key_size> shared{};
    if (!detail::dh(shared, own, peer)) {
        return std::nullopt;
    }
    std::array<std::byte, key_size * 3> ikm{};
    std::memcpy(ikm.data(), shared.data(), key_size);
    std::memcpy(ikm.data() + key_size, offer.bytes.data(), key_size);
    std::memcpy(ikm.data() + 2 * key_size, answer.bytes.data(), key_size);
    SecretKey i2r;
    SecretKey r2i;
    detail::kdf2(chain.bytes(), ikm, i2r.bytes(), r2i.bytes());
    secure_wipe(shared.data(), shared.size());
    secure_wipe(ikm.data(), ikm.size());
    if (initiator) {
        return Session(std::move(i2r), std::move(r2i), now, limits);
    }
    return Session(std::move(r2i), std::move(i2r), now, limits);
}

}  // namespace

std::optional<RekeyBody> parse_rekey(std::span<const std::byte> body) {
    if (body.size() != rekey_body_size) {
        return std::nullopt;
    }
    const auto kind = be::load8(body.data());
    if ((kind != static_cast<std::uint8_t>(RekeyKind::offer) &&
         kind != static_cast<std::uint8_t>(RekeyKind::answer)) ||
        be::load8(body.data() + 1) != 0 || be::load16(body.data() + 2) != 0) {
        return std::nullopt;
    }
    RekeyBody b;
    b.kind = static_cast<RekeyKind>(kind);
    b.id = be::load32(body.data() + id_offset);
    b.ephemeral = PublicKey::from(body.subspan(ephemeral_offset).first<key_size>());
    return b;
}

void write_rekey(std::span<std::byte, rekey_body_size> out, const RekeyBody& b) {
    be::store8(out.data(), static_cast<std::uint8_t>(b.kind));
    be::store8(out.data() + 1, 0);
    be::store16(out.data() + 2, 0);
    be::store32(out.data() + id_offset, b.id);
    std::memcpy(out.data() + ephemeral_offset, b.ephemeral.bytes.data(), key_size);
}

RekeyOffer::RekeyOffer(Rng& rng, std::uint32_t id, const Session& current)
    : id_(id), secret_(generate_secret(rng)), public_(public_key_of(secret_)),
      chain_(current.rekey_chain(true)) {}

std::optional<Session> RekeyOffer::finish(const PublicKey& answer, Instant now,
                                          const SessionLimits& limits) {
    auto s = derive(chain_, secret_, answer, public_, answer, true, now, limits);
    secret_.wipe();
    chain_.wipe();
    return s;
}

std::optional<RekeyAnswer> answer_rekey(Rng& rng, const Session& opened_under,
                                        const PublicKey& offer, Instant now,
                                        const SessionLimits& limits) {
    const SecretKey secret = generate_secret(rng);
    const PublicKey ephemeral = public_key_of(secret);
    auto s = derive(opened_under.rekey_chain(false), secret, offer, offer, ephemeral, false, now,
                    limits);
    if (!s) {
        return std::nullopt;
    }
    return RekeyAnswer{ephemeral, std::move(*s)};
}

}  // namespace ogw::ipcp::secure
