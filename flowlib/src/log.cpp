// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/log.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unistd.h>

namespace ogw::log {
namespace detail {
std::atomic<int> current_level{static_cast<int>(Level::info)};
}

namespace {

std::mutex sink_mutex;
Sink& sink_ref() {
    static Sink sink;
    return sink;
}

bool journald() {
    static const bool under_journal = std::getenv("JOURNAL_STREAM") != nullptr;
    return under_journal;
}

}  // namespace

std::optional<Level> parse_level(std::string_view s) {
    if (s == "error") return Level::error;
    if (s == "warn") return Level::warn;
    if (s == "info") return Level::info;
    if (s == "debug") return Level::debug;
    return std::nullopt;
}

std::string_view level_name(Level level) {
    switch (level) {
    case Level::error: return "error";
    case Level::warn: return "warn";
    case Level::info: return "info";
    case Level::debug: return "debug";
    }
    return "?";
}

void set_level(Level l) { detail::current_level.store(static_cast<int>(l)); }
Level level() { return static_cast<Level>(detail::current_level.load()); }

void set_sink(Sink sink) {
    std::lock_guard lock(sink_mutex);
    sink_ref() = std::move(sink);
}

void write(Level l, std::string_view component, std::string_view message) {
    std::lock_guard lock(sink_mutex);
    if (sink_ref()) {
        sink_ref()(l, component, message);
        return;
    }
    std::string line;
    line.reserve(message.size() + component.size() + 16);
    if (journald()) {
        line += '<';
        line += static_cast<char>('0' + static_cast<int>(l));
        line += '>';
    } else {
        line += level_name(l);
        line += ' ';
    }
    line += component;
    line += ": ";
    line += message;
    line += '\n';
    // One write(2) per line so lines from several threads or processes never interleave.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

bool RateLimiter::allow() {
    using namespace std::chrono;
    const auto now = duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
    auto last = last_refill_ns_.load(std::memory_order_relaxed);
    if (now - last >= 1'000'000'000 &&
        last_refill_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
        tokens_.store(10, std::memory_order_relaxed);
    }
    if (tokens_.load(std::memory_order_relaxed) > 0 &&
        tokens_.fetch_sub(1, std::memory_order_relaxed) > 0) {
        return true;
    }
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return false;
}

}  // namespace ogw::log
