// SPDX-License-Identifier: BSD-3-Clause
// operf: throughput and loss over a flow. The client sends numbered packets for a while, then
// asks the server how many arrived. Messages (big-endian): type u32, reserved u32, then
//   data (0):          sequence number u64, padding up to the packet size;
//   report request (1): packets sent u64;
//   report (2):        packets received u64, bytes received u64.
#include "../common/tool_common.hpp"

#include <ogw/dev.h>
#include <ogw/fccntl.h>

#include <getopt.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

namespace {

using ogw::Duration;
using ogw::Instant;
using namespace std::chrono_literals;

constexpr const char* tool = "operf";
constexpr std::uint32_t msg_data = 0;
constexpr std::uint32_t msg_report_request = 1;
constexpr std::uint32_t msg_report = 2;
constexpr std::size_t header_size = 16;
constexpr std::size_t report_size = 24;
constexpr std::size_t default_size = 1000;
constexpr std::size_t max_size = 16 * 1024 * 1024;
constexpr int report_attempts = 5;
constexpr timespec report_wait{1, 0};
constexpr timespec write_wait{1, 0};
constexpr Duration server_idle_timeout = 10s;

void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: operf -n NAME [-d DURATION] [-s SIZE] [-r RATE] [-q CUBE] "
                 "[-T DURATION]\n"
                 "       operf -l [-n NAME]\n"
                 "  -l            serve NAME: count packets, report on request\n"
                 "  -n NAME       name to serve or send to (default: operf)\n"
                 "  -d DURATION   how long to send, e.g. 10s, 500ms, 2m (default: 10s)\n"
                 "  -s SIZE       packet size in bytes, %zu up to the flow's largest SDU "
                 "(default: %zu)\n"
                 "  -r RATE       bits per second, e.g. 800k, 10M, 1G (default: as fast as "
                 "possible)\n"
                 "  -q CUBE       raw, best_effort, video, voice or data (default: raw)\n"
                 "  -T DURATION   the flow's peer timeout, e.g. 3s, 500ms; 0 = off\n",
                 header_size, default_size);
}

Instant now() { return ogw::SystemClock().now(); }

void put(std::byte* p, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        p[i] = static_cast<std::byte>(v & 0xff);
        v >>= 8;
    }
}

std::uint64_t get(const std::byte* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
        v = (v << 8) | static_cast<std::uint64_t>(p[i]);
    }
    return v;
}

double mbit_per_s(std::uint64_t bytes, Duration d) {
    const double seconds = std::chrono::duration<double>(d).count();
    return seconds > 0 ? static_cast<double>(bytes) * 8.0 / seconds / 1e6 : 0.0;
}

void sleep_until(Instant t) {
    const auto since = t.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(secs.count());
    ts.tv_nsec = static_cast<long>((since - secs).count());
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
}

struct ClientOptions {
    Duration duration = 10s;
    std::size_t size = default_size;
    std::uint64_t rate = 0;  // bits/s, 0: as fast as possible
};

struct Report {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
};

// Asks for the server's count, retrying in case the request or the answer is lost. Returns 1
// with a report, 0 without, or a negative errno when the flow failed.
int request_report(int fd, std::uint64_t sent, std::vector<std::byte>& in, Report& report) {
    std::vector<std::byte> request(header_size);
    put(request.data(), msg_report_request, 4);
    put(request.data() + 8, sent, 8);
    fccntl(fd, FLOWSRCVTIMEO, &report_wait);
    for (int attempt = 0; attempt < report_attempts && !ogw::tools::stop_requested(); ++attempt) {
        if (const ssize_t rc = flow_write(fd, request.data(), request.size()); rc < 0) {
            if (rc == -EINTR) {
                continue;
            }
            return static_cast<int>(rc);
        }
        for (;;) {
            const ssize_t n = flow_read(fd, in.data(), in.size());
            if (n == -ETIMEDOUT || n == -EINTR) {
                break;
            }
            if (n < 0) {
                return static_cast<int>(n);
            }
            if (static_cast<std::size_t>(n) >= report_size && get(in.data(), 4) == msg_report) {
                report.packets = get(in.data() + 8, 8);
                report.bytes = get(in.data() + 16, 8);
                return 1;
            }
        }
    }
    return 0;
}

void print_summary(const std::string& name, std::uint64_t sent, std::uint64_t sent_bytes,
                   const Report& report, Duration elapsed) {
    const std::uint64_t lost = sent > report.packets ? sent - report.packets : 0;
    const double loss = sent > 0 ? static_cast<double>(lost) * 100.0 / static_cast<double>(sent)
                                 : 0.0;
    std::printf("\n--- %s throughput statistics ---\n", name.c_str());
    std::printf("%llu packets sent, %llu received, %.2f%% packet loss, time %lld ms\n",
                static_cast<unsigned long long>(sent),
                static_cast<unsigned long long>(report.packets), loss,
                static_cast<long long>(ogw::to_ms(elapsed)));
    std::printf("sent %.3f Mbit/s, received %.3f Mbit/s\n", mbit_per_s(sent_bytes, elapsed),
                mbit_per_s(report.bytes, elapsed));
}

int client_main(const std::string& name, qosspec_t qos, const ClientOptions& opts) {
    const int fd = flow_alloc(name.c_str(), &qos, nullptr);
    if (fd < 0) {
        ogw::tools::report_error(tool, "cannot allocate a flow to " + name, fd);
        return 1;
    }
    const std::size_t max_sdu = ogw::tools::flow_max_sdu(fd);
    if (max_sdu > 0 && opts.size > max_sdu) {
        std::fprintf(stderr, "%s: size %zu exceeds the flow's largest SDU (%zu)\n", tool,
                     opts.size, max_sdu);
        flow_dealloc(fd);
        return 1;
    }
    const double seconds = std::chrono::duration<double>(opts.duration).count();
    if (opts.rate > 0) {
        std::printf("Sending %zu-byte packets to %s for %.3f s at %.3f Mbit/s.\n", opts.size,
                    name.c_str(), seconds, static_cast<double>(opts.rate) / 1e6);
    } else {
        std::printf("Sending %zu-byte packets to %s for %.3f s at full rate.\n", opts.size,
                    name.c_str(), seconds);
    }
    fccntl(fd, FLOWSSNDTIMEO, &write_wait);

    std::vector<std::byte> out(opts.size);
    std::vector<std::byte> in(std::max<std::size_t>(max_sdu, 64 * 1024));
    const Duration gap = opts.rate > 0
                             ? Duration(static_cast<Duration::rep>(
                                   static_cast<double>(opts.size) * 8e9 /
                                   static_cast<double>(opts.rate)))
                             : Duration::zero();
    std::uint64_t sent = 0;
    std::uint64_t sent_bytes = 0;
    const Instant start = now();
    const Instant end = start + opts.duration;
    Instant next = start;
    const auto fail = [&](const char* what, int rc) {
        std::printf("Flow failed: %d.\n", rc);
        ogw::tools::report_error(tool, what, rc);
        flow_dealloc(fd);
        return 1;
    };
    for (Instant t = now(); t < end && !ogw::tools::stop_requested(); t = now()) {
        if (opts.rate > 0 && t < next) {
            sleep_until(std::min(next, end));
            continue;
        }
        put(out.data(), msg_data, 4);
        put(out.data() + 8, sent, 8);
        const ssize_t rc = flow_write(fd, out.data(), out.size());
        if (rc == -ETIMEDOUT || rc == -EINTR) {
            continue;
        }
        if (rc < 0) {
            return fail("flow_write", static_cast<int>(rc));
        }
        ++sent;
        sent_bytes += opts.size;
        next += gap;
    }
    const Duration elapsed = now() - start;

    Report report;
    const int got = request_report(fd, sent, in, report);
    if (got < 0) {
        return fail("report", got);
    }
    if (got == 0) {
        std::fprintf(stderr, "%s: no report from %s\n", tool, name.c_str());
        flow_dealloc(fd);
        return 1;
    }
    print_summary(name, sent, sent_bytes, report, elapsed);
    flow_dealloc(fd);
    return 0;
}

struct FlowCount {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    Instant first{};
    Instant last{};
};

int server_main(const std::string& name) {
    std::printf("operf server: serving %s.\n", name.c_str());
    std::map<int, FlowCount> counts;
    ogw::tools::FlowServer server(
        tool, server_idle_timeout,
        {
            [&](int fd) {
                counts[fd] = FlowCount{};
                std::printf("New flow %d.\n", fd);
            },
            [&](int fd, std::span<std::byte> sdu) {
                if (sdu.size() < header_size) {
                    return true;
                }
                FlowCount& c = counts[fd];
                const auto type = get(sdu.data(), 4);
                if (type == msg_data) {
                    const Instant t = now();
                    if (c.packets == 0) {
                        c.first = t;
                    }
                    c.last = t;
                    ++c.packets;
                    c.bytes += sdu.size();
                    return true;
                }
                if (type != msg_report_request) {
                    return true;
                }
                std::vector<std::byte> answer(report_size);
                put(answer.data(), msg_report, 4);
                put(answer.data() + 8, c.packets, 8);
                put(answer.data() + 16, c.bytes, 8);
                std::printf("Flow %d: received %llu packets, %llu bytes in %.3f s "
                            "(%.3f Mbit/s).\n",
                            fd, static_cast<unsigned long long>(c.packets),
                            static_cast<unsigned long long>(c.bytes),
                            std::chrono::duration<double>(c.last - c.first).count(),
                            mbit_per_s(c.bytes, c.last - c.first));
                const ssize_t rc = flow_write(fd, answer.data(), answer.size());
                return rc >= 0 || rc == -EFLOWDOWN;
            },
            [&](int fd, const char* why) {
                counts.erase(fd);
                std::printf("Flow %d: %s, deallocated.\n", fd, why);
            },
        });
    return server.run(name);
}

}  // namespace

int main(int argc, char** argv) {
    ogw::tools::line_buffered_output();
    ogw::tools::CommonOptions options;
    options.name = tool;
    ClientOptions client;
    static const option long_options[] = {{"help", no_argument, nullptr, 'h'},
                                          {nullptr, 0, nullptr, 0}};
    int c = 0;
    while ((c = getopt_long(argc, argv, "ln:q:T:d:s:r:h", long_options, nullptr)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'd': {
            const auto duration = ogw::tools::parse_duration(optarg);
            if (!duration || *duration <= Duration::zero()) {
                std::fprintf(stderr, "%s: bad -d duration '%s'\n", tool, optarg);
                usage(stderr);
                return 2;
            }
            client.duration = *duration;
            break;
        }
        case 's': {
            const auto size = ogw::tools::parse_uint(optarg, header_size, max_size);
            if (!size) {
                std::fprintf(stderr, "%s: bad -s size '%s'\n", tool, optarg);
                usage(stderr);
                return 2;
            }
            client.size = static_cast<std::size_t>(*size);
            break;
        }
        case 'r': {
            const auto rate = ogw::tools::parse_rate(optarg);
            if (!rate) {
                std::fprintf(stderr, "%s: bad -r rate '%s' (e.g. 800k, 10M, 1G)\n", tool,
                             optarg);
                usage(stderr);
                return 2;
            }
            client.rate = *rate;
            break;
        }
        default:
            if (c == '?' || !ogw::tools::common_option(tool, c, optarg, options)) {
                usage(stderr);
                return 2;
            }
        }
    }
    if (optind != argc) {
        std::fprintf(stderr, "%s: unexpected argument '%s'\n", tool, argv[optind]);
        usage(stderr);
        return 2;
    }
    ogw::tools::install_stop_handler();
    if (options.listen) {
        return server_main(options.name);
    }
    return client_main(options.name, options.qos(), client);
}
