// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/qos.hpp>
#include <flowlib/qos_json.hpp>

#include <gtest/gtest.h>

namespace ogw::flow {
namespace {

TEST(QosJson, RoundTripsEveryCube) {
    for (const char* name : {"raw", "best_effort", "video", "voice", "data"}) {
        qosspec_t q = *cube_by_name(name);
        q.timeout = 10ULL * 365 * 24 * 3600 * 1000;
        const auto back = qos_from_json(json::parse(json::dump(qos_to_json(q))).value());
        ASSERT_TRUE(back) << name;
        EXPECT_TRUE(*back == q) << name;
    }
}

TEST(QosJson, CubePlusOverride) {
    const auto q = qos_from_json(json::parse(R"({"cube":"voice","timeout":3000})").value());
    ASSERT_TRUE(q);
    EXPECT_EQ(q->delay, qos_voice.delay);
    EXPECT_EQ(q->timeout, 3000U);
}

TEST(QosJson, RejectsBadFields) {
    for (const char* doc : {R"({"cube":"gold"})", R"({"delay":-1})", R"({"delay":4294967296})",
                            R"({"availability":256})", R"({"timeout":"1s"})", R"([])",
                            R"({"cube":3})"}) {
        EXPECT_FALSE(qos_from_json(json::parse(doc).value())) << doc;
    }
}

}  // namespace
}  // namespace ogw::flow
