// SPDX-License-Identifier: BSD-3-Clause
// Human units for the CLI's tables: sizes in binary units, durations in the largest units.
#pragma once

#include <cstdint>
#include <string>

namespace ogw::cli {

std::string human_bytes(std::uint64_t bytes);    // "512 B", "1.5 KiB", "3.2 MiB"
std::string human_duration_ms(std::int64_t ms);  // "850 ms", "3.2 s", "4 min 10 s", "2 h 5 min",
                                                 // "3 d 4 h"; negative: "-"
std::string human_ago_ms(std::int64_t ms);       // "850 ms ago", "3.2 s ago"
std::string human_rtt_ms(double ms);             // "0.412 ms", "12.4 ms", "1.2 s"

}  // namespace ogw::cli
