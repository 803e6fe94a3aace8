// SPDX-License-Identifier: BSD-3-Clause
// Levelled logging with a component tag. Lines go to a sink (stderr by default); under
// systemd (JOURNAL_STREAM set) each line carries a <N> priority prefix for journald.
//
//   OGW_LOG(info, "udp") << "bound " << addr;
//   OGW_LOG_RATELIMITED(debug, "udp") << "dropped short datagram from " << addr;
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace ogw::log {

enum class Level : int { error = 3, warn = 4, info = 6, debug = 7 };

std::optional<Level> parse_level(std::string_view s);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
inline bool enabled(Level l);

// Replaces the output sink (tests capture lines with this). Pass nullptr to restore stderr.
using Sink = std::function<void(Level, std::string_view component, std::string_view message)>;
void set_sink(Sink sink);

void write(Level level, std::string_view component, std::string_view message);

// Per-call-site limit for the data path: at most 10 lines per second, the rest counted.
class RateLimiter {
public:
    bool allow();
    std::uint64_t suppressed() const { return suppressed_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> last_refill_ns_{0};
    std::atomic<int> tokens_{10};
    std::atomic<std::uint64_t> suppressed_{0};
};

class Line {
public:
    Line(Level level, std::string_view component) : level_(level), component_(component) {}
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;
    ~Line() { write(level_, component_, out_.str()); }

    template <class T>
    Line& operator<<(const T& v) {
        out_ << v;
        return *this;
    }

private:
    Level level_;
    std::string_view component_;
    std::ostringstream out_;
};

namespace detail {
extern std::atomic<int> current_level;
}

inline bool enabled(Level l) {
    return static_cast<int>(l) <= detail::current_level.load(std::memory_order_relaxed);
}

}  // namespace ogw::log

#define OGW_LOG(lvl, component)                                       \
    if (!::ogw::log::enabled(::ogw::log::Level::lvl)) {              \
    } else                                                            \
        ::ogw::log::Line(::ogw::log::Level::lvl, component)

#define OGW_LOG_RATELIMITED(lvl, component)                                      \
    if (static ::ogw::log::RateLimiter ogw_rl_;                                  \
        !::ogw::log::enabled(::ogw::log::Level::lvl) || !ogw_rl_.allow()) {      \
    } else                                                                       \
        ::ogw::log::Line(::ogw::log::Level::lvl, component)
