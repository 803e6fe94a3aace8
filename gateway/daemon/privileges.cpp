// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/privileges.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <grp.h>
#include <pwd.h>

#include <array>
#include <cerrno>
#include <vector>

namespace ogw::gw {
namespace {

// glibc has no wrappers for capget/capset.
int cap_get(cap_user_header_t h, cap_user_data_t d) {
    return static_cast<int>(::syscall(SYS_capget, h, d));
}
int cap_set(cap_user_header_t h, cap_user_data_t d) {
    return static_cast<int>(::syscall(SYS_capset, h, d));
}

struct Caps {
    std::uint64_t effective = 0;
    std::uint64_t permitted = 0;
    std::uint64_t inheritable = 0;
};

Result<Caps> get_caps() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    std::array<__user_cap_data_struct, _LINUX_CAPABILITY_U32S_3> data{};
    if (cap_get(&header, data.data()) != 0) {
        return unexpected(Error::last("capget"));
    }
    const auto join = [&](auto field) {
        return std::uint64_t{data[0].*field} | (std::uint64_t{data[1].*field} << 32);
    };
    return Caps{join(&__user_cap_data_struct::effective),
                join(&__user_cap_data_struct::permitted),
                join(&__user_cap_data_struct::inheritable)};
}

Result<void> set_caps(const Caps& caps) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    std::array<__user_cap_data_struct, _LINUX_CAPABILITY_U32S_3> data{};
    for (std::size_t i = 0; i < data.size(); ++i) {
        const unsigned shift = 32U * static_cast<unsigned>(i);
        data[i].effective = static_cast<std::uint32_t>(caps.effective >> shift);
        data[i].permitted = static_cast<std::uint32_t>(caps.permitted >> shift);
        data[i].inheritable = static_cast<std::uint32_t>(caps.inheritable >> shift);
    }
    if (cap_set(&header, data.data()) != 0) {
        return unexpected(Error::last("capset"));
    }
    return {};
}

Result<void> drop_bounding_set(bool can_setpcap) {
    if (!can_setpcap) {
        return {};  // not ours to change; permitted and effective are still reduced
    }
    for (unsigned long cap = 0; cap <= CAP_LAST_CAP; ++cap) {
        if ((kept_capabilities >> cap) & 1U) {
            continue;
        }
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            return unexpected(Error::last("prctl(PR_CAPBSET_DROP)"));
        }
    }
    return {};
}

Result<void> switch_user(const UserIds& user) {
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
        return unexpected(Error::last("prctl(PR_SET_KEEPCAPS)"));
    }
    if (::initgroups(user.name.c_str(), user.gid) != 0) {
        return unexpected(Error::last("initgroups " + user.name));
    }
    if (::setresgid(user.gid, user.gid, user.gid) != 0) {
        return unexpected(Error::last("setresgid " + std::to_string(user.gid)));
    }
    if (::setresuid(user.uid, user.uid, user.uid) != 0) {
        return unexpected(Error::last("setresuid " + std::to_string(user.uid)));
    }
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) {
        return unexpected(Error::last("prctl(PR_SET_KEEPCAPS)"));
    }
    return {};
}

}  // namespace

Result<UserIds> lookup_user(const std::string& name) {
    errno = 0;
    const passwd* pw = ::getpwnam(name.c_str());
    if (pw == nullptr) {
        return unexpected(Error::from_errno(errno != 0 ? errno : ENOENT, "user " + name));
    }
    return UserIds{name, pw->pw_uid, pw->pw_gid};
}

std::optional<gid_t> lookup_group(const std::string& name) {
    const group* gr = ::getgrnam(name.c_str());
    if (gr == nullptr) {
        return std::nullopt;
    }
    return gr->gr_gid;
}

Result<DropOutcome> drop_privileges(const std::optional<UserIds>& user) {
    auto caps = get_caps();
    if (!caps) {
        return unexpected(caps.error());
    }
    constexpr std::uint64_t setpcap = std::uint64_t{1} << CAP_SETPCAP;
    if (auto r = drop_bounding_set((caps->effective & setpcap) != 0); !r) {
        return unexpected(r.error());
    }
    (void)::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    const std::uint64_t keep = caps->permitted & kept_capabilities;
    DropOutcome out;
    // Already that user (e.g. started by systemd with User=): nothing to switch.
    if (user && (user->uid != ::geteuid() || user->gid != ::getegid())) {
        if (auto r = switch_user(*user); !r) {
            return unexpected(r.error());
        }
        out.switched_user = true;
    }
    // After setuid the effective set is empty and the permitted set is what KEEPCAPS kept.
    if (auto r = set_caps(Caps{keep, keep, 0}); !r) {
        return unexpected(r.error());
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return unexpected(Error::last("prctl(PR_SET_NO_NEW_PRIVS)"));
    }
    auto now = get_caps();
    if (!now) {
        return unexpected(now.error());
    }
    out.effective = now->effective;
    return out;
}

std::string capability_names(std::uint64_t mask) {
    std::string out;
    for (unsigned cap = 0; cap < 64; ++cap) {
        if (((mask >> cap) & 1U) == 0) {
            continue;
        }
        out += out.empty() ? "" : ",";
        out += cap == CAP_NET_ADMIN ? "cap_net_admin"
               : cap == CAP_NET_RAW ? "cap_net_raw"
                                    : std::to_string(cap);
    }
    return out.empty() ? "none" : out;
}

}  // namespace ogw::gw
