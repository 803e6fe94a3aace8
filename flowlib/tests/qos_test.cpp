// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/qos.hpp>

#include <ogw/errno.h>
#include <ogw/fqueue.h>

#include <gtest/gtest.h>

namespace ogw::flow {
namespace {

TEST(Qos, CubesMatchUpstream) {
    EXPECT_EQ(qos_raw.timeout, 120000U);
    EXPECT_EQ(qos_raw.loss, 1U);
    EXPECT_EQ(qos_raw.ber, 1U);
    EXPECT_EQ(qos_best_effort.in_order, 1);
    EXPECT_EQ(qos_video.delay, 100U);
    EXPECT_EQ(qos_video.bandwidth, UINT64_MAX);
    EXPECT_EQ(qos_voice.availability, 5);
    EXPECT_EQ(qos_voice.bandwidth, 100000U);
    EXPECT_EQ(qos_data.loss, 0U);
    EXPECT_EQ(qos_data.max_gap, 2000U);
}

TEST(Qos, CubesByNameAndBack) {
    for (const char* name : {"raw", "best_effort", "video", "voice", "data"}) {
        const auto q = cube_by_name(name);
        ASSERT_TRUE(q.has_value()) << name;
        EXPECT_EQ(cube_name(*q), name);
    }
    EXPECT_FALSE(cube_by_name("gold").has_value());
    qosspec_t custom = qos_raw;
    custom.delay = 7;
    EXPECT_EQ(cube_name(custom), "custom");
}

TEST(Qos, CubeNameIgnoresTimeout) {
    qosspec_t q = qos_voice;
    q.timeout = 3000;
    EXPECT_EQ(cube_name(q), "voice");
}

TEST(Qos, CubeIndexAndBackKeepTheTimeout) {
    for (const char* name : {"raw", "best_effort", "video", "voice", "data", "raw_no_errors"}) {
        qosspec_t q = *cube_by_name(name);
        q.timeout = 3000;
        const auto index = cube_index(q);
        ASSERT_TRUE(index.has_value()) << name;
        EXPECT_TRUE(cube_at(*index, 3000) == q) << name;
    }
    qosspec_t custom = qos_raw;
    custom.delay = 7;
    EXPECT_FALSE(cube_index(custom).has_value());
}

TEST(Qos, ErrnoAndEventValuesMatchContract) {
    EXPECT_EQ(ENOTALLOC, 1000);
    EXPECT_EQ(EIPCPTYPE, 1001);
    EXPECT_EQ(EIRMD, 1002);
    EXPECT_EQ(EIPCP, 1003);
    EXPECT_EQ(EIPCPSTATE, 1004);
    EXPECT_EQ(EFLOWDOWN, 1005);
    EXPECT_EQ(EFLOWPEER, 1006);
    EXPECT_EQ(ENAME, 1007);
    EXPECT_EQ(ECRYPT, 1008);
    EXPECT_EQ(FLOW_PKT, 1);
    EXPECT_EQ(FLOW_DOWN, 2);
    EXPECT_EQ(FLOW_UP, 4);
    EXPECT_EQ(FLOW_ALLOC, 8);
    EXPECT_EQ(FLOW_DEALLOC, 16);
    EXPECT_EQ(FLOW_PEER, 32);
}

}  // namespace
}  // namespace ogw::flow
