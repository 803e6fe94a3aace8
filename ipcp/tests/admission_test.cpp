// SPDX-License-Identifier: BSD-3-Clause
// Admission of flow requests: half-open bound per source, handshake rate per source, load.
#include <ipcp/admission.hpp>

#include <gtest/gtest.h>

#include <array>

namespace ogw::ipcp {
namespace {

using namespace std::chrono_literals;

PeerAddress source(std::uint8_t n) {
    const std::array<std::byte, 6> b{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{n},
                                     std::byte{0x0d}, std::byte{0x6b}};
    return PeerAddress::from_bytes(b);
}

class AdmissionTest : public ::testing::Test {
protected:
    Instant t = Instant(std::chrono::hours(1));
};

TEST_F(AdmissionTest, HalfOpenFlowsAreBoundedPerSource) {
    AdmissionConfig cfg;
    cfg.half_open_per_source = 2;
    Admission a(cfg);
    EXPECT_EQ(a.admit_request(source(1)), Admit::yes);
    a.half_open_added(source(1));
    a.half_open_added(source(1));
    EXPECT_EQ(a.admit_request(source(1)), Admit::too_many_half_open);
    EXPECT_EQ(a.admit_request(source(2)), Admit::yes);  // another source has its own share
    a.half_open_removed(source(1));
    EXPECT_EQ(a.admit_request(source(1)), Admit::yes);
    EXPECT_EQ(a.half_open(), 1U);
    a.half_open_removed(source(1));
    a.half_open_removed(source(1));  // one too many: ignored
    EXPECT_EQ(a.half_open(), 0U);
}

TEST_F(AdmissionTest, HandshakesAreRateLimitedPerSourceWithABurst) {
    AdmissionConfig cfg;
    cfg.handshakes_per_source = 10;
    cfg.load_handshakes = 1000;
    Admission a(cfg);
    int admitted = 0;
    for (int i = 0; i < 50; ++i) {
        admitted += a.admit_handshake(t, source(1)) == Admit::yes;
    }
    EXPECT_EQ(admitted, 20);  // the burst: twice the rate
    EXPECT_EQ(a.admit_handshake(t, source(2)), Admit::yes);
    EXPECT_EQ(a.admit_handshake(t + 100ms, source(1)), Admit::yes);  // one token back
    EXPECT_EQ(a.admit_handshake(t + 100ms, source(1)), Admit::rate_limited);
    admitted = 0;
    for (int i = 0; i < 50; ++i) {
        admitted += a.admit_handshake(t + 10s, source(1)) == Admit::yes;
    }
    EXPECT_EQ(admitted, 20);  // refilled up to the burst, not beyond
}

TEST_F(AdmissionTest, ManyHandshakesMeanUnderLoadForTwoSeconds) {
    AdmissionConfig cfg;
    cfg.load_handshakes = 5;
    cfg.handshakes_per_source = 100;
    Admission a(cfg);
    for (int i = 0; i < 5; ++i) {
        a.admit_handshake(t, source(1));
    }
    EXPECT_FALSE(a.under_load(t));
    a.admit_handshake(t + 10ms, source(1));
    EXPECT_TRUE(a.under_load(t + 10ms));
    EXPECT_TRUE(a.under_load(t + 1500ms));  // judged on the last full second too
    a.admit_handshake(t + 1500ms, source(1));
    EXPECT_TRUE(a.under_load(t + 2400ms));
    EXPECT_FALSE(a.under_load(t + 3600ms));
}

TEST_F(AdmissionTest, ManyHalfOpenFlowsOrSourcesMeanUnderLoad) {
    AdmissionConfig cfg;
    cfg.load_half_open = 3;
    cfg.max_sources = 4;
    cfg.handshakes_per_source = 1;
    Admission a(cfg);
    for (std::uint8_t i = 1; i <= 4; ++i) {
        a.half_open_added(source(i));
    }
    EXPECT_TRUE(a.under_load(t));
    for (std::uint8_t i = 1; i <= 4; ++i) {
        a.half_open_removed(source(i));
    }
    EXPECT_FALSE(a.under_load(t));  // four sources tracked, all prunable
    EXPECT_EQ(a.admit_handshake(t, source(9)), Admit::yes);  // pruned to make room
    EXPECT_LE(a.sources(), 4U);
    // Sources that hold state are kept: no room for a fifth.
    for (std::uint8_t i = 1; i <= 4; ++i) {
        a.half_open_added(source(i));
    }
    EXPECT_EQ(a.admit_handshake(t, source(20)), Admit::rate_limited);
    EXPECT_TRUE(a.under_load(t));
}

}  // namespace
}  // namespace ogw::ipcp
