// SPDX-License-Identifier: BSD-3-Clause
// What `ogw watch` prints: the frame body, its header line, the fit to a screen.
#include "watch_view.hpp"

#include <gtest/gtest.h>

namespace ogw::cli {
namespace {

json::Value frame_with_sessions(json::Value sessions) {
    return json::Object{
        {"node", "ga"},
        {"flows", json::Array{json::Value(
                      json::Object{{"id", 1},
                                   {"ipcp", "wan"},
                                   {"remote_name", "gb"},
                                   {"state", "allocated"},
                                   {"qos", json::Object{{"cube", "raw"}, {"timeout_ms", 120000}}},
                                   {"owner", "gateway"},
                                   {"session_id", 1},
                                   {"age_ms", 1500},
                                   {"idle_rx_ms", 20},
                                   {"rx_bytes", 84},
                                   {"tx_bytes", 84}})}},
        {"sessions", std::move(sessions)},
    };
}

TEST(RenderWatch, FlowsThenSessions) {
    const json::Value sessions = json::Array{json::Value(json::Object{{"id", 1},
                                                                      {"proto", "icmp"},
                                                                      {"src", "10.1.0.2"},
                                                                      {"sport", 9},
                                                                      {"dst", "10.2.0.2"},
                                                                      {"dport", 9},
                                                                      {"peer", "gb"},
                                                                      {"flow_id", 1},
                                                                      {"state", "established"},
                                                                      {"opened_by", "local"},
                                                                      {"age_ms", 1500},
                                                                      {"idle_ms", 20},
                                                                      {"tx_bytes", 84},
                                                                      {"rx_bytes", 84}})};
    EXPECT_EQ(render_watch(frame_with_sessions(sessions)),
              "flows (1)\n"
              "ID  IPCP  REMOTE  STATE      QOS  OWNER    SESSION  AGE    LAST RX    RX    TX\n"
              "1   wan   gb      allocated  raw  gateway  1        1.5 s  20 ms ago  84 B  84 B\n"
              "\n"
              "sessions (1)\n"
              "ID  PROTO  SOURCE      DESTINATION  PEER  FLOW  STATE        OPENED BY  AGE    "
              "IDLE   TX    RX\n"
              "1   icmp   10.1.0.2:9  10.2.0.2:9   gb    1     established  local      1.5 s  "
              "20 ms  84 B  84 B\n");
}

TEST(RenderWatch, SaysWhenTheGatewayIsOff) {
    const std::string text = render_watch(frame_with_sessions(nullptr));
    EXPECT_NE(text.find("flows (1)\n"), std::string::npos);
    EXPECT_EQ(text.substr(text.size() - 36), "\nsessions: none, the gateway is off\n");
}

TEST(WatchHeader, NamesNodeIntervalAndTime) {
    EXPECT_EQ(watch_header("ga", 2000, "2024-06-01 12:00:00", false),
              "ogw watch: node ga, every 2.0 s, 2024-06-01 12:00:00\n");
    EXPECT_EQ(watch_header("ga", 500, "12:00:00", true),
              "ogw watch: node ga, every 500 ms, 12:00:00  (q quits, any other key refreshes)\n");
}

TEST(FitToScreen, ClipsLinesAndCountsWhatIsLeftOut) {
    EXPECT_EQ(fit_to_screen("abcdef\nxy\n", 5, 4), "abcd\nxy\n");
    EXPECT_EQ(fit_to_screen("1\n2\n3\n4\n5\n", 3, 80), "1\n2\n... 3 more lines\n");
    EXPECT_EQ(fit_to_screen("1\n2\n3\n", 3, 80), "1\n2\n3\n");
}

}  // namespace
}  // namespace ogw::cli
