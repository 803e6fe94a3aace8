// SPDX-License-Identifier: BSD-3-Clause
// oping: round-trip times over a flow. The client sends SIZE-byte requests every INTERVAL
// (24-byte header: type, id, send time; big-endian), the server echoes each one as a reply.
#include "../common/tool_common.hpp"

#include <ogw/dev.h>
#include <ogw/fccntl.h>

#include <getopt.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using ogw::Duration;
using ogw::Instant;
using namespace std::chrono_literals;

constexpr const char* tool = "oping";
constexpr std::size_t header_size = 24;
constexpr std::size_t default_size = 64;
constexpr std::size_t max_size = 65535;
constexpr std::uint32_t echo_request = 0;
constexpr std::uint32_t echo_reply = 1;
// A reply later than the interval plus this is lost (upstream: the read timeout).
constexpr Duration reply_grace = 2s;
constexpr Duration server_idle_timeout = 10s;

void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: oping -n NAME [-c COUNT] [-i INTERVAL] [-s SIZE] [-q CUBE] "
                 "[-T DURATION]\n"
                 "       oping -l [-n NAME]\n"
                 "  -l            serve NAME: echo every request\n"
                 "  -n NAME       name to serve or ping (default: oping)\n"
                 "  -c COUNT      stop after COUNT requests (default: until interrupted)\n"
                 "  -i INTERVAL   time between requests: seconds (0.01) or 10ms (default: 1s)\n"
                 "  -s SIZE       request size in bytes, %zu..%zu (default: %zu)\n"
                 "  -q CUBE       raw, best_effort, video, voice or data (default: raw)\n"
                 "  -T DURATION   the flow's peer timeout, e.g. 3s, 500ms; 0 = off\n",
                 header_size, max_size, default_size);
}

Instant now() { return ogw::SystemClock().now(); }

void put32(std::byte* p, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) {
        p[i] = static_cast<std::byte>(v & 0xff);
        v >>= 8;
    }
}

void put64(std::byte* p, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) {
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

struct Stats {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    double min_ms = std::numeric_limits<double>::max();
    double max_ms = 0;
    double sum_ms = 0;
    double sum_sq_ms = 0;

    void add(double ms) {
        ++received;
        min_ms = std::min(min_ms, ms);
        max_ms = std::max(max_ms, ms);
        sum_ms += ms;
        sum_sq_ms += ms * ms;
    }
};

void print_summary(const std::string& name, const Stats& s, Duration elapsed) {
    const std::uint64_t lost = s.sent > s.received ? s.sent - s.received : 0;
    std::printf("\n--- %s ping statistics ---\n", name.c_str());
    std::printf("%llu packets transmitted, %llu received, ",
                static_cast<unsigned long long>(s.sent),
                static_cast<unsigned long long>(s.received));
    if (s.sent == 0 || (lost * 100) % s.sent == 0) {
        std::printf("%llu%% packet loss",
                    static_cast<unsigned long long>(s.sent == 0 ? 0 : lost * 100 / s.sent));
    } else {
        std::printf("%.1f%% packet loss",
                    static_cast<double>(lost) * 100.0 / static_cast<double>(s.sent));
    }
    std::printf(", time %lld ms\n", static_cast<long long>(ogw::to_ms(elapsed)));
    if (s.received > 0) {
        const double n = static_cast<double>(s.received);
        const double avg = s.sum_ms / n;
        const double mdev = std::sqrt(std::max(0.0, s.sum_sq_ms / n - avg * avg));
        std::printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", s.min_ms, avg, s.max_ms,
                    mdev);
    }
}

struct ClientOptions {
    std::uint64_t count = 0;  // 0: until interrupted
    Duration interval = 1s;
    std::size_t size = default_size;
};

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
    if (opts.count > 0) {
        std::printf("Pinging %s with %zu bytes of data (%llu packets):\n\n", name.c_str(),
                    opts.size, static_cast<unsigned long long>(opts.count));
    } else {
        std::printf("Pinging %s with %zu bytes of data:\n\n", name.c_str(), opts.size);
    }

    Stats stats;
    std::vector<bool> answered;
    std::vector<std::byte> out(opts.size);
    std::vector<std::byte> in(std::max<std::size_t>(max_sdu, max_size));
    const Instant start = now();
    Instant next_send = start;
    Instant last_send = start;
    const auto fail = [&](const char* what, long rc) {
        std::printf("Flow failed: %ld.\n", rc);
        ogw::tools::report_error(tool, what, static_cast<int>(rc));
        print_summary(name, stats, now() - start);
        flow_dealloc(fd);
        return 1;
    };

    while (!ogw::tools::stop_requested()) {
        const Instant t = now();
        const bool more = opts.count == 0 || stats.sent < opts.count;
        if (more && t >= next_send) {
            const auto since_start = t.time_since_epoch();
            const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_start);
            put32(out.data(), echo_request);
            put32(out.data() + 4, static_cast<std::uint32_t>(stats.sent));
            put64(out.data() + 8, static_cast<std::uint64_t>(secs.count()));
            put64(out.data() + 16, static_cast<std::uint64_t>((since_start - secs).count()));
            const ssize_t rc = flow_write(fd, out.data(), out.size());
            if (rc == -EINTR) {
                continue;
            }
            if (rc < 0) {
                return fail("flow_write", rc);
            }
            ++stats.sent;
            answered.push_back(false);
            last_send = t;
            // After a stall, carry on from now rather than sending a burst.
            next_send = std::max(next_send + opts.interval, t);
            continue;
        }
        Instant wait_until = next_send;
        if (!more) {
            wait_until = last_send + opts.interval + reply_grace;
            if (stats.received >= stats.sent || t >= wait_until) {
                break;
            }
        }
        const timespec timeo =
            ogw::tools::to_timespec(wait_until > t ? wait_until - t : Duration::zero());
        fccntl(fd, FLOWSRCVTIMEO, &timeo);
        const ssize_t n = flow_read(fd, in.data(), in.size());
        if (n == -ETIMEDOUT || n == -EINTR) {
            continue;
        }
        if (n < 0) {
            return fail("flow_read", n);
        }
        const Instant arrived = now();
        if (static_cast<std::size_t>(n) < header_size || get(in.data(), 4) != echo_reply) {
            continue;
        }
        const std::uint64_t id = get(in.data() + 4, 4);
        if (id >= answered.size() || answered[id]) {
            continue;
        }
        answered[id] = true;
        const Instant sent_at{std::chrono::seconds(get(in.data() + 8, 8)) +
                              std::chrono::nanoseconds(get(in.data() + 16, 8))};
        const double rtt_ms =
            std::chrono::duration<double, std::milli>(arrived - sent_at).count();
        stats.add(rtt_ms);
        std::printf("%zd bytes from %s: seq=%llu time=%.3f ms\n", n, name.c_str(),
                    static_cast<unsigned long long>(id), rtt_ms);
    }
    print_summary(name, stats, now() - start);
    flow_dealloc(fd);
    // As ping(8): failure when nothing came back.
    return stats.received > 0 ? 0 : 1;
}

int server_main(const std::string& name) {
    std::printf("oping server: serving %s.\n", name.c_str());
    ogw::tools::FlowServer server(
        tool, server_idle_timeout,
        {
            [](int fd) { std::printf("New flow %d.\n", fd); },
            [](int fd, std::span<std::byte> sdu) {
                if (sdu.size() < header_size || get(sdu.data(), 4) != echo_request) {
                    return true;
                }
                put32(sdu.data(), echo_reply);
                const ssize_t rc = flow_write(fd, sdu.data(), sdu.size());
                return rc >= 0 || rc == -EAGAIN || rc == -EFLOWDOWN;
            },
            [](int fd, const char* why) {
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
    while ((c = getopt_long(argc, argv, "ln:q:T:c:i:s:h", long_options, nullptr)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'c': {
            const auto count = ogw::tools::parse_uint(optarg, 1, UINT32_MAX);
            if (!count) {
                std::fprintf(stderr, "%s: bad -c count '%s'\n", tool, optarg);
                usage(stderr);
                return 2;
            }
            client.count = *count;
            break;
        }
        case 'i': {
            const auto interval = ogw::tools::parse_duration(optarg);
            if (!interval || *interval < 1ms) {
                std::fprintf(stderr, "%s: bad -i interval '%s' (at least 1ms)\n", tool, optarg);
                usage(stderr);
                return 2;
            }
            client.interval = *interval;
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
