// SPDX-License-Identifier: BSD-3-Clause
// The control protocol version check and the client-side session filter.
#include "handshake.hpp"
#include "queries.hpp"

#include <flowlib/version.hpp>

#include <gtest/gtest.h>

namespace ogw::cli {
namespace {

TEST(Handshake, AcceptsOurProtocolVersion) {
    const json::Value hello = json::Object{{"daemon", "ogwd"},
                                           {"version", "0.1.0"},
                                           {"protocol", control_protocol_version},
                                           {"node", "a"},
                                           {"pid", 1}};
    EXPECT_FALSE(protocol_mismatch(hello, "/run/ogw/ogwd.sock").has_value());
}

TEST(Handshake, NamesBothVersionsAndTheSocketOnMismatch) {
    const json::Value hello =
        json::Object{{"daemon", "ogwd"}, {"version", "9.0.0"}, {"protocol", 2}};
    const auto message = protocol_mismatch(hello, "/tmp/x.sock");
    ASSERT_TRUE(message.has_value());
    EXPECT_EQ(*message, "control protocol version mismatch: ogw " + std::string(ogw::version) +
                            " speaks version 1, ogwd 9.0.0 at /tmp/x.sock speaks version 2; "
                            "use the ogw that came with this ogwd");
}

TEST(Handshake, AMissingVersionIsAMismatch) {
    const auto message = protocol_mismatch(json::Object{}, "/s");
    ASSERT_TRUE(message.has_value());
    EXPECT_NE(message->find("ogwd at /s speaks another version"), std::string::npos);
}

TEST(SessionsOnFlows, KeepsSessionsWhoseFlowIsListed) {
    const json::Value flows =
        json::Array{json::Value(json::Object{{"id", 4}}), json::Value(json::Object{{"id", 9}})};
    const json::Value sessions =
        json::Array{json::Value(json::Object{{"id", 1}, {"flow_id", 4}}),
                    json::Value(json::Object{{"id", 2}, {"flow_id", 5}}),
                    json::Value(json::Object{{"id", 3}, {"flow_id", nullptr}}),
                    json::Value(json::Object{{"id", 4}, {"flow_id", 9}})};
    const json::Array kept = sessions_on_flows(sessions, flows);
    ASSERT_EQ(kept.size(), 2U);
    EXPECT_EQ(kept[0].get_uint("id"), 1U);
    EXPECT_EQ(kept[1].get_uint("id"), 4U);
}

}  // namespace
}  // namespace ogw::cli
