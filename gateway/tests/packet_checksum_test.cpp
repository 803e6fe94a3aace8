// SPDX-License-Identifier: BSD-3-Clause
#include "packet/checksum.hpp"

#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;

std::span<const std::byte> span_of(const Bytes& b) {
    return b;
}

// Deterministic pseudo-random bytes (std::mt19937 is fully specified by the standard).
Bytes random_bytes(std::mt19937& rng, std::size_t n) {
    Bytes out(n);
    for (auto& b : out) {
        b = static_cast<std::byte>(rng() & 0xff);
    }
    return out;
}

TEST(Checksum, MatchesRfc1071NumericalExample) {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0x2ddf0, folded 0xddf2.
    const Bytes data = bytes({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7});
    EXPECT_EQ(checksum_add(0, data), 0xddf2U);
    EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(Checksum, OfEmptyDataIsAllOnes) {
    EXPECT_EQ(checksum_add(0, {}), 0U);
    EXPECT_EQ(internet_checksum({}), 0xffff);
}

TEST(Checksum, PadsAnOddTrailingByteWithZero) {
    EXPECT_EQ(internet_checksum(bytes({0x01})), 0xfeff);
    EXPECT_EQ(internet_checksum(bytes({0xab, 0xcd, 0xef})),
              internet_checksum(bytes({0xab, 0xcd, 0xef, 0x00})));
}

TEST(Checksum, FoldsCarriesRepeatedly) {
    // 0xffff + 0xffff + 0x0002 = 0x20000 -> 0x0002 after folding twice.
    EXPECT_EQ(checksum_add(0, bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x02})), 0x0002U);
    EXPECT_EQ(checksum_add(0xffffffffU, {}), 0xffffU);
    EXPECT_EQ(checksum_finish(0x1fffeU), 0x0000);
    EXPECT_EQ(checksum_finish(0), 0xffff);
}

TEST(Checksum, SummingInEvenPiecesEqualsSummingAtOnce) {
    std::mt19937 rng(1071);
    for (std::size_t n = 0; n < 64; ++n) {
        const Bytes data = random_bytes(rng, n);
        for (std::size_t split = 0; split <= n; split += 2) {
            const auto whole = span_of(data);
            const std::uint32_t pieces =
                checksum_add(checksum_add(0, whole.first(split)), whole.subspan(split));
            ASSERT_EQ(pieces, checksum_add(0, whole)) << "n=" << n << " split=" << split;
        }
    }
}

TEST(Checksum, AMessageWithItsChecksumSumsToZero) {
    std::mt19937 rng(791);
    for (std::size_t n = 2; n < 80; n += 2) {
        Bytes data = random_bytes(rng, n);
        testing::put16(data, 0, 0);
        testing::put16(data, 0, internet_checksum(data));
        EXPECT_EQ(internet_checksum(data), 0) << "n=" << n;
        EXPECT_TRUE(testing::sums_to_zero({}, data)) << "n=" << n;
    }
}

TEST(Checksum, VerifiesTheGoldenIpv4Header) {
    EXPECT_EQ(internet_checksum(span_of(testing::tcp_syn_v4).first(20)), 0);
    Bytes broken = testing::tcp_syn_v4;
    testing::put8(broken, 8, 63);
    EXPECT_NE(internet_checksum(span_of(broken).first(20)), 0);
}

TEST(Checksum, PseudoHeaderReproducesTheGoldenTcpChecksums) {
    struct Case {
        const Bytes* packet;
        std::size_t l4_offset;
        std::uint16_t expected;
    };
    for (const Case& c :
         {Case{&testing::tcp_syn_v4, 20, 0x825e}, Case{&testing::tcp_syn_v6, 40, 0x9ce9}}) {
        Bytes segment(c.packet->begin() + static_cast<std::ptrdiff_t>(c.l4_offset),
                      c.packet->end());
        testing::put16(segment, 16, 0);
        const bool v4 = c.l4_offset == 20;
        const auto addresses = span_of(*c.packet).subspan(v4 ? 12 : 8, v4 ? 8 : 32);
        const std::size_t half = addresses.size() / 2;
        const std::uint32_t pseudo =
            pseudo_header_sum(addresses.first(half), addresses.subspan(half), 6,
                              static_cast<std::uint32_t>(segment.size()));
        EXPECT_EQ(checksum_finish(checksum_add(pseudo, segment)), c.expected);
    }
}

TEST(Checksum, PseudoHeaderOverloadsAgree) {
    const IpAddress v4a = IpAddress::v4({192, 0, 2, 1});
    const IpAddress v4b = IpAddress::v4({198, 51, 100, 7});
    const IpAddress v6a =
        IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    const IpAddress v6b =
        IpAddress::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd});
    for (const auto& [a, b] : {std::pair{v4a, v4b}, std::pair{v6a, v6b}}) {
        EXPECT_EQ(pseudo_header_sum(a, b, 17, 1234),
                  pseudo_header_sum(std::as_bytes(a.bytes()), std::as_bytes(b.bytes()), 17, 1234));
    }
}

TEST(Checksum, PseudoHeaderSumMatchesAnIndependentSum) {
    const IpAddress src = IpAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    const IpAddress dst = IpAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    // A length above 65535 (jumbogram) contributes both of its 16-bit halves.
    for (const std::uint32_t length : {0U, 20U, 0xffffU, 0x10001U, 0xfffffffeU}) {
        Bytes pseudo;
        for (const auto* a : {&src, &dst}) {
            for (const std::uint8_t b : a->bytes()) {
                pseudo.push_back(static_cast<std::byte>(b));
            }
        }
        const Bytes tail =
            bytes({static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                   static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), 0, 0,
                   0, 6});
        pseudo.insert(pseudo.end(), tail.begin(), tail.end());
        EXPECT_EQ(pseudo_header_sum(src, dst, 6, length) % 0xffff,
                  testing::sum_mod_ffff({}, pseudo))
            << length;
    }
}

TEST(ChecksumUpdate, MatchesRfc1624Example) {
    // RFC 1624 §4: m = 0x5555 -> 0x3285, HC = 0xdd2f; eqn. 3 gives 0x0000 (eqn. 2 gave the
    // wrong 0xffff).
    EXPECT_EQ(checksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(ChecksumUpdate, NoChangeKeepsTheChecksum) {
    EXPECT_EQ(checksum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
}

TEST(ChecksumUpdate, AgreesWithRecomputationForEveryWord) {
    std::mt19937 rng(1624);
    for (int round = 0; round < 200; ++round) {
        Bytes data = random_bytes(rng, 2 * (2 + rng() % 40));
        testing::put16(data, 0, 0);
        testing::put16(data, 0, internet_checksum(data));
        const std::size_t word = 2 * (1 + rng() % (data.size() / 2 - 1));
        const std::uint16_t old_word = testing::u16(data, word);
        const auto new_word = static_cast<std::uint16_t>(round % 7 == 0 ? 0 : rng());
        testing::put16(data, word, new_word);
        testing::put16(data, 0, checksum_update16(testing::u16(data, 0), old_word, new_word));
        ASSERT_TRUE(testing::sums_to_zero({}, data)) << "round " << round;
    }
}

}  // namespace
}  // namespace ogw::gw
