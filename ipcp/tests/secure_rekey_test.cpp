// SPDX-License-Identifier: BSD-3-Clause
// Rekey exchange: the body codec, the derivation of the next session on both ends.
#include <ipcp/secure/rekey.hpp>

#include <gtest/gtest.h>

#include <flowlib/bytes.hpp>

#include <vector>

namespace ogw::ipcp::secure {
namespace {

SecretKey fixed_key(std::uint8_t fill) {
    std::array<std::byte, key_size> b{};
    b.fill(static_cast<std::byte>(fill));
    return SecretKey::from(b);
}

std::vector<std::byte> sealed_frame(std::string_view payload) {
    std::vector<std::byte> f(sealed_prefix_size + payload.size() + sealed_suffix_size);
    f[0] = std::byte{1};
    f[1] = std::byte{0x80};
    be::store16(f.data() + 2, static_cast<std::uint16_t>(f.size()));
    for (std::size_t i = 0; i < payload.size(); ++i) {
        f[sealed_prefix_size + i] = static_cast<std::byte>(payload[i]);
    }
    return f;
}

class SecureRekey : public ::testing::Test {
protected:
    Instant t = Instant(std::chrono::hours(1000));
    DeterministicRng rng{7};
    // The flow's initiator (a) and responder (b), as the handshake left them.
    Session a{fixed_key(1), fixed_key(2), t, {}};
    Session b{fixed_key(2), fixed_key(1), t, {}};
};

TEST_F(SecureRekey, BothEndsDeriveTheSameNextSession) {
    RekeyOffer offer(rng, 1, a);
    auto answer = answer_rekey(rng, b, offer.body().ephemeral, t, {});
    ASSERT_TRUE(answer.has_value());
    auto next_a = offer.finish(answer->ephemeral, t, {});
    ASSERT_TRUE(next_a.has_value());
    Session& next_b = answer->session;

    auto f = sealed_frame("after rekey");
    ASSERT_TRUE(next_a->seal(t, f).ok());
    auto g = f;
    EXPECT_FALSE(b.open(t, g).ok());  // the old session does not open it
    ASSERT_TRUE(next_b.open(t, f).ok());
    EXPECT_EQ(f[sealed_prefix_size], std::byte{'a'});

    auto h = sealed_frame("back");
    ASSERT_TRUE(next_b.seal(t, h).ok());
    ASSERT_TRUE(next_a->open(t, h).ok());
}

TEST_F(SecureRekey, EachRekeyGivesFreshKeys) {
    RekeyOffer first(rng, 1, a);
    auto first_answer = answer_rekey(rng, b, first.body().ephemeral, t, {});
    RekeyOffer second(rng, 2, a);
    auto second_answer = answer_rekey(rng, b, second.body().ephemeral, t, {});
    ASSERT_TRUE(first_answer && second_answer);
    EXPECT_NE(first.body().ephemeral, second.body().ephemeral);
    auto f = sealed_frame("x");
    ASSERT_TRUE(first_answer->session.seal(t, f).ok());
    EXPECT_FALSE(second_answer->session.open(t, f).ok());
}

TEST_F(SecureRekey, WrongChainDoesNotInteroperate) {
    Session stranger{fixed_key(3), fixed_key(4), t, {}};
    RekeyOffer offer(rng, 1, a);
    auto answer = answer_rekey(rng, stranger, offer.body().ephemeral, t, {});
    ASSERT_TRUE(answer.has_value());
    auto next_a = offer.finish(answer->ephemeral, t, {});
    ASSERT_TRUE(next_a.has_value());
    auto f = sealed_frame("x");
    ASSERT_TRUE(next_a->seal(t, f).ok());
    EXPECT_FALSE(answer->session.open(t, f).ok());
}

TEST_F(SecureRekey, SmallOrderKeysAreRefused) {
    RekeyOffer offer(rng, 1, a);
    EXPECT_FALSE(answer_rekey(rng, b, PublicKey{}, t, {}).has_value());
    EXPECT_FALSE(offer.finish(PublicKey{}, t, {}).has_value());
}

TEST_F(SecureRekey, BodyRoundTripsAndRejectsMalformed) {
    RekeyOffer offer(rng, 0xa1b2c3d4, a);
    std::array<std::byte, rekey_body_size> body{};
    write_rekey(body, offer.body());
    auto parsed = parse_rekey(body);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->kind, RekeyKind::offer);
    EXPECT_EQ(parsed->id, 0xa1b2c3d4U);
    EXPECT_EQ(parsed->ephemeral, offer.body().ephemeral);

    EXPECT_FALSE(parse_rekey(std::span(body).first(rekey_body_size - 1)).has_value());
    auto bad = body;
    bad[0] = std::byte{3};
    EXPECT_FALSE(parse_rekey(bad).has_value());
    bad = body;
    bad[2] = std::byte{1};
    EXPECT_FALSE(parse_rekey(bad).has_value());
    std::vector<std::byte> longer(body.begin(), body.end());
    longer.push_back(std::byte{0});
    EXPECT_FALSE(parse_rekey(longer).has_value());
}

TEST_F(SecureRekey, KeyRingFindsSessionsByPhase) {
    KeyRing ring;
    ring.install_confirmed(Session{fixed_key(1), fixed_key(2), t, {}});
    ASSERT_NE(ring.with_phase(false), nullptr);
    EXPECT_EQ(ring.with_phase(true), nullptr);
    ring.install_confirmed(Session{fixed_key(5), fixed_key(6), t, {}});
    EXPECT_EQ(ring.with_phase(true), ring.current());
    EXPECT_EQ(ring.with_phase(false), ring.previous());
}

}  // namespace
}  // namespace ogw::ipcp::secure
