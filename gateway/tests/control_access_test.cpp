// SPDX-License-Identifier: BSD-3-Clause
// Who may change state through the control socket.
#include "control/access.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ogw::gw {
namespace {

TEST(ControlAccess, StateChangingOps) {
    for (const char* op : {"flow_dealloc", "session_kill", "reload"}) {
        EXPECT_TRUE(changes_state(op)) << op;
    }
    for (const char* op : {"hello", "status", "ipcps", "flows", "flow_show", "sessions", "peers",
                           "stats", "register", "unregister", "flow_alloc", "flow_accept", ""}) {
        EXPECT_FALSE(changes_state(op)) << op;
    }
}

TEST(ControlAccess, RootDaemonUserAndGroupOgwMayChangeState) {
    const ControlAccess access{.daemon_uid = 999, .ogw_gid = 500};
    const std::vector<gid_t> none;
    const std::vector<gid_t> with_ogw = {100, 500};
    const std::vector<gid_t> without_ogw = {100, 0};
    EXPECT_TRUE(may_change_state(0, 1000, none, access));
    EXPECT_TRUE(may_change_state(999, 1000, none, access));
    EXPECT_TRUE(may_change_state(1000, 500, none, access));
    EXPECT_TRUE(may_change_state(1000, 1000, with_ogw, access));
    EXPECT_FALSE(may_change_state(1000, 1000, without_ogw, access));
    EXPECT_FALSE(may_change_state(1000, 0, none, access));  // root's group is not enough
}

TEST(ControlAccess, WithoutGroupOgwOnlyRootAndTheDaemonUser) {
    const ControlAccess access{.daemon_uid = 0, .ogw_gid = std::nullopt};
    const std::vector<gid_t> groups = {0, 500};
    EXPECT_TRUE(may_change_state(0, 0, {}, access));
    EXPECT_FALSE(may_change_state(1000, 0, groups, access));
}

}  // namespace
}  // namespace ogw::gw
