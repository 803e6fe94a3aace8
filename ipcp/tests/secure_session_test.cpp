// SPDX-License-Identifier: BSD-3-Clause
// Transport: seal/open in place, replay window use, limits, key phases.
#include "test_util.hpp"

#include <ipcp/secure/session.hpp>

#include <gtest/gtest.h>

#include <flowlib/bytes.hpp>

namespace ogw::ipcp::secure {
namespace {

using namespace std::chrono_literals;
using test::bytes_of;

SecretKey fixed_key(std::uint8_t fill) {
    std::array<std::byte, key_size> b{};
    b.fill(static_cast<std::byte>(fill));
    return SecretKey::from(b);
}

// Both ends of one flow, as a handshake would leave them.
struct Pair {
    explicit Pair(Instant t, SessionLimits a_limits = {}, SessionLimits b_limits = {})
        : a(fixed_key(1), fixed_key(2), t, a_limits), b(fixed_key(2), fixed_key(1), t, b_limits) {}
    Session a;
    Session b;
};

// header | counter slot | payload | tag slot, as the engine lays out a tx slot.
std::vector<std::byte> frame_with(std::string_view payload, std::uint8_t type = 0) {
    std::vector<std::byte> f(sealed_prefix_size + payload.size() + sealed_suffix_size);
    f[0] = std::byte{1};
    f[1] = static_cast<std::byte>(type | secure_type_flag);
    be::store16(f.data() + 2, static_cast<std::uint16_t>(f.size()));
    be::store32(f.data() + 4, 0x00200002);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        f[sealed_prefix_size + i] = static_cast<std::byte>(payload[i]);
    }
    return f;
}

class SecureSession : public ::testing::Test {
protected:
    Instant t = Instant(std::chrono::hours(1000));
};

TEST_F(SecureSession, SealsInPlaceAndOpens) {
    Pair p(t);
    std::vector<std::byte> f = frame_with("hello");
    const std::byte* slot = f.data();
    ASSERT_TRUE(p.a.seal(t, f).ok());
    EXPECT_EQ(f.data(), slot);
    EXPECT_EQ(f.size(), 5 + sealed_overhead + clear_header_size);
    EXPECT_EQ(be::load64(f.data() + 8), 0U);  // counter 0, phase 0
    EXPECT_NE(f[sealed_prefix_size], std::byte{'h'});
    auto r = p.b.open(t, f);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.counter, 0U);
    EXPECT_EQ(r.plaintext.data(), f.data() + sealed_prefix_size);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.plaintext.data()), r.plaintext.size()),
              "hello");

    std::vector<std::byte> g = frame_with("x");
    ASSERT_TRUE(p.a.seal(t, g).ok());
    EXPECT_EQ(be::load64(g.data() + 8), 1U);
    EXPECT_EQ(p.a.messages_sent(), 2U);
}

TEST_F(SecureSession, EmptyPayload) {
    Pair p(t);
    std::vector<std::byte> f = frame_with("");
    ASSERT_TRUE(p.a.seal(t, f).ok());
    auto r = p.b.open(t, f);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.plaintext.empty());
}

TEST_F(SecureSession, ShortFramesRefused) {
    Pair p(t);
    std::vector<std::byte> f(sealed_prefix_size + sealed_suffix_size - 1);
    EXPECT_EQ(p.a.seal(t, f).error, SecureError::buffer_too_small);
    EXPECT_EQ(p.b.open(t, f).error, SecureError::malformed);
    EXPECT_EQ(p.a.messages_sent(), 0U);
}

// Every byte is covered: the header (type, length, eid) and counter as associated data, the
// rest by the AEAD. A refused message leaves the window as it was.
TEST_F(SecureSession, TamperedByteAnywhereRefused) {
    Pair p(t);
    std::vector<std::byte> sealed = frame_with("forged dealloc?", 3);
    ASSERT_TRUE(p.a.seal(t, sealed).ok());
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        for (std::byte flip : {std::byte{0x01}, std::byte{0x80}}) {
            std::vector<std::byte> bad = sealed;
            bad[i] ^= flip;
            EXPECT_EQ(p.b.open(t, bad).error, SecureError::bad_mac) << "byte " << i;
        }
    }
    EXPECT_EQ(p.b.replay_window().next_expected(), 0U);
    EXPECT_TRUE(p.b.open(t, sealed).ok());
}

TEST_F(SecureSession, WrongDirectionKeyRefused) {
    Pair p(t);
    std::vector<std::byte> f = frame_with("x");
    ASSERT_TRUE(p.a.seal(t, f).ok());
    EXPECT_EQ(p.a.open(t, f).error, SecureError::bad_mac);  // a's own message back at a
}

TEST_F(SecureSession, ReplayWindowInOrderOutOfOrderDuplicateOldFarAhead) {
    Pair p(t);
    std::vector<std::vector<std::byte>> sent;
    for (int i = 0; i < 2100; ++i) {
        sent.push_back(frame_with("data"));
        ASSERT_TRUE(p.a.seal(t, sent.back()).ok());
    }
    auto open_copy = [&](std::size_t i) {
        std::vector<std::byte> c = sent[i];
        return p.b.open(t, c).error;
    };
    // In order.
    for (std::size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(open_copy(i), SecureError::ok);
    }
    // Out of order within the window.
    for (std::size_t i : {15U, 12U, 11U, 14U, 13U, 10U}) {
        EXPECT_EQ(open_copy(i), SecureError::ok) << i;
    }
    // Duplicates.
    EXPECT_EQ(open_copy(3), SecureError::replay);
    EXPECT_EQ(open_copy(15), SecureError::replay);
    // Far ahead: accepted, and the window moves with it.
    EXPECT_EQ(open_copy(2099), SecureError::ok);
    EXPECT_EQ(open_copy(2099 - 1983), SecureError::ok);
    EXPECT_EQ(open_copy(2099 - 1984), SecureError::stale);  // too old
    EXPECT_EQ(open_copy(16), SecureError::stale);
    EXPECT_EQ(open_copy(2099), SecureError::replay);
    EXPECT_EQ(open_copy(2000), SecureError::ok);
}

TEST_F(SecureSession, CounterExhaustionNeedsRekey) {
    SessionLimits lim;
    lim.rekey_after_messages = 3;
    lim.reject_after_messages = 5;
    Pair p(t, lim);
    bool due[5];
    for (bool& d : due) {
        std::vector<std::byte> f = frame_with("x");
        const SealResult r = p.a.seal(t, f);
        ASSERT_TRUE(r.ok());
        d = r.rekey_due;
    }
    EXPECT_FALSE(due[0]);
    EXPECT_FALSE(due[1]);
    EXPECT_TRUE(due[2]);
    EXPECT_TRUE(due[4]);
    std::vector<std::byte> f = frame_with("x");
    const std::vector<std::byte> before = f;
    const SealResult r = p.a.seal(t, f);
    EXPECT_EQ(r.error, SecureError::rekey_needed);
    EXPECT_EQ(f, before);  // nothing written
    EXPECT_EQ(p.a.messages_sent(), 5U);
    EXPECT_TRUE(p.a.send_exhausted(t));
}

// A receiver refuses counters at or beyond its own limit even from an authentic sender.
TEST_F(SecureSession, ReceiverRefusesCountersPastItsLimit) {
    SessionLimits small;
    small.reject_after_messages = 2;
    Pair p(t, {}, small);
    for (SecureError expect : {SecureError::ok, SecureError::ok, SecureError::stale}) {
        std::vector<std::byte> f = frame_with("x");
        ASSERT_TRUE(p.a.seal(t, f).ok());
        EXPECT_EQ(p.b.open(t, f).error, expect);
    }
}

TEST_F(SecureSession, AgeLimits) {
    Pair p(t);
    std::vector<std::byte> f = frame_with("x");
    EXPECT_FALSE(p.a.seal(t + 119s, f).rekey_due);
    EXPECT_FALSE(p.a.rekey_due(t + 119s));
    f = frame_with("x");
    const SealResult soft = p.a.seal(t + 120s, f);
    EXPECT_TRUE(soft.ok());
    EXPECT_TRUE(soft.rekey_due);
    EXPECT_TRUE(p.b.open(t + 179s, f).ok());
    f = frame_with("x");
    EXPECT_EQ(p.a.seal(t + 180s, f).error, SecureError::rekey_needed);
    // A message sealed in time but arriving after the key expired is refused too.
    f = frame_with("x");
    ASSERT_TRUE(p.b.seal(t + 179s, f).ok());
    EXPECT_EQ(p.a.open(t + 180s, f).error, SecureError::expired);
}

TEST_F(SecureSession, SealedPhase) {
    EXPECT_FALSE(sealed_phase(std::vector<std::byte>(31)).has_value());
    Session s(fixed_key(1), fixed_key(2), t, {}, true);
    std::vector<std::byte> f = frame_with("x");
    ASSERT_TRUE(s.seal(t, f).ok());
    EXPECT_EQ(be::load64(f.data() + 8), counter_phase_bit);
    EXPECT_EQ(sealed_phase(f), true);
}

// ------------------------------------------------------------------------------ KeyRing

TEST_F(SecureSession, KeyRingInitiatorRekey) {
    KeyRing ini;
    KeyRing res;
    std::vector<std::byte> f = frame_with("x");
    EXPECT_EQ(ini.seal(t, f).error, SecureError::no_session);
    EXPECT_EQ(ini.open(t, f).error, SecureError::no_session);

    ini.install_confirmed(Session(fixed_key(1), fixed_key(2), t, {}));
    res.install_unconfirmed(Session(fixed_key(2), fixed_key(1), t, {}));  // first: current
    ASSERT_TRUE(ini.seal(t, f).ok());
    EXPECT_EQ(sealed_phase(f), false);
    ASSERT_TRUE(res.open(t, f).ok());

    // A rekey: the responder's new session waits as next; it keeps sending with the old one.
    res.install_unconfirmed(Session(fixed_key(4), fixed_key(3), t + 100s, {}));
    ASSERT_NE(res.next(), nullptr);
    std::vector<std::byte> old_key = frame_with("y");
    ASSERT_TRUE(res.seal(t + 100s, old_key).ok());
    EXPECT_EQ(sealed_phase(old_key), false);

    // The initiator got the response: new current, old kept as previous.
    ini.install_confirmed(Session(fixed_key(3), fixed_key(4), t + 100s, {}));
    EXPECT_NE(ini.previous(), nullptr);
    EXPECT_TRUE(ini.open(t + 100s, old_key).ok());  // in flight under the old key
    std::vector<std::byte> new_key = frame_with("z");
    ASSERT_TRUE(ini.seal(t + 100s, new_key).ok());
    EXPECT_EQ(sealed_phase(new_key), true);

    // The responder sees the new key in use: next becomes current.
    ASSERT_TRUE(res.open(t + 100s, new_key).ok());
    EXPECT_EQ(res.next(), nullptr);
    ASSERT_NE(res.current(), nullptr);
    EXPECT_TRUE(res.current()->phase());
    std::vector<std::byte> back = frame_with("w");
    ASSERT_TRUE(res.seal(t + 100s, back).ok());
    EXPECT_EQ(sealed_phase(back), true);
    EXPECT_TRUE(ini.open(t + 100s, back).ok());
}

TEST_F(SecureSession, KeyRingForgedNextPhaseDoesNotPromote) {
    KeyRing res;
    res.install_unconfirmed(Session(fixed_key(2), fixed_key(1), t, {}));
    res.install_unconfirmed(Session(fixed_key(4), fixed_key(3), t, {}));
    std::vector<std::byte> forged = frame_with("x");
    be::store64(forged.data() + 8, counter_phase_bit);
    EXPECT_EQ(res.open(t, forged).error, SecureError::bad_mac);
    EXPECT_NE(res.next(), nullptr);
    EXPECT_FALSE(res.current()->phase());
}

TEST_F(SecureSession, KeyRingRekeyDue) {
    KeyRing r;
    EXPECT_FALSE(r.rekey_due(t));
    r.install_confirmed(Session(fixed_key(1), fixed_key(2), t, {}));
    EXPECT_FALSE(r.rekey_due(t + 100s));
    EXPECT_TRUE(r.rekey_due(t + 120s));
}

}  // namespace
}  // namespace ogw::ipcp::secure
