// SPDX-License-Identifier: BSD-3-Clause
#include "config/duration.hpp"

#include <flowlib/clock.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace ogw::gw {
namespace {

constexpr std::uint64_t ms_per_day = 24ULL * 60 * 60 * 1000;

// Largest first, so format_duration_ms picks the coarsest exact unit.
constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> units = {{
    {"y", 365 * ms_per_day},
    {"d", ms_per_day},
    {"h", 60ULL * 60 * 1000},
    {"m", 60ULL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

Unexpected<Error> duration_failure(std::string reason) {
    return unexpected(Error{make_error_code(errc::bad_value), std::move(reason)});
}

}  // namespace

Result<std::uint64_t> parse_duration_ms(std::string_view text) {
    const auto digits_end =
        std::find_if(text.begin(), text.end(), [](char c) { return c < '0' || c > '9'; });
    const auto number = text.substr(0, static_cast<std::size_t>(digits_end - text.begin()));
    const auto unit = text.substr(number.size());
    if (number.empty()) {
        return duration_failure("expected a number followed by ms, s, m, h, d or y");
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec == std::errc::result_out_of_range) {
        return duration_failure("out of range");
    }
    if (ec != std::errc{} || end != number.data() + number.size()) {
        return duration_failure("expected a number followed by ms, s, m, h, d or y");
    }
    if (unit.empty()) {
        if (number == "0") {
            return std::uint64_t{0};
        }
        return duration_failure("missing unit (ms, s, m, h, d or y)");
    }
    const auto it =
        std::find_if(units.begin(), units.end(), [unit](const auto& u) { return u.first == unit; });
    if (it == units.end()) {
        return duration_failure("unknown unit '" + std::string(unit) + "' (ms, s, m, h, d or y)");
    }
    if (value > max_duration_ms / it->second) {
        return duration_failure("out of range (at most " + format_duration_ms(max_duration_ms) +
                                ")");
    }
    return value * it->second;
}

std::string format_duration_ms(std::uint64_t ms) {
    if (ms == 0) {
        return "0";
    }
    for (const auto& [name, factor] : units) {
        if (ms % factor == 0) {
            return std::to_string(ms / factor) + std::string(name);
        }
    }
    return std::to_string(ms) + "ms";
}

}  // namespace ogw::gw
