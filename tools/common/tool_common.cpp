// SPDX-License-Identifier: BSD-3-Clause
#include "tool_common.hpp"

#include <flowlib/qos.hpp>
#include <ogw/dev.h>
#include <ogw/fccntl.h>
#include <ogw/fqueue.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ogw::tools {
namespace {

volatile std::sig_atomic_t stop_flag = 0;

void on_stop_signal(int /*signal*/) { stop_flag = 1; }

// A non-negative decimal number with an optional fraction, and what follows it.
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text) {
    const auto end = std::find_if(text.begin(), text.end(),
                                  [](char c) { return (c < '0' || c > '9') && c != '.'; });
    const auto digits = static_cast<std::size_t>(end - text.begin());
    if (digits == 0 || text.front() == '.') {
        return std::nullopt;
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, value,
                                           std::chars_format::fixed);
    if (ec != std::errc{} || ptr != text.data() + digits || !std::isfinite(value)) {
        return std::nullopt;
    }
    return std::pair{value, text.substr(digits)};
}

Instant now() { return SystemClock().now(); }

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
    const auto parsed = split_number(text);
    if (!parsed) {
        return std::nullopt;
    }
    const auto [value, unit] = *parsed;
    constexpr double second = 1e9;
    constexpr std::array<std::pair<std::string_view, double>, 7> units = {{
        {"", second},
        {"ms", 1e6},
        {"s", second},
        {"m", 60 * second},
        {"h", 3600 * second},
        {"d", 86400 * second},
        {"y", 365 * 86400 * second},
    }};
    const auto it = std::find_if(units.begin(), units.end(),
                                 [unit = unit](const auto& u) { return u.first == unit; });
    if (it == units.end()) {
        return std::nullopt;
    }
    const double ns = value * it->second;
    if (ns > static_cast<double>(max_duration_ms) * 1e6) {
        return std::nullopt;
    }
    return Duration(static_cast<Duration::rep>(std::llround(ns)));
}

std::optional<qosspec_t> parse_cube(std::string_view name) {
    if (name == "best") {
        return qos_best_effort;
    }
    if (name == "raw_no_errors") {
        return std::nullopt;
    }
    return flow::cube_by_name(name);
}

std::optional<std::uint64_t> parse_rate(std::string_view text) {
    const auto parsed = split_number(text);
    if (!parsed) {
        return std::nullopt;
    }
    const auto [value, suffix] = *parsed;
    double factor = 1;
    if (suffix == "k" || suffix == "K") {
        factor = 1e3;
    } else if (suffix == "M") {
        factor = 1e6;
    } else if (suffix == "G") {
        factor = 1e9;
    } else if (!suffix.empty()) {
        return std::nullopt;
    }
    const double rate = value * factor;
    if (rate < 1 || rate > 1e15) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(std::llround(rate));
}

std::optional<std::uint64_t> parse_uint(std::string_view text, std::uint64_t min,
                                        std::uint64_t max) {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value < min ||
        value > max) {
        return std::nullopt;
    }
    return value;
}

timespec to_timespec(Duration d) {
    if (d < Duration::zero()) {
        d = Duration::zero();
    }
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(d);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(secs.count());
    ts.tv_nsec = static_cast<long>((d - secs).count());
    return ts;
}

qosspec_t CommonOptions::qos() const {
    qosspec_t qos = cube;
    if (timeout_ms) {
        qos.timeout = *timeout_ms;
    }
    return qos;
}

bool common_option(const char* tool, int option, const char* value, CommonOptions& options) {
    switch (option) {
    case 'l': options.listen = true; return true;
    case 'n':
        if (*value == '\0') {
            std::fprintf(stderr, "%s: -n needs a name\n", tool);
            return false;
        }
        options.name = value;
        return true;
    case 'T': {
        const auto timeout = parse_duration(value);
        if (!timeout) {
            std::fprintf(stderr, "%s: bad -T duration '%s' (e.g. 3s, 500ms, 2m; 0 = off)\n", tool,
                         value);
            return false;
        }
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*timeout).count();
        options.timeout_ms = static_cast<std::uint64_t>(ms);
        return true;
    }
    case 'q': {
        const auto cube = parse_cube(value);
        if (!cube) {
            std::fprintf(stderr, "%s: bad -q cube '%s' (raw, best_effort, video, voice, data)\n",
                         tool, value);
            return false;
        }
        options.cube = *cube;
        return true;
    }
    default: return false;
    }
}

std::string errno_text(int negative_errno) {
    return std::to_string(negative_errno) + " (" + ogw_strerror(negative_errno) + ")";
}

void report_error(const char* tool, const std::string& what, int negative_errno) {
    std::fprintf(stderr, "%s: %s: %s (%d)\n", tool, what.c_str(), ogw_strerror(negative_errno),
                 negative_errno);
}

void install_stop_handler() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: blocking calls return -EINTR
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested() { return stop_flag != 0; }

void line_buffered_output() { std::setvbuf(stdout, nullptr, _IOLBF, 0); }

std::size_t flow_max_sdu(int fd) {
    std::size_t max_sdu = 0;
    if (fccntl(fd, FLOWGMAXSDU, &max_sdu) != 0) {
        return 0;
    }
    return max_sdu;
}

namespace {

// Flows the accept thread handed over; shared with it for the life of the process.
struct Accepted {
    std::mutex mutex;
    std::deque<int> fds;
    int fatal = 0;
};

constexpr int max_reads_per_event = 256;

}  // namespace

int FlowServer::run(const std::string& name) {
    if (const int rc = ogw_register(name.c_str()); rc < 0) {
        report_error(tool_, "cannot register " + name, rc);
        return 1;
    }
    // Shared with the accept thread, which may still use the set while the process exits.
    const std::shared_ptr<fset_t> set(fset_create(), [](fset_t* s) { fset_destroy(s); });
    const std::unique_ptr<fqueue_t, void (*)(fqueue_t*)> fq(fqueue_create(), fqueue_destroy);
    auto accepted = std::make_shared<Accepted>();
    if (set == nullptr || fq == nullptr) {
        report_error(tool_, "fset_create", -ENOMEM);
        return 1;
    }
    std::thread([accepted, set, tool = tool_] {
        for (;;) {
            const int fd = flow_accept(nullptr, nullptr);
            if (fd == -EINTR) {
                continue;
            }
            const std::lock_guard lock(accepted->mutex);
            if (fd < 0) {
                report_error(tool, "flow_accept", fd);
                accepted->fatal = fd;
                return;
            }
            fccntl(fd, FLOWSFLAGS, FLOWFRDWR | FLOWFRNOBLOCK | FLOWFRNOPART);
            accepted->fds.push_back(fd);
            fset_add(set.get(), fd);
        }
    }).detach();

    std::map<int, Instant> flows;  // fd -> last SDU received
    std::vector<std::byte> buffer(64 * 1024);
    const auto close_flow = [&](int fd, const char* why) {
        if (handlers_.on_close) {
            handlers_.on_close(fd, why);
        }
        flow_dealloc(fd);
        flows.erase(fd);
    };
    const auto serve = [&](int fd) {
        for (int i = 0; i < max_reads_per_event; ++i) {
            const ssize_t n = flow_read(fd, buffer.data(), buffer.size());
            if (n == -EAGAIN || n == -EFLOWDOWN) {
                return;
            }
            if (n == -EMSGSIZE) {
                continue;
            }
            if (n < 0) {
                close_flow(fd, n == -EFLOWPEER ? "peer gone" : ogw_strerror(static_cast<int>(n)));
                return;
            }
            flows[fd] = now();
            if (!handlers_.on_sdu(fd, std::span(buffer).first(static_cast<std::size_t>(n)))) {
                close_flow(fd, "done");
                return;
            }
        }
    };

    const timespec tick{0, 100'000'000};
    int status = 0;
    while (!stop_requested()) {
        {
            const std::lock_guard lock(accepted->mutex);
            for (const int fd : accepted->fds) {
                flows[fd] = now();
                buffer.resize(std::max(buffer.size(), flow_max_sdu(fd)));
                if (handlers_.on_new) {
                    handlers_.on_new(fd);
                }
            }
            accepted->fds.clear();
            if (accepted->fatal != 0) {
                status = 1;
                break;
            }
        }
        const int rc = fevent(set.get(), fq.get(), &tick);
        if (rc == 1) {
            for (int fd = fqueue_next(fq.get()); fd >= 0; fd = fqueue_next(fq.get())) {
                if (flows.count(fd) == 0) {
                    continue;
                }
                switch (fqueue_type(fq.get())) {
                case FLOW_PKT: serve(fd); break;
                case FLOW_PEER: close_flow(fd, "peer gone"); break;
                case FLOW_DEALLOC: close_flow(fd, "deallocated by ogwd"); break;
                case FLOW_DOWN: std::printf("Flow %d: link down.\n", fd); break;
                case FLOW_UP: std::printf("Flow %d: link up.\n", fd); break;
                default: break;
                }
            }
        } else if (rc != -ETIMEDOUT && rc != -EINTR) {
            report_error(tool_, "fevent", rc);
            status = 1;
            break;
        }
        const Instant idle_since = now() - idle_timeout_;
        std::vector<int> idle;
        for (const auto& [fd, last] : flows) {
            if (last < idle_since) {
                idle.push_back(fd);
            }
        }
        for (const int fd : idle) {
            close_flow(fd, "idle");
        }
    }
    while (!flows.empty()) {
        close_flow(flows.begin()->first, "server stopping");
    }
    return status;
}

}  // namespace ogw::tools
