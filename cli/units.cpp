// SPDX-License-Identifier: BSD-3-Clause
#include "units.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>

namespace ogw::cli {
namespace {

constexpr std::int64_t second = 1000;
constexpr std::int64_t minute = 60 * second;
constexpr std::int64_t hour = 60 * minute;
constexpr std::int64_t day = 24 * hour;

// "4 min 10 s": the whole number of `big` units and the remaining whole `small` units.
std::string two_units(std::int64_t ms, std::int64_t big, const char* big_name, std::int64_t small,
                      const char* small_name) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld %s %lld %s", static_cast<long long>(ms / big), big_name,
                  static_cast<long long>(ms % big / small), small_name);
    return buf;
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    char buf[32];
    if (unit == 0) {
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
    }
    return buf;
}

std::string human_duration_ms(std::int64_t ms) {
    if (ms < 0) {
        return "-";
    }
    char buf[48];
    if (ms < second) {
        std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
        return buf;
    }
    if (ms < minute) {
        // One decimal, truncated rather than rounded: 59999 ms stays "59.9 s".
        std::snprintf(buf, sizeof buf, "%lld.%lld s", static_cast<long long>(ms / second),
                      static_cast<long long>(ms % second / 100));
        return buf;
    }
    if (ms < hour) {
        return two_units(ms, minute, "min", second, "s");
    }
    if (ms < day) {
        return two_units(ms, hour, "h", minute, "min");
    }
    return two_units(ms, day, "d", hour, "h");
}

std::string human_ago_ms(std::int64_t ms) {
    return ms < 0 ? "-" : human_duration_ms(ms) + " ago";
}

std::string human_rtt_ms(double ms) {
    if (!std::isfinite(ms) || ms < 0) {
        return "-";
    }
    char buf[32];
    if (ms < 1.0) {
        std::snprintf(buf, sizeof buf, "%.3f ms", ms);
    } else if (ms < 10.0) {
        std::snprintf(buf, sizeof buf, "%.2f ms", ms);
    } else if (ms < 1000.0) {
        std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    } else {
        return human_duration_ms(static_cast<std::int64_t>(ms));
    }
    return buf;
}

}  // namespace ogw::cli
