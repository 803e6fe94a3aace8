// SPDX-License-Identifier: BSD-3-Clause
// The bridge's data path does not allocate once the table has held as many addresses as its
// capacity. This file replaces the global operator new and delete of the test binary with
// counting versions on top of malloc.
#include "bridge/tap_bridge.hpp"
#include "bridge_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

namespace {

std::size_t allocations = 0;

void* counted_allocation(std::size_t size) {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

void* operator new(std::size_t size) {
    if (void* p = counted_allocation(size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    return operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_allocation(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_allocation(size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;
using testing::Bytes;
using testing::ethernet;
using testing::udp4;

class AllowAll final : public PeerSourceFilter {
public:
    bool allows(PeerIndex, const IpAddress&) const override { return true; }
};

MacAddress host(std::uint32_t n) {
    return mac_from_u64(0x020000000000ULL | n);
}

TEST(BridgeAllocation, NoneOnTheDataPathOnceWarmedUp) {
    const AllowAll filter;
    TapBridgeConfig config;
    config.macs.capacity = 64;
    config.macs.ageing_time = 10s;
    TapBridge bridge(config, MacHashKey{}, filter);
    Instant now = Instant(std::chrono::hours(1000));
    const Bytes payload = udp4({10, 0, 0, 1}, {10, 0, 0, 2});
    std::vector<Bytes> local_frames;
    std::vector<Bytes> peer_frames;
    for (std::uint32_t n = 0; n < 400; ++n) {
        local_frames.push_back(ethernet(host(n + 1000), host(n), ethertype::ipv4, payload));
        peer_frames.push_back(ethernet(host(n), host(n + 1000), ethertype::ipv4, payload));
    }
    auto run = [&](std::uint32_t from, std::uint32_t to) {
        for (std::uint32_t n = from; n < to; ++n) {
            now += 1ms;
            (void)bridge.on_local_frame(now, local_frames[n]);
            (void)bridge.on_peer_frame(now, n % 3, peer_frames[n]);
            (void)bridge.on_local_frame(now, local_frames[n]);
            if (n % 50 == 0) {
                (void)bridge.on_peer_down(n % 3, now);
            }
            if (n % 70 == 0) {
                now += 11s;
                bridge.on_timer(now);
            }
        }
    };
    run(0, 100);  // 200 distinct addresses: every node the table will ever need
    const std::size_t before = allocations;
    run(100, 400);
    EXPECT_EQ(allocations - before, 0U);
    EXPECT_GT(bridge.macs().counters().evicted, 0U);
    EXPECT_GT(bridge.macs().counters().flushed, 0U);
    EXPECT_GT(bridge.macs().counters().aged_out, 0U);
    EXPECT_GT(bridge.counters().to_peer, 0U);
    EXPECT_LE(bridge.macs().size(), 64U);
}

}  // namespace
}  // namespace ogw::gw
