// SPDX-License-Identifier: BSD-3-Clause
#include "control/access.hpp"

#include <algorithm>

namespace ogw::gw {

bool changes_state(std::string_view op) {
    return op == "flow_dealloc" || op == "session_kill" || op == "reload";
}

bool may_change_state(uid_t uid, gid_t gid, std::span<const gid_t> groups,
                      const ControlAccess& access) {
    if (uid == 0 || uid == access.daemon_uid) {
        return true;
    }
    if (!access.ogw_gid) {
        return false;
    }
    const gid_t ogw = *access.ogw_gid;
    return gid == ogw || std::find(groups.begin(), groups.end(), ogw) != groups.end();
}

}  // namespace ogw::gw
