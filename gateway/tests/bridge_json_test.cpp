// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/bridge_json.hpp"
#include "bridge_test_support.hpp"

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using namespace std::chrono_literals;
using testing::bytes;
using testing::ethernet;
using testing::mac;

const MacHashKey test_key{};

class NoPrefixes final : public PeerSourceFilter {
public:
    bool allows(PeerIndex, const IpAddress&) const override { return false; }
};

TEST(BridgeJson, MacsListsLiveEntriesNewestFirst) {
    MacTable table(MacTableConfig{}, test_key);
    const Instant t0 = Instant(std::chrono::hours(1000));
    ASSERT_EQ(table.learn(mac(1), MacOwner::local(), t0), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(2), MacOwner::peer(1), t0 + 1500ms), LearnResult::learnt);
    ASSERT_EQ(table.learn(mac(3), MacOwner::peer(7), t0 + 2s), LearnResult::learnt);
    const json::Value v = macs_to_json(table, t0 + 4s, {"site-a", "site-b"});
    EXPECT_EQ(json::dump(v),
              R"([{"mac":"02:00:00:00:00:03","owner":"peer","peer":"7","age_ms":2000},)"
              R"({"mac":"02:00:00:00:00:02","owner":"peer","peer":"site-b","age_ms":2500},)"
              R"({"mac":"02:00:00:00:00:01","owner":"local","peer":null,"age_ms":4000}])");
    EXPECT_EQ(json::dump(macs_to_json(table, t0 + 1h, {})), "[]");
}

TEST(BridgeJson, StatsNameEveryCounter) {
    const NoPrefixes filter;
    TapBridge bridge(TapBridgeConfig{}, test_key, filter);
    const Instant now = Instant(std::chrono::hours(1000));
    (void)bridge.on_local_frame(now, ethernet(MacAddress::broadcast(), mac(1), 0x88b5, bytes({})));
    (void)bridge.on_local_frame(now, bytes({1}));
    (void)bridge.on_peer_frame(now, 0, ethernet(mac(1), mac(2), 0x88b5, bytes({1})));
    const json::Value v = tap_stats_to_json(bridge.counters(), bridge.macs());
    EXPECT_EQ(v.get_uint("tap_rx_frames"), 2U);
    EXPECT_EQ(v.get_uint("tap_rx_bytes"), 15U);
    EXPECT_EQ(v.get_uint("peer_rx_frames"), 1U);
    EXPECT_EQ(v.get_uint("peer_rx_bytes"), 15U);
    EXPECT_EQ(v.get_uint("flooded"), 1U);
    EXPECT_EQ(v.get_uint("delivered"), 1U);
    EXPECT_EQ(v.get_uint("to_peer"), 0U);
    EXPECT_EQ(v.get_uint("unknown_unicast"), 0U);
    EXPECT_EQ(v.get_uint("macs"), 2U);
    EXPECT_EQ(v.get_uint("macs_learnt"), 2U);
    for (const char* key : {"macs_moved", "macs_aged_out", "macs_evicted", "macs_flushed"}) {
        EXPECT_EQ(v.get_uint(key), 0U) << key;
    }
    const json::Object* drops = v.get_object("drops");
    ASSERT_NE(drops, nullptr);
    const std::vector<std::string> keys{"arp_malformed",
                                        "spoofed",
                                        "invalid_source",
                                        "reserved_group",
                                        "too_big",
                                        "local_destination",
                                        "peer_destination",
                                        "flood_limited",
                                        "malformed_too_short",
                                        "malformed_truncated_tag",
                                        "malformed_too_many_tags",
                                        "malformed_length_field",
                                        "malformed_ip_too_short",
                                        "malformed_ip_bad_version",
                                        "malformed_ip_bad_header_length",
                                        "malformed_ip_bad_length",
                                        "malformed_ip_bad_checksum",
                                        "malformed_ip_bad_extension_headers",
                                        "malformed_ip_unsupported",
                                        "malformed_ip_transport_too_short",
                                        "malformed_ip_bad_transport_header"};
    std::vector<std::string> seen;
    for (const auto& [key, value] : *drops) {
        seen.push_back(key);
        EXPECT_EQ(value.as_uint(), key == "malformed_too_short" ? 1U : 0U) << key;
    }
    EXPECT_EQ(seen, keys);
}

}  // namespace
}  // namespace ogw::gw
