// SPDX-License-Identifier: BSD-3-Clause
// Least privilege for ogwd (issue 8 item 5, docs/configuration.md "Privileges"): after setup
// (sockets bound, TUN/TAP opened) it keeps only CAP_NET_ADMIN and CAP_NET_RAW and, with
// `[node] user = NAME`, switches to that user. Raw prctl/capset system calls; no libcap.
// Call only while the process has a single thread (capabilities are per thread).
#pragma once

#include <flowlib/result.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include <sys/types.h>

namespace ogw::gw {

struct UserIds {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

// getpwnam: the user's uid and primary gid, or an error naming the user.
Result<UserIds> lookup_user(const std::string& name);

// The gid of group `name`, if it exists.
std::optional<gid_t> lookup_group(const std::string& name);

// The capabilities ogwd keeps after setup: bit numbers as in <linux/capability.h>.
inline constexpr std::uint64_t kept_capabilities =
    (std::uint64_t{1} << 12) | (std::uint64_t{1} << 13);  // CAP_NET_ADMIN | CAP_NET_RAW

struct DropOutcome {
    std::uint64_t effective = 0;  // CapEff after the drop
    bool switched_user = false;
};

// Keeps only kept_capabilities (those of them the process has) in the effective, permitted
// and bounding sets, clears inheritable and ambient ones; with `user`, first switches to its
// uid, gid and supplementary groups (PR_SET_KEEPCAPS keeps the permitted set across setuid).
// Then sets no_new_privs. An error leaves the process in an undefined privilege state: exit.
Result<DropOutcome> drop_privileges(const std::optional<UserIds>& user);

// "cap_net_admin,cap_net_raw" for a capability mask (only the kept bits are named; others
// as numbers).
std::string capability_names(std::uint64_t mask);

}  // namespace ogw::gw
