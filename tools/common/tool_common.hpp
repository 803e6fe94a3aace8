// SPDX-License-Identifier: BSD-3-Clause
// What oecho, oping and operf share: option values, error reporting, stopping on SIGINT and a
// flow server (accept thread plus an fevent loop).
#pragma once

#include <flowlib/clock.hpp>
#include <ogw/qos.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ogw::tools {

// "250ms", "3s", "1.5s", "2m", "1h", "7d", "1y" (365 days); a bare number is seconds ("0.01",
// "2"). Negative, malformed and out-of-range (beyond ~290 years) values are nullopt.
std::optional<Duration> parse_duration(std::string_view text);

// raw, best_effort (or upstream's "best"), video, voice, data.
std::optional<qosspec_t> parse_cube(std::string_view name);

// Bits per second: "1000", "800k", "10M", "1.5G" (decimal multipliers).
std::optional<std::uint64_t> parse_rate(std::string_view text);

timespec to_timespec(Duration d);

// A decimal integer in [min, max].
std::optional<std::uint64_t> parse_uint(std::string_view text, std::uint64_t min,
                                        std::uint64_t max);

// The options every tool takes.
struct CommonOptions {
    bool listen = false;
    std::string name;
    qosspec_t cube = qos_raw;
    std::optional<std::uint64_t> timeout_ms;  // -T

    // The cube with the -T timeout.
    qosspec_t qos() const;
};

// Handles -l, -n, -T and -q for getopt; false if the value is invalid (message printed).
bool common_option(const char* tool, int option, const char* value, CommonOptions& options);

// "-1006 (flow peer gone)".
std::string errno_text(int negative_errno);

// Prints "<tool>: <what>: <text> (<errno>)" to stderr.
void report_error(const char* tool, const std::string& what, int negative_errno);

// SIGINT and SIGTERM set a flag (and interrupt blocking flow calls with -EINTR).
void install_stop_handler();
bool stop_requested();

// Line-buffered stdout, so that a pipe sees each line at once.
void line_buffered_output();

// The largest SDU of a flow (the ogw fccntl extension FLOWGMAXSDU).
std::size_t flow_max_sdu(int fd);

// Registers name, accepts flows on a thread and serves them from an fevent loop until SIGINT or
// SIGTERM. Flows whose peer is gone, or idle for idle_timeout, are deallocated.
class FlowServer {
public:
    struct Handlers {
        std::function<void(int fd)> on_new;
        // One SDU read from fd; return false to deallocate the flow.
        std::function<bool(int fd, std::span<std::byte> sdu)> on_sdu;
        // The flow is about to be deallocated.
        std::function<void(int fd, const char* why)> on_close;
    };

    FlowServer(const char* tool, Duration idle_timeout, Handlers handlers)
        : tool_(tool), idle_timeout_(idle_timeout), handlers_(std::move(handlers)) {}

    // Returns the exit status.
    int run(const std::string& name);

private:
    const char* tool_;
    Duration idle_timeout_;
    Handlers handlers_;
};

}  // namespace ogw::tools
