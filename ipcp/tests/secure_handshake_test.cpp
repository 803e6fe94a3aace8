// SPDX-License-Identifier: BSD-3-Clause
// The flow handshake (docs/security.md): known-answer vectors, success in both directions,
// every refusal the responder and the initiator can give, cookies under load.
#include "test_util.hpp"

#include <ipcp/codec.hpp>
#include <ipcp/secure/handshake.hpp>
#include <ipcp/wire.hpp>

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <deque>

namespace ogw::ipcp::secure {
namespace {

using namespace std::chrono_literals;
using test::bytes_of;
using test::from_hex;
using test::to_hex;

constexpr std::uint64_t t0 = 1'700'000'000'000'000'000ULL;  // 2023-11-14, ns
constexpr Eid req_eid = 0x00100001;
constexpr Eid resp_eid = 0x00200002;

std::vector<std::byte> seq(unsigned first, std::size_t n = 32) {
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = static_cast<std::byte>(first + i);
    }
    return v;
}

SecretKey key_from(const std::vector<std::byte>& b) {
    return SecretKey::from(std::span<const std::byte, key_size>(b.data(), key_size));
}

// Hands out given byte strings in order, then a deterministic stream.
class ScriptedRng final : public Rng {
public:
    void push(std::vector<std::byte> b) { script_.push_back(std::move(b)); }
    void fill(std::span<std::byte> out) override {
        if (!script_.empty()) {
            ASSERT_EQ(script_.front().size(), out.size());
            std::memcpy(out.data(), script_.front().data(), out.size());
            script_.pop_front();
            return;
        }
        fallback_.fill(out);
    }

private:
    std::deque<std::vector<std::byte>> script_;
    DeterministicRng fallback_{99};
};

struct Request {
    std::vector<std::byte> bytes;
    std::size_t ext_offset = 0;
};

// A FLOW_REQ from `src_name` to "oecho" (qos_raw) with room for an initiation carrying
// `early` bytes, header final: type | 0x80, length = size.
Request request_frame(std::string_view src_name, std::size_t early, Eid src = req_eid) {
    const CodecV1 codec;
    const std::vector<std::byte> placeholder(initiation_size(early));
    FlowReqMsg m{src, NameHash::of("oecho"), qos_raw, src_name, placeholder};
    Request r;
    r.bytes.resize(wire::max_message_size);
    const std::size_t n = codec.encode(m, r.bytes);
    r.bytes.resize(n);
    r.bytes[1] |= std::byte{secure_type_flag};
    r.ext_offset = n - placeholder.size();
    return r;
}

// A FLOW_REPLY with room for an extension of `ext` bytes.
std::vector<std::byte> reply_frame(std::int32_t response, std::size_t ext, Eid dst = req_eid,
                                   Eid src = resp_eid) {
    const CodecV1 codec;
    std::vector<std::byte> b(wire::flow_reply_size + ext);
    const std::size_t n = codec.encode(FlowReplyMsg{dst, src, response}, b);
    EXPECT_EQ(n, wire::flow_reply_size);
    b[1] |= std::byte{secure_type_flag};
    b[2] = static_cast<std::byte>(b.size() >> 8);
    b[3] = static_cast<std::byte>(b.size());
    return b;
}

constexpr std::size_t reply_ext = wire::flow_reply_size;

struct Node {
    Node(std::string n, std::vector<std::byte> secret)
        : name(std::move(n)), id(key_from(secret)), responder(id, peers, rng) {}
    std::string name;
    Identity id;
    PeerTable peers;
    ScriptedRng rng;
    Responder responder;
    InitiationClock clock;
};

class SecureHandshake : public ::testing::Test {
protected:
    SecureHandshake() {
        a.peers.add("site-b", b.id.public_key());
        b.peers.add("site-a", a.id.public_key());
    }

    Instant now = Instant(std::chrono::hours(1000));
    Node a{"site-a", seq(0x00)};
    Node b{"site-b", seq(0x20)};

    // a initiates to b.
    Request initiate(InitiatorHandshake& hs, std::uint64_t ts = t0,
                     std::vector<std::byte> early = bytes_of("hi"),
                     std::string_view src = "site-a") {
        Request r = request_frame(src, early.size());
        EXPECT_EQ(hs.create(a.id, b.id.public_key(), ts, a.rng, r.bytes, r.ext_offset, early),
                  SecureError::ok);
        return r;
    }
};

// ------------------------------------------------------------------------ known answers

// Fixed static and ephemeral keys, eids, names, qos and timestamp give fixed bytes and keys.
// The same values are in docs/security.md ("Test vectors"); they were computed independently
// from the document's description (Python, hashlib + cryptography).
TEST_F(SecureHandshake, KnownAnswerVectors) {
    EXPECT_EQ(to_hex({a.id.public_key().bytes.begin(), a.id.public_key().bytes.end()}),
              "8f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f");
    EXPECT_EQ(b.id.public_key().base64(), "NYBy1jZYgNGu6jKa35EhODhR7SGijjt16WXQ0s0WYlQ=");

    a.rng.push(seq(0x40));
    b.rng.push(seq(0x60));
    InitiatorHandshake hs;
    Request req = initiate(hs);
    EXPECT_EQ(to_hex(req.bytes),
              "018100e50000000000100001"
              "edfb6ec13510498b2a2165b2a13d5ea2228d18d0d73b21752a92990d22203f66"
              "ffffffff0000000000000000000000000000000100000001ffffffff000000000001d4c0"
              "06736974652d61"
              "01000000"
              "79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a"
              "cc51db66d087ca71510906d73e2c85123162fb7da8e902838d461d6becf3a363"
              "c4dc1eba7699539174d3bc290f8f8cd2"
              "7910d4699fe02e7ff4197fd07e71d38285cbfd342435c23e69cb"
              "d6d26cecc919e3b9be307d31b5f1103e"
              "00000000000000000000000000000000");

    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    ASSERT_EQ(in.error, SecureError::ok);
    EXPECT_EQ(in.timestamp, t0);
    EXPECT_EQ(to_hex({in.early_data.begin(), in.early_data.end()}), "6869");

    std::vector<std::byte> rep = reply_frame(0, response_size);
    auto made = in.handshake->create_response(b.rng, now, rep, reply_ext);
    ASSERT_EQ(made.error, SecureError::ok);
    EXPECT_EQ(to_hex(rep),
              "0182005400100001002000020000000002000000"
              "675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f"
              "c06e7ec51ebdea73b72e2f0afa43d765"
              "3c83ddadd6307e7f108c47e3aa6310f9");

    auto got = hs.consume_reply(a.id, now, rep, reply_ext);
    ASSERT_EQ(got.error, SecureError::ok);
    ASSERT_EQ(got.kind, ExtKind::response);
    EXPECT_EQ(to_hex({hs.handshake_hash().begin(), hs.handshake_hash().end()}),
              "545a87b9353deac3d5e812d4a5147ddf3133da9fe3c8c5142b2053e991a94687");

    // The derived keys, checked with libsodium directly on the first DATA "hi" a -> b
    // (counter 0) and a KEEPALIVE b -> a, sealed by the sessions.
    std::vector<std::byte> data = from_hex("01800022002000020000000000000000" "6869"
                                           "00000000000000000000000000000000");
    ASSERT_TRUE(got.session->seal(now, data).ok());
    EXPECT_EQ(to_hex(data),
              "01800022002000020000000000000000a598c147e7e998a2a5156880c63b6af4351d");
    ASSERT_TRUE(made.session->open(now, data).ok());

    std::vector<std::byte> ka = from_hex("0185002c001000010000000000000000"
                                         "00200002" "01000000" "deadbeef"
                                         "00000000000000000000000000000000");
    ASSERT_TRUE(made.session->seal(now, ka).ok());
    EXPECT_EQ(to_hex(ka), "0185002c001000010000000000000000"
                          "f3a4517a27ece19958f45587f01e1889"
                          "92173ebd1ed410bf7c8128a6");
    const auto open_with = [](std::string_view key_hex, const std::vector<std::byte>& frame) {
        const auto key = from_hex(key_hex);
        std::vector<unsigned char> plain(frame.size());
        unsigned long long n = 0;
        const unsigned char nonce[12] = {};
        const auto* f = reinterpret_cast<const unsigned char*>(frame.data());
        const int rc = crypto_aead_chacha20poly1305_ietf_decrypt(
            plain.data(), &n, nullptr, f + 16, frame.size() - 16, f, 16, nonce,
            reinterpret_cast<const unsigned char*>(key.data()));
        return rc == 0 ? std::string(plain.begin(), plain.begin() + static_cast<long>(n))
                       : std::string("(refused)");
    };
    EXPECT_EQ(open_with("d05c197dfb3583b57548088b00e863ae312833f0c263570fa066c03b0c4e25a5",
                        from_hex("01800022002000020000000000000000a598c147e7e998a2a5156880c63b"
                                 "6af4351d")),
              "hi");
    EXPECT_EQ(to_hex(bytes_of(open_with(
                  "f112c0ec61a199d6680d54aede588a0e6f82504cdbf054b1c7a57ca213fdc42e", ka))),
              "0020000201000000deadbeef");
    auto opened = got.session->open(now, ka);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(to_hex({opened.plaintext.begin(), opened.plaintext.end()}),
              "0020000201000000deadbeef");
}

TEST_F(SecureHandshake, SizesAndOverhead) {
    EXPECT_EQ(initiation_fixed_size, 140U);
    EXPECT_EQ(response_size, 68U);
    EXPECT_EQ(refusal_size, 20U);
    EXPECT_EQ(cookie_reply_size, 60U);
    EXPECT_EQ(sealed_overhead, 24U);
    // No reply is larger than the smallest request that can cause it (no amplification).
    const std::size_t smallest_request = wire::flow_req_size + initiation_fixed_size;
    for (std::size_t ext : {response_size, refusal_size, cookie_reply_size}) {
        EXPECT_LT(wire::flow_reply_size + ext, smallest_request);
    }
}

// --------------------------------------------------------------------------- success

TEST_F(SecureHandshake, SucceedsAndKeysMatchBothWays) {
    for (int direction = 0; direction < 2; ++direction) {
        Node& ini = direction == 0 ? a : b;
        Node& res = direction == 0 ? b : a;
        InitiatorHandshake hs;
        Request req = request_frame(ini.name, 5);
        const auto early = bytes_of("hello");
        ASSERT_EQ(hs.create(ini.id, res.id.public_key(), ini.clock.next(t0), ini.rng, req.bytes,
                            req.ext_offset, early),
                  SecureError::ok);
        EXPECT_TRUE(hs.pending());
        auto in = res.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, ini.name);
        ASSERT_EQ(in.error, SecureError::ok) << to_string(in.error);
        EXPECT_EQ(in.peer->name, ini.name);
        EXPECT_EQ(in.peer_key, ini.id.public_key());
        EXPECT_EQ(std::vector<std::byte>(in.early_data.begin(), in.early_data.end()), early);

        std::vector<std::byte> rep = reply_frame(0, response_size);
        auto made = in.handshake->create_response(res.rng, now, rep, reply_ext);
        ASSERT_TRUE(made.ok());
        auto got = hs.consume_reply(ini.id, now, rep, reply_ext);
        ASSERT_TRUE(got.ok()) << to_string(got.error);
        EXPECT_TRUE(hs.done());
        EXPECT_EQ(hs.responder(), res.id.public_key());

        // Each direction has its own key: a message sealed by one end opens only at the other,
        // and not with the sender's own receive key.
        for (int side = 0; side < 2; ++side) {
            Session& tx = side == 0 ? *got.session : *made.session;
            Session& rx = side == 0 ? *made.session : *got.session;
            std::vector<std::byte> frame(sealed_prefix_size + 3 + sealed_suffix_size);
            frame[0] = std::byte{1};
            frame[1] = std::byte{0x80};
            frame[3] = static_cast<std::byte>(frame.size());
            frame[16] = std::byte{'a'};
            ASSERT_TRUE(tx.seal(now, frame).ok());
            std::vector<std::byte> copy = frame;
            EXPECT_EQ(tx.open(now, copy).error, SecureError::bad_mac);
            auto r = rx.open(now, frame);
            ASSERT_TRUE(r.ok());
            EXPECT_EQ(r.plaintext.size(), 3U);
            EXPECT_EQ(r.plaintext[0], std::byte{'a'});
        }
    }
}

TEST_F(SecureHandshake, EmptyEarlyData) {
    InitiatorHandshake hs;
    Request req = initiate(hs, t0, {});
    EXPECT_EQ(req.bytes.size() - req.ext_offset, initiation_fixed_size);
    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    ASSERT_TRUE(in.ok());
    EXPECT_TRUE(in.early_data.empty());
}

// An acceptor that refuses an authenticated initiator (no such name, table full) still
// answers with an authenticated response: the response code is bound.
TEST_F(SecureHandshake, AuthenticatedRefusalBindsTheResponseCode) {
    InitiatorHandshake hs;
    Request req = initiate(hs);
    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    ASSERT_TRUE(in.ok());
    std::vector<std::byte> rep = reply_frame(-1007, response_size, req_eid, no_eid);
    ASSERT_TRUE(in.handshake->create_response(b.rng, now, rep, reply_ext).ok());

    // An attacker turning the refusal into an acceptance (or changing the code) is caught.
    InitiatorHandshake copy_state = std::move(hs);
    std::vector<std::byte> forged = rep;
    forged[12] = forged[13] = forged[14] = forged[15] = std::byte{0};
    auto bad = copy_state.consume_reply(a.id, now, forged, reply_ext);
    EXPECT_EQ(bad.error, SecureError::bad_mac1);
    EXPECT_TRUE(copy_state.pending());

    auto got = copy_state.consume_reply(a.id, now, rep, reply_ext);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got.kind, ExtKind::response);
}

// ---------------------------------------------------------------------------- refusals

// The initiator has another key for b than b's own: b cannot even check mac1.
TEST_F(SecureHandshake, WrongResponderKeyRefusedBeforeAnyDh) {
    Node impostor{"site-b", seq(0x80)};
    InitiatorHandshake hs;
    Request req = request_frame("site-a", 0);
    ASSERT_EQ(hs.create(a.id, impostor.id.public_key(), t0, a.rng, req.bytes, req.ext_offset),
              SecureError::ok);
    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    EXPECT_EQ(in.error, SecureError::bad_mac1);
    EXPECT_FALSE(in.handshake.has_value());
}

// b lists another key for site-a than the one site-a has.
TEST_F(SecureHandshake, WrongInitiatorKeyIsUnknown) {
    Node stranger{"site-a", seq(0x90)};
    InitiatorHandshake hs;
    Request req = request_frame("site-a", 0);
    ASSERT_EQ(hs.create(stranger.id, b.id.public_key(), t0, a.rng, req.bytes, req.ext_offset),
              SecureError::ok);
    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    EXPECT_EQ(in.error, SecureError::unknown_key);
    EXPECT_EQ(in.peer_key, stranger.id.public_key());  // for the log line
    EXPECT_EQ(in.peer, nullptr);
}

TEST_F(SecureHandshake, UnknownKeyRefused) {
    PeerTable empty;
    Responder lonely(b.id, empty, b.rng);
    InitiatorHandshake hs;
    Request req = initiate(hs);
    auto in = lonely.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    EXPECT_EQ(in.error, SecureError::unknown_key);
    EXPECT_EQ(in.peer_key.base64(), a.id.public_key().base64());
}

// A listed key claiming another node's name.
TEST_F(SecureHandshake, KeyListedUnderAnotherNameRefused) {
    InitiatorHandshake hs;
    Request req = initiate(hs, t0, {}, "site-c");
    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-c");
    EXPECT_EQ(in.error, SecureError::name_mismatch);
    // Refused without touching the replay memory: the real request still goes through.
    EXPECT_EQ(b.peers.find(a.id.public_key())->guard.remembered(), 0U);
}

TEST_F(SecureHandshake, ReplayedInitiationRefused) {
    InitiatorHandshake hs;
    Request req = initiate(hs);
    const std::vector<std::byte> captured = req.bytes;
    ASSERT_TRUE(b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a").ok());
    for (Duration later : {Duration(0), Duration(1s), Duration(100s)}) {
        std::vector<std::byte> again = captured;
        auto in = b.responder.consume_initiation(now + later,
                                                 t0 + static_cast<std::uint64_t>(later.count()),
                                                 again, req.ext_offset, "site-a");
        EXPECT_EQ(in.error, SecureError::replay);
    }
}

TEST_F(SecureHandshake, StaleAndFutureInitiationsRefused) {
    const std::uint64_t minute = 60'000'000'000ULL;
    {
        InitiatorHandshake hs;
        Request req = initiate(hs, t0 - 3 * minute);
        EXPECT_EQ(
            b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a").error,
            SecureError::stale);
    }
    {
        InitiatorHandshake hs;
        Request req = initiate(hs, t0 + 3 * minute);
        EXPECT_EQ(
            b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a").error,
            SecureError::stale);
    }
    {  // within the window on both sides
        InitiatorHandshake hs;
        Request req = initiate(hs, t0 - minute);
        EXPECT_TRUE(
            b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a").ok());
    }
    {
        InitiatorHandshake hs;
        Request req = initiate(hs, t0 + minute);
        EXPECT_TRUE(
            b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a").ok());
    }
}

// Concurrent allocations may arrive out of order; each is accepted once.
TEST_F(SecureHandshake, ReorderedInitiationsAcceptedOnce) {
    std::vector<Request> reqs;
    std::vector<InitiatorHandshake> hss(5);
    for (auto& hs : hss) {
        reqs.push_back(initiate(hs, a.clock.next(t0)));
    }
    for (int i : {3, 0, 4, 1, 2}) {
        std::vector<std::byte> copy = reqs[static_cast<std::size_t>(i)].bytes;
        EXPECT_TRUE(b.responder.consume_initiation(now, t0, reqs[static_cast<std::size_t>(i)].bytes,
                                                   reqs[0].ext_offset, "site-a").ok())
            << i;
        EXPECT_EQ(b.responder.consume_initiation(now, t0, copy, reqs[0].ext_offset, "site-a").error,
                  SecureError::replay)
            << i;
    }
}

TEST(SecureInitiationGuard, ForgetsOldestWhenFullAndRefusesBelowIt) {
    FreshnessConfig cfg;
    cfg.max_age = Duration(0);  // no clock comparison: memory only
    cfg.remembered = 3;
    InitiationGuard g;
    for (std::uint64_t ts : {10U, 20U, 30U, 40U}) {
        ASSERT_EQ(g.check(ts, 0, cfg), SecureError::ok);
        g.record(ts, 0, cfg);
    }
    EXPECT_EQ(g.remembered(), 3U);
    EXPECT_EQ(g.check(10, 0, cfg), SecureError::replay);
    EXPECT_EQ(g.check(5, 0, cfg), SecureError::replay);  // below the forgotten one
    EXPECT_EQ(g.check(15, 0, cfg), SecureError::ok);     // above it, never seen
    EXPECT_EQ(g.check(25, 0, cfg), SecureError::ok);
    EXPECT_EQ(g.check(30, 0, cfg), SecureError::replay);
    EXPECT_EQ(g.check(41, 0, cfg), SecureError::ok);
    EXPECT_EQ(g.check(0, 0, cfg), SecureError::replay);
}

TEST(SecureInitiationGuard, PrunesWhatTheClockRefusesAnyway) {
    FreshnessConfig cfg;
    cfg.max_age = Duration(100);
    cfg.max_ahead = Duration(100);
    InitiationGuard g;
    g.record(1000, 1000, cfg);
    g.record(1050, 1050, cfg);
    g.record(1200, 1200, cfg);  // 1000 and 1050 now older than max_age
    EXPECT_EQ(g.remembered(), 1U);
    EXPECT_EQ(g.check(1000, 1200, cfg), SecureError::stale);
    EXPECT_EQ(g.check(1150, 1200, cfg), SecureError::ok);
    EXPECT_EQ(g.check(1301, 1200, cfg), SecureError::stale);
    EXPECT_EQ(g.check(1200, 1200, cfg), SecureError::replay);
}

TEST(SecureInitiationClock, StrictlyIncreasing) {
    InitiationClock c;
    EXPECT_EQ(c.next(100), 100U);
    EXPECT_EQ(c.next(100), 101U);
    EXPECT_EQ(c.next(50), 102U);  // the wall clock went back
    EXPECT_EQ(c.next(200), 200U);
}

// Every single-byte change anywhere in the request (header, eids, name hash, qos, node name,
// ephemeral, encrypted static, payload, mac1) is refused; mac2 is only checked under load.
TEST_F(SecureHandshake, TamperedRequestByteRefused) {
    InitiatorHandshake hs;
    const Request req = initiate(hs);
    const std::size_t mac2_at = req.bytes.size() - mac_size;
    for (std::size_t i = 0; i < mac2_at; ++i) {
        std::vector<std::byte> bad = req.bytes;
        bad[i] ^= std::byte{0x01};
        auto in = b.responder.consume_initiation(now, t0, bad, req.ext_offset, "site-a");
        EXPECT_NE(in.error, SecureError::ok) << "byte " << i;
    }
    // With mac1 recomputed by the attacker (it knows b's public key), the AEADs still refuse.
    const Hash mac1_key = b.id.mac1_key();
    for (std::size_t i = 0; i + 2 * mac_size < req.bytes.size(); ++i) {
        std::vector<std::byte> bad = req.bytes;
        bad[i] ^= std::byte{0x80};
        const std::size_t mac1_at = bad.size() - 2 * mac_size;
        std::array<std::byte, mac_size> m{};
        crypto_generichash(reinterpret_cast<unsigned char*>(m.data()), m.size(),
                           reinterpret_cast<const unsigned char*>(bad.data()), mac1_at,
                           reinterpret_cast<const unsigned char*>(mac1_key.data()),
                           mac1_key.size());
        std::memcpy(bad.data() + mac1_at, m.data(), mac_size);
        auto in = b.responder.consume_initiation(now, t0, bad, req.ext_offset, "site-a");
        EXPECT_NE(in.error, SecureError::ok) << "byte " << i;
        EXPECT_NE(in.error, SecureError::bad_mac1) << "byte " << i;
    }
    // Nothing above touched the replay memory: the request still goes through, and mac2 is
    // not looked at when the responder is not under load.
    std::vector<std::byte> good = req.bytes;
    good[mac2_at] ^= std::byte{0x01};
    EXPECT_TRUE(b.responder.consume_initiation(now, t0, good, req.ext_offset, "site-a").ok());
}

TEST_F(SecureHandshake, TamperedReplyByteRefused) {
    InitiatorHandshake hs;
    Request req = initiate(hs);
    auto in = b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a");
    ASSERT_TRUE(in.ok());
    std::vector<std::byte> rep = reply_frame(0, response_size);
    ASSERT_TRUE(in.handshake->create_response(b.rng, now, rep, reply_ext).ok());
    for (std::size_t i = 0; i < rep.size(); ++i) {
        std::vector<std::byte> bad = rep;
        bad[i] ^= std::byte{0x01};
        auto got = hs.consume_reply(a.id, now, bad, reply_ext);
        EXPECT_FALSE(got.ok()) << "byte " << i;
        EXPECT_TRUE(hs.pending());
    }
    // With mac1 recomputed (a knows its own key; so does anyone), the confirmation refuses.
    for (std::size_t i = 0; i < reply_ext + resp_mac1_offset; ++i) {
        if (i >= reply_ext && i < reply_ext + ext_header_size) {
            continue;  // kind and reserved: malformed before any MAC
        }
        std::vector<std::byte> bad = rep;
        bad[i] ^= std::byte{0x80};
        const std::size_t mac1_at = reply_ext + resp_mac1_offset;
        std::array<std::byte, mac_size> m{};
        crypto_generichash(reinterpret_cast<unsigned char*>(m.data()), m.size(),
                           reinterpret_cast<const unsigned char*>(bad.data()), mac1_at,
                           reinterpret_cast<const unsigned char*>(a.id.mac1_key().data()),
                           a.id.mac1_key().size());
        std::memcpy(bad.data() + mac1_at, m.data(), mac_size);
        auto got = hs.consume_reply(a.id, now, bad, reply_ext);
        EXPECT_TRUE(got.error == SecureError::bad_mac || got.error == SecureError::bad_key)
            << "byte " << i << ": " << to_string(got.error);
    }
    EXPECT_TRUE(hs.consume_reply(a.id, now, rep, reply_ext).ok());
    EXPECT_EQ(hs.consume_reply(a.id, now, rep, reply_ext).error, SecureError::no_session);
}

TEST_F(SecureHandshake, MalformedExtensionsRefused) {
    InitiatorHandshake hs;
    Request req = initiate(hs);
    // Truncated, reserved bits, wrong kind.
    for (std::size_t cut : {1UL, 16UL, 100UL}) {
        std::vector<std::byte> shortened(req.bytes.begin(),
                                         req.bytes.end() - static_cast<long>(cut));
        if (shortened.size() - req.ext_offset >= initiation_fixed_size) {
            continue;
        }
        EXPECT_EQ(
            b.responder.consume_initiation(now, t0, shortened, req.ext_offset, "site-a").error,
            SecureError::malformed);
    }
    std::vector<std::byte> reserved = req.bytes;
    reserved[req.ext_offset + 2] = std::byte{1};
    EXPECT_EQ(b.responder.consume_initiation(now, t0, reserved, req.ext_offset, "site-a").error,
              SecureError::malformed);
    std::vector<std::byte> kind = req.bytes;
    kind[req.ext_offset] = std::byte{2};
    EXPECT_EQ(b.responder.consume_initiation(now, t0, kind, req.ext_offset, "site-a").error,
              SecureError::malformed);
    EXPECT_EQ(b.responder.consume_initiation(now, t0, req.bytes, 3, "site-a").error,
              SecureError::malformed);

    std::vector<std::byte> rep = reply_frame(0, response_size - 1);
    EXPECT_EQ(hs.consume_reply(a.id, now, rep, reply_ext).error, SecureError::malformed);
    std::vector<std::byte> init_as_reply = reply_frame(0, initiation_fixed_size);
    init_as_reply[reply_ext] = std::byte{1};
    EXPECT_EQ(hs.consume_reply(a.id, now, init_as_reply, reply_ext).error,
              SecureError::malformed);
    EXPECT_TRUE(hs.pending());
}

TEST_F(SecureHandshake, SmallOrderEphemeralRefused) {
    InitiatorHandshake hs;
    Request req = initiate(hs);
    // Replace the ephemeral by the point of order 1 (all zero) and fix mac1.
    std::memset(req.bytes.data() + req.ext_offset + init_ephemeral_offset, 0, key_size);
    const std::size_t mac1_at = req.bytes.size() - 2 * mac_size;
    std::array<std::byte, mac_size> m{};
    crypto_generichash(reinterpret_cast<unsigned char*>(m.data()), m.size(),
                       reinterpret_cast<const unsigned char*>(req.bytes.data()), mac1_at,
                       reinterpret_cast<const unsigned char*>(b.id.mac1_key().data()), 32);
    std::memcpy(req.bytes.data() + mac1_at, m.data(), mac_size);
    EXPECT_EQ(b.responder.consume_initiation(now, t0, req.bytes, req.ext_offset, "site-a").error,
              SecureError::bad_key);
}

// ---------------------------------------------------------- unauthenticated refusal, cookie

TEST_F(SecureHandshake, UnauthenticatedRefusalMustEchoOurMac1) {
    InitiatorHandshake hs;
    Request req = initiate(hs);
    std::vector<std::byte> rep = reply_frame(-1009, refusal_size, req_eid, no_eid);
    ASSERT_EQ(Responder::create_refusal(req.bytes, rep, reply_ext), SecureError::ok);

    std::vector<std::byte> forged = rep;  // an off-path attacker does not know mac1
    forged[reply_ext + 5] ^= std::byte{1};
    EXPECT_EQ(hs.consume_reply(a.id, now, forged, reply_ext).error, SecureError::bad_mac);
    EXPECT_TRUE(hs.pending());

    auto got = hs.consume_reply(a.id, now, rep, reply_ext);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got.kind, ExtKind::refusal);
    EXPECT_FALSE(got.session.has_value());
    EXPECT_TRUE(hs.done());
}

TEST_F(SecureHandshake, CookieUnderLoad) {
    const auto addr_a = bytes_of("10.0.0.1:3435");
    const auto addr_x = bytes_of("10.9.9.9:3435");
    InitiatorHandshake hs;
    Request req = initiate(hs);

    // Under load, a request without a valid mac2 costs b no X25519 and gets a cookie.
    std::vector<std::byte> copy = req.bytes;
    auto in = b.responder.consume_initiation(now, t0, copy, req.ext_offset, "site-a", addr_a, true);
    ASSERT_EQ(in.error, SecureError::cookie_required);
    std::vector<std::byte> rep = reply_frame(-11, cookie_reply_size, req_eid, no_eid);
    ASSERT_EQ(b.responder.create_cookie_reply(now, req.bytes, addr_a, rep, reply_ext),
              SecureError::ok);

    // A cookie reply not bound to our request is refused.
    InitiatorHandshake other;
    Request other_req = initiate(other, t0 + 1);
    EXPECT_EQ(other.consume_reply(a.id, now, rep, reply_ext).error, SecureError::bad_mac);

    auto got = hs.consume_reply(a.id, now, rep, reply_ext);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got.kind, ExtKind::cookie);
    EXPECT_TRUE(hs.pending());

    hs.restamp(now, req.bytes);
    // Only mac2 changed.
    EXPECT_TRUE(std::equal(req.bytes.begin(), req.bytes.end() - mac_size, copy.begin()));
    EXPECT_EQ(initiation_digest(req.bytes, req.ext_offset),
              initiation_digest(copy, req.ext_offset));

    // From another address the cookie is worthless.
    copy = req.bytes;
    EXPECT_EQ(b.responder.consume_initiation(now, t0, copy, req.ext_offset, "site-a", addr_x, true)
                  .error,
              SecureError::cookie_required);
    // From a's address it passes, and the handshake completes.
    in = b.responder.consume_initiation(now + 1s, t0, req.bytes, req.ext_offset, "site-a", addr_a,
                                        true);
    ASSERT_EQ(in.error, SecureError::ok);
    std::vector<std::byte> resp = reply_frame(0, response_size);
    ASSERT_TRUE(in.handshake->create_response(b.rng, now, resp, reply_ext).ok());
    EXPECT_TRUE(hs.consume_reply(a.id, now, resp, reply_ext).ok());
}

TEST_F(SecureHandshake, CookieExpires) {
    const auto addr_a = bytes_of("10.0.0.1:3435");
    InitiatorHandshake hs;
    Request req = initiate(hs);
    std::vector<std::byte> rep = reply_frame(-11, cookie_reply_size, req_eid, no_eid);
    ASSERT_EQ(b.responder.create_cookie_reply(now, req.bytes, addr_a, rep, reply_ext),
              SecureError::ok);
    ASSERT_TRUE(hs.consume_reply(a.id, now, rep, reply_ext).ok());
    hs.restamp(now, req.bytes);
    std::vector<std::byte> copy = req.bytes;
    EXPECT_EQ(b.responder
                  .consume_initiation(now + cookie_lifetime + 1s, t0, copy, req.ext_offset,
                                      "site-a", addr_a, true)
                  .error,
              SecureError::cookie_required);
    // The initiator stops using an old cookie by itself.
    hs.restamp(now + cookie_lifetime, req.bytes);
    EXPECT_TRUE(std::all_of(req.bytes.end() - mac_size, req.bytes.end(),
                            [](std::byte x) { return x == std::byte{0}; }));
}

TEST_F(SecureHandshake, DigestIdentifiesRetransmissions) {
    InitiatorHandshake h1;
    InitiatorHandshake h2;
    Request r1 = initiate(h1, t0);
    Request r2 = initiate(h2, t0 + 1);
    ASSERT_TRUE(initiation_digest(r1.bytes, r1.ext_offset).has_value());
    EXPECT_NE(initiation_digest(r1.bytes, r1.ext_offset),
              initiation_digest(r2.bytes, r2.ext_offset));
    EXPECT_FALSE(initiation_digest(r1.bytes, r1.ext_offset + 1).has_value());
}

TEST_F(SecureHandshake, CreateChecksBufferSize) {
    InitiatorHandshake hs;
    Request req = request_frame("site-a", 2);
    EXPECT_EQ(hs.create(a.id, b.id.public_key(), t0, a.rng, req.bytes, req.ext_offset,
                        bytes_of("hey")),
              SecureError::buffer_too_small);
    EXPECT_FALSE(hs.pending());
}

TEST(SecurePeerTable, AddFindRemove) {
    PeerTable t;
    const PublicKey k1 = public_key_of(key_from(seq(1)));
    const PublicKey k2 = public_key_of(key_from(seq(2)));
    const PublicKey k3 = public_key_of(key_from(seq(3)));
    EXPECT_TRUE(t.add("site-b", k1));
    EXPECT_TRUE(t.add("site-b", k2));  // a second key for one name (rollover)
    EXPECT_FALSE(t.add("site-c", k1));  // one name per key
    EXPECT_FALSE(t.add("site-d", PublicKey{}));  // small order (zero)
    PublicKey one;
    one.bytes[0] = std::byte{1};
    EXPECT_FALSE(t.add("site-d", one));
    EXPECT_TRUE(t.add("site-c", k3));
    EXPECT_EQ(t.size(), 3U);
    EXPECT_EQ(*t.key_of("site-b"), k1);
    EXPECT_EQ(t.find(k2)->name, "site-b");
    EXPECT_EQ(t.key_of("site-x"), nullptr);
    EXPECT_TRUE(t.remove(k1));
    EXPECT_FALSE(t.remove(k1));
    EXPECT_EQ(*t.key_of("site-b"), k2);
    EXPECT_EQ(t.find(k3)->name, "site-c");
    EXPECT_EQ(t.find(k1), nullptr);
}

}  // namespace
}  // namespace ogw::ipcp::secure
