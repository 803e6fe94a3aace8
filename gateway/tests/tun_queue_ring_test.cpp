// SPDX-License-Identifier: BSD-3-Clause
// PacketRing between two threads, and the queue a written packet goes to.
#include "tun/packet_ring.hpp"
#include "tun/tun_queue_workers.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace ogw::gw {
namespace {

TEST(PacketRing, HoldsWhatWasPublishedInOrderUntilFull) {
    PacketRing ring(3, 16);  // rounded up to 4 slots
    EXPECT_EQ(ring.capacity(), 4U);
    EXPECT_TRUE(ring.empty());
    EXPECT_TRUE(ring.front().data.empty());
    for (std::uint8_t i = 0; i < 4; ++i) {
        const auto slot = ring.free_slot();
        ASSERT_EQ(slot.size(), 16U);
        slot[0] = std::byte{i};
        ring.publish(i + 1U, PacketMeta{i, 100U * i});
    }
    EXPECT_TRUE(ring.full());
    EXPECT_TRUE(ring.free_slot().empty());
    for (std::uint8_t i = 0; i < 4; ++i) {
        const auto p = ring.front();
        ASSERT_EQ(p.data.size(), i + 1U);
        EXPECT_EQ(p.data[0], std::byte{i});
        EXPECT_EQ(p.meta.packets, i);
        EXPECT_EQ(p.meta.bytes, 100U * i);
        ring.pop();
    }
    EXPECT_TRUE(ring.empty());
    EXPECT_FALSE(ring.free_slot().empty());
}

// A producer and a consumer thread pass 200,000 numbered packets through 8 slots: each
// arrives once, whole and in order.
TEST(PacketRing, PassesEveryPacketInOrderBetweenThreads) {
    constexpr std::uint64_t total = 200'000;
    PacketRing ring(8, 64);
    std::thread producer([&ring] {
        for (std::uint64_t i = 0; i < total;) {
            const auto slot = ring.free_slot();
            if (slot.empty()) {
                std::this_thread::yield();
                continue;
            }
            const std::size_t len = 9 + i % 50;
            std::memset(slot.data(), static_cast<int>(i & 0xff), len);
            std::memcpy(slot.data(), &i, sizeof i);
            ring.publish(len);
            ++i;
        }
    });
    std::uint64_t next = 0;
    bool intact = true;
    while (next < total) {
        const auto p = ring.front();
        if (p.data.empty()) {
            std::this_thread::yield();
            continue;
        }
        std::uint64_t seen = 0;
        std::memcpy(&seen, p.data.data(), sizeof seen);
        intact = intact && seen == next && p.data.size() == 9 + next % 50 &&
                 p.data.back() == std::byte(next & 0xff);
        ring.pop();
        ++next;
    }
    producer.join();
    EXPECT_TRUE(intact);
    EXPECT_TRUE(ring.empty());
}

std::vector<std::byte> ipv4_packet(std::uint8_t src_last, std::uint8_t dst_last) {
    std::vector<std::byte> p(28);
    p[0] = std::byte{0x45};
    const std::array<std::uint8_t, 8> addresses{10, 0, 0, src_last, 10, 0, 1, dst_last};
    std::memcpy(p.data() + 12, addresses.data(), addresses.size());
    return p;
}

TEST(TunQueueFor, OneQueueTakesEverything) {
    EXPECT_EQ(tun_queue_for(ipv4_packet(1, 2), false, 1), 0U);
    EXPECT_EQ(tun_queue_for({}, false, 4), 0U);  // too short: queue of an empty key
}

TEST(TunQueueFor, SameAddressesSameQueueAndConversationsSpread) {
    std::set<std::size_t> used;
    for (std::uint8_t host = 1; host < 65; ++host) {
        const std::size_t q = tun_queue_for(ipv4_packet(host, 9), false, 4);
        ASSERT_LT(q, 4U);
        // Length and payload do not matter: all of a connection goes one way.
        auto other = ipv4_packet(host, 9);
        other.resize(1400, std::byte{0x5a});
        EXPECT_EQ(tun_queue_for(other, false, 4), q);
        used.insert(q);
    }
    EXPECT_EQ(used.size(), 4U);
}

TEST(TunQueueFor, PortsSpreadTheConnectionsOfOneHostPair) {
    std::set<std::size_t> used;
    auto udp = ipv4_packet(1, 2);
    udp[9] = std::byte{17};
    for (std::uint8_t port = 0; port < 32; ++port) {
        udp[21] = std::byte{port};  // source port, low byte
        used.insert(tun_queue_for(udp, false, 2));
    }
    EXPECT_EQ(used.size(), 2U);
    // A fragment has no ports to look at; all fragments go the same way.
    used.clear();
    udp[6] = std::byte{0x20};  // more fragments
    for (std::uint8_t port = 0; port < 32; ++port) {
        udp[21] = std::byte{port};
        used.insert(tun_queue_for(udp, false, 2));
    }
    EXPECT_EQ(used.size(), 1U);
}

// Connections whose ports differ only above the bytes' lowest bits still spread about evenly
// (FNV-1a alone would put all of them on one queue: its low bits depend only on the bytes'
// low bits).
TEST(TunQueueFor, PortsSpreadEvenlyWhateverBitsDiffer) {
    auto tcp = ipv4_packet(2, 2);
    tcp[9] = std::byte{6};
    std::array<int, 4> per_queue{};
    for (unsigned k = 0; k < 63; ++k) {
        tcp[20] = std::byte(0x80 + 4 * (k % 8));
        tcp[21] = std::byte(4 * (k / 8));
        per_queue[tun_queue_for(tcp, false, 4)]++;
    }
    for (const int n : per_queue) {
        EXPECT_GE(n, 6);
    }
}

TEST(TunQueueFor, Ipv6AndFramesUseTheirAddresses) {
    std::vector<std::byte> v6(40);
    v6[0] = std::byte{0x60};
    v6[39] = std::byte{1};
    const std::size_t q = tun_queue_for(v6, false, 8);
    v6[39] = std::byte{1};
    v6.resize(100, std::byte{7});
    EXPECT_EQ(tun_queue_for(v6, false, 8), q);
    std::set<std::size_t> used;
    std::vector<std::byte> frame(60);
    for (std::uint8_t mac = 0; mac < 32; ++mac) {
        frame[11] = std::byte{mac};
        used.insert(tun_queue_for(frame, true, 2));
    }
    EXPECT_EQ(used.size(), 2U);
}

}  // namespace
}  // namespace ogw::gw
