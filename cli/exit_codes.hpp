// SPDX-License-Identifier: BSD-3-Clause
// The CLI's exit codes (design.md §5.2).
#pragma once

namespace ogw::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;       // the daemon refused or failed the request
inline constexpr int exit_usage = 2;        // bad command line
inline constexpr int exit_unreachable = 3;  // the daemon cannot be reached

}  // namespace ogw::cli
