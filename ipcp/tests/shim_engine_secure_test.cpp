// SPDX-License-Identifier: BSD-3-Clause
// Sealed flows in the shim engine (docs/security.md §9): handshake in FLOW_REQ/FLOW_REPLY,
// every later message sealed, refusals, forged and replayed input.
#include "harness.hpp"
#include "test_util.hpp"

#include <flowlib/bytes.hpp>
#include <ipcp/secure/handshake.hpp>
#include <ogw/errno.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;
using flow::FlowState;
using test::TestNode;

std::shared_ptr<const secure::Identity> identity(std::uint64_t seed) {
    secure::DeterministicRng rng(seed);
    return std::make_shared<secure::Identity>(secure::generate_secret(rng));
}

struct Captured {
    PeerAddress from;
    PeerAddress to;
    std::vector<std::byte> bytes;
};

class SecureEngineTest : public ::testing::Test {
protected:
    FakeClock clock;
    LoopbackNetwork net{clock, 11};
    std::shared_ptr<const secure::Identity> id_a = identity(1);
    std::shared_ptr<const secure::Identity> id_b = identity(2);
    std::shared_ptr<const secure::Identity> id_c = identity(3);  // a key nobody lists
    std::vector<Captured> wire;
    secure::SessionLimits limits;  // WireGuard's times: rekey after 120 s, reject after 180 s
    AdmissionConfig admission;

    EngineConfig config(std::string name, std::shared_ptr<const secure::Identity> self,
                        std::vector<std::pair<std::string, secure::PublicKey>> peers,
                        EncryptionMode mode = EncryptionMode::required, std::uint64_t seed = 9) {
        EngineConfig c;
        c.local_name = std::move(name);
        auto s = std::make_shared<EngineSecurity>();
        s->mode = mode;
        s->identity = std::move(self);
        s->peers = std::move(peers);
        s->unix_ns = [this] {
            return 1'700'000'000'000'000'000ULL +
                   static_cast<std::uint64_t>(clock.now().time_since_epoch().count());
        };
        s->rng = std::make_shared<secure::DeterministicRng>(seed);
        s->limits = limits;
        c.security = std::move(s);
        c.admission = admission;
        return c;
    }

    std::unique_ptr<TestNode> a;
    std::unique_ptr<TestNode> b;

    void make(EngineConfig ca, EngineConfig cb) {
        a = std::make_unique<TestNode>(clock, net, "node-a", std::move(ca));
        b = std::make_unique<TestNode>(clock, net, "node-b", std::move(cb));
        b->serve("oecho");
        b->serve("site-b");
        net.set_filter([this](const PeerAddress& from, const PeerAddress& to,
                              std::span<const std::byte> bytes) {
            wire.push_back({from, to, {bytes.begin(), bytes.end()}});
            return true;
        });
    }

    void make_default() {
        make(config("site-a", id_a, {{"site-b", id_b->public_key()}}),
             config("site-b", id_b, {{"site-a", id_a->public_key()}}, EncryptionMode::required,
                    10));
    }

    Eid allocate(std::string_view first = {}) {
        const Eid eid = a->alloc(clock.now(), "site-b", b->address(), qos_raw, 5s, first);
        EXPECT_NE(eid, no_eid);
        EXPECT_TRUE(net.run_until_condition(
            [&] {
                return a->engine().find(eid) != nullptr &&
                       a->engine().find(eid)->fsm.state() == FlowState::allocated;
            },
            1s));
        return eid;
    }
    Eid server_eid() { return b->accepted.empty() ? no_eid : b->accepted.back(); }
    std::uint64_t drops(TestNode& n, DropReason r) {
        return n.engine().counters().drops[static_cast<std::size_t>(r)];
    }
    static bool contains(const std::vector<std::byte>& hay, std::string_view needle) {
        const auto* p = reinterpret_cast<const std::byte*>(needle.data());
        return std::search(hay.begin(), hay.end(), p, p + needle.size()) != hay.end();
    }
    // The last message on the wire from `from` whose type byte is `type`.
    std::vector<std::byte> last_of(const PeerAddress& from, std::uint8_t type) {
        for (auto it = wire.rbegin(); it != wire.rend(); ++it) {
            if (it->from == from && it->bytes.size() > 1 &&
                static_cast<std::uint8_t>(it->bytes[1]) == type) {
                return it->bytes;
            }
        }
        return {};
    }
};

TEST_F(SecureEngineTest, SealedFlowCarriesDataBothWaysAndNoPlaintextOnTheWire) {
    make_default();
    const Eid ea = allocate("first secret");
    const Eid eb = server_eid();
    ASSERT_NE(eb, no_eid);
    ASSERT_EQ(b->flow(eb).queue.size(), 1U);  // the first SDU rode in the initiation
    EXPECT_EQ(b->flow(eb).queue.front().data, "first secret");
    b->flow(eb).queue.clear();

    EXPECT_EQ(a->write(clock.now(), ea, "MARKER-ping"), 0);
    net.run_for(20ms);
    ASSERT_EQ(b->flow(eb).queue.size(), 1U);
    EXPECT_EQ(b->flow(eb).queue.front().data, "MARKER-ping");
    EXPECT_EQ(b->write(clock.now(), eb, "MARKER-pong"), 0);
    a->read(clock.now(), ea);
    net.run_for(20ms);
    ASSERT_EQ(a->flow(ea).reads.size(), 1U);
    EXPECT_EQ(a->flow(ea).reads[0].data, "MARKER-pong");

    EXPECT_EQ(a->engine().data_header_size(), 16U);
    EXPECT_EQ(a->engine().data_trailer_size(), 16U);
    for (const auto& m : wire) {
        EXPECT_FALSE(contains(m.bytes, "MARKER")) << "plaintext on the wire";
        EXPECT_FALSE(contains(m.bytes, "first secret")) << "plaintext on the wire";
        ASSERT_GE(m.bytes.size(), 2U);
        EXPECT_NE(static_cast<std::uint8_t>(m.bytes[1]) & 0x80, 0) << "a plain message";
    }
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
    EXPECT_EQ(b->engine().counters().total_drops(), 0U);
}

TEST_F(SecureEngineTest, MaxSduShrinksBySealedOverhead) {
    make_default();
    EngineConfig plain;
    TestNode p(clock, net, "plain", plain);
    EXPECT_EQ(p.engine().max_sdu() - a->engine().max_sdu(), 24U);
    EXPECT_EQ(p.engine().max_piggyback() - a->engine().max_piggyback(),
              secure::initiation_fixed_size + std::string("site-a").size());
}

TEST_F(SecureEngineTest, KeepalivesAndDeallocAreSealedAndWork) {
    make_default();
    const Eid ea = allocate();
    const Eid eb = server_eid();
    net.run_for(200s);  // keepalives (timeout 120 s by default) keep the flow up
    ASSERT_NE(a->engine().find(ea), nullptr);
    EXPECT_EQ(a->engine().find(ea)->fsm.state(), FlowState::allocated);
    EXPECT_GT(a->engine().find(ea)->counters.keepalives_received, 0U);
    a->engine().dealloc(clock.now(), ea);
    net.run_for(50ms);
    EXPECT_EQ(b->engine().find(eb)->fsm.state(), FlowState::peer_deallocated);
    EXPECT_EQ(a->engine().find(ea), nullptr);
    EXPECT_EQ(b->engine().counters().total_drops(), 0U);
    EXPECT_NE(last_of(a->address(), 0x83).size(), 0U);  // sealed FLOW_DEALLOC
    EXPECT_NE(last_of(b->address(), 0x84).size(), 0U);  // sealed DEALLOC_ACK
}

TEST_F(SecureEngineTest, UnlistedKeyIsRefusedWithEauthAndCounted) {
    make(config("site-a", id_a, {{"site-b", id_b->public_key()}}),
         config("site-b", id_b, {{"site-x", id_c->public_key()}}, EncryptionMode::required, 10));
    const Eid ea = a->alloc(clock.now(), "site-b", b->address());
    net.run_for(100ms);
    EXPECT_EQ(a->engine().find(ea), nullptr);
    EXPECT_EQ(a->flow(ea).alloc_result, -EAUTH);
    EXPECT_EQ(b->engine().flow_count(), 0U);
    EXPECT_GE(drops(*b, DropReason::unauthorized), 1U);
    // The refusal is smaller than the request.
    const auto req = last_of(a->address(), 0x81);
    const auto ref = last_of(b->address(), 0x82);
    ASSERT_FALSE(ref.empty());
    EXPECT_EQ(ref.size(), 36U);
    EXPECT_LT(ref.size(), req.size());
}

TEST_F(SecureEngineTest, WrongKeyForTheResponderFailsWithEauth) {
    // a believes site-b has key c: its initiation is not made for b's key (bad mac1).
    make(config("site-a", id_a, {{"site-b", id_c->public_key()}}),
         config("site-b", id_b, {{"site-a", id_a->public_key()}}, EncryptionMode::required, 10));
    const Eid ea = a->alloc(clock.now(), "site-b", b->address());
    net.run_for(100ms);
    EXPECT_EQ(a->flow(ea).alloc_result, -EAUTH);
    EXPECT_GE(drops(*b, DropReason::auth_failed), 1U);
    EXPECT_EQ(b->engine().flow_count(), 0U);
}

TEST_F(SecureEngineTest, NoKeyForTheDestinationFailsAtOnceUnderRequired) {
    make(config("site-a", id_a, {}), config("site-b", id_b, {{"site-a", id_a->public_key()}}));
    const auto r = a->engine().alloc(clock.now(), NameHash::of("site-b"), qos_raw, b->address(),
                                     5s, 0);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code.value(), EAUTH);
    EXPECT_TRUE(wire.empty());
}

TEST_F(SecureEngineTest, KeyFoundThroughTheDirectoryAddress) {
    make_default();
    // Allocating "oecho" (not a node name): the key is site-b's because the directory puts
    // site-b at the destination address.
    TestNode a2(clock, net, "node-a2", [&] {
        auto c = config("site-a", id_a, {{"site-b", id_b->public_key()}});
        auto sec = std::make_shared<EngineSecurity>(*c.security);
        const PeerAddress where = b->address();
        sec->lookup = [where](std::string_view name) -> std::optional<PeerAddress> {
            return name == "site-b" ? std::optional<PeerAddress>(where) : std::nullopt;
        };
        c.security = sec;
        return c;
    }());
    const Eid ea = a2.alloc(clock.now(), "oecho", b->address());
    ASSERT_NE(ea, no_eid);
    EXPECT_TRUE(net.run_until_condition(
        [&] {
            return a2.engine().find(ea) != nullptr &&
                   a2.engine().find(ea)->fsm.state() == FlowState::allocated;
        },
        1s));
}

TEST_F(SecureEngineTest, PlainRequestIsRefusedWithEcryptUnderRequired) {
    make_default();
    EngineConfig plain_cfg;
    plain_cfg.local_name = "site-a";
    TestNode p(clock, net, "plain", plain_cfg);
    const Eid ep = p.alloc(clock.now(), "oecho", b->address());
    net.run_for(100ms);
    EXPECT_EQ(p.flow(ep).alloc_result, -ECRYPT);
    EXPECT_EQ(b->engine().flow_count(), 0U);
    EXPECT_EQ(drops(*b, DropReason::not_encrypted), 1U);
}

TEST_F(SecureEngineTest, OptionalModeTalksPlainToPeersWithoutKeys) {
    make(config("site-a", id_a, {}, EncryptionMode::optional),
         config("site-b", id_b, {}, EncryptionMode::optional, 10));
    const Eid ea = a->alloc(clock.now(), "oecho", b->address());
    ASSERT_TRUE(net.run_until_condition(
        [&] {
            return a->engine().find(ea) != nullptr &&
                   a->engine().find(ea)->fsm.state() == FlowState::allocated;
        },
        1s));
    const Eid eb = server_eid();
    EXPECT_EQ(a->write(clock.now(), ea, "plain ping"), 0);
    net.run_for(20ms);
    ASSERT_EQ(b->flow(eb).queue.size(), 1U);
    EXPECT_EQ(b->flow(eb).queue.front().data, "plain ping");
    EXPECT_TRUE(contains(wire.back().bytes, "plain ping"));
    EXPECT_EQ(wire.back().bytes.size(), 8U + 10U);  // a v1 DATA message
}

TEST_F(SecureEngineTest, ForgedDeallocKeepaliveAndDataChangeNothing) {
    make_default();
    const Eid ea = allocate();
    const Eid eb = server_eid();
    const Eid remote = a->engine().find(ea)->remote_eid;
    // Sealed messages with a valid eid and junk contents, from the peer's own address (the
    // worst case: a spoofed source) and from a third station.
    auto& third = net.attach("third");
    for (int type : {0x83, 0x85, 0x80, 0x84}) {
        std::vector<std::byte> m(48, std::byte{0x11});
        m[0] = std::byte{1};
        m[1] = static_cast<std::byte>(type);
        m[2] = std::byte{0};
        m[3] = std::byte{48};
        be::store32(m.data() + 4, eb);
        third.transmit(b->address(), m);
        // Plain forms too: a v1 dealloc and keepalive for the sealed flow.
    }
    std::vector<std::byte> plain(16);
    CodecV1 codec;
    codec.encode(FlowDeallocMsg{eb, remote, flow::DeallocReason::closed}, plain);
    third.transmit(b->address(), plain);
    codec.encode(FlowDeallocMsg{no_eid, remote, flow::DeallocReason::unknown_endpoint}, plain);
    third.transmit(b->address(), plain);
    net.run_for(20ms);
    EXPECT_EQ(b->engine().find(eb)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(drops(*b, DropReason::wrong_peer), 4U);  // sealed, from the wrong address
    EXPECT_EQ(drops(*b, DropReason::not_encrypted), 2U);

    // The same forged messages as if from a's address: they fail authentication.
    const std::uint64_t before = b->engine().counters().total_drops();
    for (int type : {0x83, 0x85, 0x84}) {
        auto m = last_of(a->address(), 0x80);
        if (m.empty()) {
            EXPECT_EQ(a->write(clock.now(), ea, "x"), 0);
            net.run_for(20ms);
            m = last_of(a->address(), 0x80);
        }
        ASSERT_FALSE(m.empty());
        m[1] = static_cast<std::byte>(type);  // the header is associated data: any change fails
        b->engine().on_receive(clock.now(), a->address(), m);
    }
    EXPECT_EQ(drops(*b, DropReason::auth_failed), 3U);
    EXPECT_EQ(b->engine().counters().total_drops(), before + 3);
    EXPECT_EQ(b->engine().find(eb)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(a->engine().find(ea)->fsm.state(), FlowState::allocated);
}

TEST_F(SecureEngineTest, RestartedPeerIsFoundByAnAuthenticatedProbe) {
    make_default();
    const Eid ea = allocate();
    // node-b dies without a word (its deallocs are lost) and restarts: a fresh engine at the
    // same address, with the same key, knows no flows.
    net.set_filter([this](const PeerAddress& from, const PeerAddress&, std::span<const std::byte> m) {
        return !(from == b->address() && m.size() > 1 && m[1] == std::byte{0x83});
    });
    b->engine().dealloc_all(clock.now(), flow::DeallocReason::shutdown);
    auto b2 = std::make_unique<TestNode>(
        clock, net, "node-b",
        config("site-b", id_b, {{"site-a", id_a->public_key()}}, EncryptionMode::required, 12));
    b2->serve("site-b");
    a->read(clock.now(), ea);
    const Instant t = clock.now();
    ASSERT_EQ(a->write(t, ea, "anyone there?"), 0);
    net.run_for(3s);
    ASSERT_EQ(a->flow(ea).reads.size(), 1U);
    EXPECT_EQ(a->flow(ea).reads[0].error, -EFLOWPEER);
    // Within the probe window (at most 1 s) of the first answer, far from the 120 s timeout.
    EXPECT_LE(a->flow(ea).reads[0].at - t, 1100ms);
    EXPECT_EQ(a->engine().counters().restart_probes, 1U);
    EXPECT_EQ(a->engine().counters().restarts_detected, 1U);
    EXPECT_GE(b2->engine().counters().unknown_endpoint_replies, 1U);
}

TEST_F(SecureEngineTest, ForgedUnknownEndpointHintCostsOneProbeAndNothingElse) {
    make_default();
    const Eid ea = allocate();
    const Eid remote = a->engine().find(ea)->remote_eid;
    // An attacker spoofing b's address claims b lost the flow.
    auto& spoofer = net.attach("spoofer");
    std::vector<std::byte> hint(16);
    CodecV1 codec;
    hint.resize(codec.encode(
        FlowDeallocMsg{no_eid, remote, flow::DeallocReason::unknown_endpoint}, hint));
    for (int i = 0; i < 5; ++i) {
        a->engine().on_receive(clock.now(), b->address(), hint);
    }
    (void)spoofer;
    net.run_for(5s);
    // b answered the probe with an authentic echo: the flow lives on.
    EXPECT_EQ(a->engine().find(ea)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(a->engine().counters().restart_probes, 1U);  // one probe, however many hints
    EXPECT_EQ(a->engine().counters().restarts_detected, 0U);
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
}

std::size_t count_type(const std::vector<Captured>& wire, const PeerAddress& from,
                       std::uint8_t type) {
    return static_cast<std::size_t>(std::count_if(wire.begin(), wire.end(), [&](const auto& m) {
        return m.from == from && m.bytes.size() > 1 && static_cast<std::uint8_t>(m.bytes[1]) == type;
    }));
}

TEST_F(SecureEngineTest, LiveFlowRekeysAndKeepsCarryingData) {
    limits.rekey_after_time = 2s;
    limits.reject_after_time = 3s;
    make_default();
    const Eid ea = allocate();
    const Eid eb = server_eid();
    a->read(clock.now(), ea);
    int sent = 0;
    for (int i = 0; i < 40; ++i) {  // 20 s: ten key lifetimes
        ASSERT_EQ(a->write(clock.now(), ea, "up"), 0);
        ASSERT_EQ(b->write(clock.now(), eb, "down"), 0);
        ++sent;
        net.run_for(500ms);
    }
    net.run_for(200s);  // idle: keepalives only, still past several key lifetimes
    ASSERT_EQ(a->write(clock.now(), ea, "up"), 0);
    ++sent;
    net.run_for(50ms);
    ASSERT_NE(a->engine().find(ea), nullptr);
    EXPECT_EQ(a->engine().find(ea)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(b->engine().find(eb)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(b->flow(eb).queue.size(), static_cast<std::size_t>(sent));
    EXPECT_GE(a->engine().counters().rekeys, 9U);
    EXPECT_EQ(a->engine().counters().rekeys, b->engine().counters().rekeys);
    EXPECT_EQ(count_type(wire, a->address(), 0x88), a->engine().counters().rekeys);  // no resends
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
    EXPECT_EQ(b->engine().counters().total_drops(), 0U);
    // The keys in use are young: each end dropped the old ones.
    const auto* keys = &a->engine().find(ea)->secure->keys;
    EXPECT_LT(clock.now() - keys->current()->created(), 3s);
}

TEST_F(SecureEngineTest, LostRekeyAnswerIsRepeatedFromTheSameOffer) {
    limits.rekey_after_time = 2s;
    limits.reject_after_time = 3s;
    make_default();
    const Eid ea = allocate();
    const Eid eb = server_eid();
    int answers_lost = 0;
    net.set_filter([&](const PeerAddress& from, const PeerAddress&, std::span<const std::byte> m) {
        wire.push_back({from, {}, {m.begin(), m.end()}});
        if (from == b->address() && m.size() > 1 && m[1] == std::byte{0x88} && answers_lost < 2) {
            ++answers_lost;
            return false;
        }
        return true;
    });
    net.run_for(6s);
    EXPECT_EQ(answers_lost, 2);
    EXPECT_GE(a->engine().counters().rekeys, 1U);
    EXPECT_EQ(b->engine().counters().rekeys, a->engine().counters().rekeys);  // one per offer id
    EXPECT_GE(count_type(wire, a->address(), 0x88), 3U);  // the offer, repeated
    EXPECT_EQ(a->write(clock.now(), ea, "after"), 0);
    net.run_for(20ms);
    EXPECT_EQ(b->flow(eb).queue.size(), 1U);
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
    EXPECT_EQ(b->engine().counters().total_drops(), 0U);
}

TEST_F(SecureEngineTest, ReplayedOrForgedRekeyChangesNothing) {
    limits.rekey_after_time = 2s;
    limits.reject_after_time = 3s;
    make_default();
    allocate();
    const Eid eb = server_eid();
    net.run_for(2500ms);
    ASSERT_EQ(b->engine().counters().rekeys, 1U);
    auto offer = last_of(a->address(), 0x88);
    ASSERT_EQ(offer.size(), secure::rekey_message_size);
    auto replay = offer;
    b->engine().on_receive(clock.now(), a->address(), replay);
    auto forged = offer;
    forged[30] ^= std::byte{1};
    b->engine().on_receive(clock.now(), a->address(), forged);
    EXPECT_EQ(b->engine().counters().rekeys, 1U);
    EXPECT_EQ(drops(*b, DropReason::replayed), 1U);
    EXPECT_EQ(drops(*b, DropReason::auth_failed), 1U);
    EXPECT_EQ(b->engine().find(eb)->fsm.state(), FlowState::allocated);
}

TEST_F(SecureEngineTest, UnderLoadARequestNeedsACookieAndThenSucceeds) {
    admission.load_handshakes = 0;  // every handshake finds the responder under load
    make_default();
    const Eid ea = a->alloc(clock.now(), "site-b", b->address(), qos_raw, 5s);
    ASSERT_NE(ea, no_eid);
    net.run_for(30ms);
    // The first request cost b no X25519: it was answered with a cookie, 76 bytes.
    EXPECT_EQ(b->engine().counters().cookie_replies, 1U);
    EXPECT_EQ(drops(*b, DropReason::overloaded), 1U);
    ASSERT_FALSE(wire.empty());
    const auto& cookie = wire[1];  // the answer to the first request
    EXPECT_EQ(cookie.from, b->address());
    EXPECT_EQ(cookie.bytes.size(), wire::flow_reply_size + secure::cookie_reply_size);
    EXPECT_LT(cookie.bytes.size(), wire[0].bytes.size());  // no amplification
    // a's retransmission at once carries mac2 and gets through.
    EXPECT_TRUE(net.run_until_condition(
        [&] {
            return a->engine().find(ea) != nullptr &&
                   a->engine().find(ea)->fsm.state() == FlowState::allocated;
        },
        3s));
    EXPECT_EQ(b->engine().counters().cookie_replies, 1U);
    EXPECT_EQ(drops(*b, DropReason::auth_failed), 0U);
    EXPECT_EQ(a->engine().counters().total_drops(), 0U);
    // The next flow to b carries the cookie from its first request: no extra round trip.
    allocate();
    EXPECT_EQ(b->engine().counters().cookie_replies, 1U);
    EXPECT_EQ(drops(*b, DropReason::overloaded), 1U);
}

TEST_F(SecureEngineTest, HandshakesAreRateLimitedPerSource) {
    admission.handshakes_per_source = 1;  // a burst of 2, then one a second
    make_default();
    for (int i = 0; i < 4; ++i) {
        a->alloc(clock.now(), "site-b", b->address(), qos_raw, 10s);
    }
    net.run_for(50ms);
    EXPECT_EQ(b->engine().flow_count(), 2U);
    EXPECT_EQ(drops(*b, DropReason::overloaded), 2U);
    net.run_for(5s);  // retransmissions get in as tokens come back
    EXPECT_EQ(b->engine().flow_count(), 4U);
}

TEST_F(SecureEngineTest, ReplayedDataIsDroppedAndCounted) {
    make_default();
    const Eid ea = allocate();
    const Eid eb = server_eid();
    EXPECT_EQ(a->write(clock.now(), ea, "once"), 0);
    net.run_for(20ms);
    ASSERT_EQ(b->flow(eb).queue.size(), 1U);
    auto captured = last_of(a->address(), 0x80);
    ASSERT_FALSE(captured.empty());
    for (int i = 0; i < 3; ++i) {
        auto copy = captured;
        b->engine().on_receive(clock.now(), a->address(), copy);
    }
    EXPECT_EQ(b->flow(eb).queue.size(), 1U);
    EXPECT_EQ(drops(*b, DropReason::replayed), 3U);
}

TEST_F(SecureEngineTest, RetransmittedRequestGetsTheCachedReply) {
    make_default();
    // Lose b's first reply: a retransmits its request byte for byte, b answers from its cache.
    int replies = 0;
    net.set_filter([&](const PeerAddress& from, const PeerAddress&, std::span<const std::byte> m) {
        wire.push_back({from, {}, {m.begin(), m.end()}});
        if (from == b->address() && m.size() > 1 && static_cast<std::uint8_t>(m[1]) == 0x82) {
            return ++replies > 1;
        }
        return true;
    });
    const Eid ea = a->alloc(clock.now(), "site-b", b->address());
    ASSERT_TRUE(net.run_until_condition(
        [&] {
            return a->engine().find(ea) != nullptr &&
                   a->engine().find(ea)->fsm.state() == FlowState::allocated;
        },
        4s));
    EXPECT_EQ(b->engine().flow_count(), 1U);
    EXPECT_GE(replies, 2);
    EXPECT_EQ(a->engine().find(ea)->fsm.state(), FlowState::allocated);
    EXPECT_EQ(a->write(clock.now(), ea, "after"), 0);
    net.run_for(20ms);
    EXPECT_EQ(b->flow(server_eid()).queue.back().data, "after");
}

TEST_F(SecureEngineTest, OffModeIsProtocolV1) {
    make(config("site-a", id_a, {}, EncryptionMode::off),
         config("site-b", id_b, {}, EncryptionMode::off));
    EXPECT_FALSE(a->engine().encryption_enabled());
    EXPECT_EQ(a->engine().data_header_size(), 8U);
    const Eid ea = a->alloc(clock.now(), "oecho", b->address());
    net.run_for(50ms);
    ASSERT_NE(a->engine().find(ea), nullptr);
    for (const auto& m : wire) {
        EXPECT_EQ(static_cast<std::uint8_t>(m.bytes[1]) & 0x80, 0);
    }
    // A secure message is an unknown type there, as before.
    std::vector<std::byte> m(48);
    m[0] = std::byte{1};
    m[1] = std::byte{0x81};
    m[3] = std::byte{48};
    b->engine().on_receive(clock.now(), a->address(), m);
    EXPECT_EQ(drops(*b, DropReason::bad_type), 1U);
}

}  // namespace
}  // namespace ogw::ipcp
