// SPDX-License-Identifier: BSD-3-Clause
// Who may change state through the control socket (docs/control-protocol.md, "Access"):
// requests that change state (flow_dealloc, session_kill, reload) are allowed for uid 0, for
// ogwd's own uid, and for members of the group `ogw` (primary or supplementary group of the
// connecting process, from SO_PEERCRED / SO_PEERGROUPS); every other request for anyone who
// can connect (the socket is mode 0660, owner root, group ogw).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include <sys/types.h>

namespace ogw::gw {

inline constexpr std::string_view control_group = "ogw";

// Whether op changes state (and so needs may_change_state).
bool changes_state(std::string_view op);

struct ControlAccess {
    uid_t daemon_uid = 0;
    std::optional<gid_t> ogw_gid;  // the group `ogw`, if it exists
};

bool may_change_state(uid_t uid, gid_t gid, std::span<const gid_t> groups,
                      const ControlAccess& access);

}  // namespace ogw::gw
