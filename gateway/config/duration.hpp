// SPDX-License-Identifier: BSD-3-Clause
// Durations as written in the config file: an integer with a unit, "250ms", "3s", "2m", "1h",
// "7d", "1y" (365 days), or a bare "0". Values are milliseconds, at most ogw::max_duration_ms.
#pragma once

#include <flowlib/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace ogw::gw {

// On failure, error().where says why ("missing unit", "out of range", ...).
Result<std::uint64_t> parse_duration_ms(std::string_view text);

// The largest unit that divides ms exactly: 120000 -> "2m", 1500 -> "1500ms", 0 -> "0".
std::string format_duration_ms(std::uint64_t ms);

}  // namespace ogw::gw
