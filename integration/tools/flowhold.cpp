// SPDX-License-Identifier: BSD-3-Clause
// flowhold: a flow end that tests can watch, written against the C API of <ogw/dev.h>.
//
//   flowhold -n NAME [-T DURATION] [-w INTERVAL]
//       Allocates a flow to NAME with the peer timeout DURATION and holds it: it never reads
//       and never exits (until killed). With -w it writes a 4-byte SDU every INTERVAL and
//       prints what each flow_write returned.
//   flowhold -l [-n NAME]
//       Registers NAME, accepts one flow and blocks in flow_read, printing every return with
//       the time the call took; exits after the first failed read.
//
// Every line starts with the wall-clock time in milliseconds since the epoch, so that a test
// can compare it with its own timestamps (date +%s%3N):
//   1700000000123 allocated fd 3 to hold, timeout 1000 ms
//   1700000000456 write: 4
//   1700000000789 read: -1006 after 812 ms
// Durations are milliseconds ("1000") or take a unit: ms, s, m ("1s", "250ms").
#include <ogw/dev.h>

#include <getopt.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::int64_t clock_ms(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

std::int64_t wall_ms() { return clock_ms(CLOCK_REALTIME); }
std::int64_t mono_ms() { return clock_ms(CLOCK_MONOTONIC); }

// "1000" (ms), "250ms", "1s", "2m".
std::optional<std::uint64_t> parse_ms(std::string_view text) {
    std::uint64_t value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end == first) {
        return std::nullopt;
    }
    const std::string_view unit(end, static_cast<std::size_t>(last - end));
    std::uint64_t scale = 0;
    if (unit.empty() || unit == "ms") {
        scale = 1;
    } else if (unit == "s") {
        scale = 1000;
    } else if (unit == "m") {
        scale = 60'000;
    } else {
        return std::nullopt;
    }
    if (value > UINT64_MAX / scale) {
        return std::nullopt;
    }
    return value * scale;
}

void sleep_ms(std::uint64_t ms) {
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1'000'000)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: flowhold [-l] [-n NAME] [-T DURATION] [-w INTERVAL]\n"
                 "  -l           serve NAME: accept one flow, print every flow_read return\n"
                 "  -n NAME      the name to serve or allocate a flow to (default: flowhold)\n"
                 "  -T DURATION  client: the flow's peer timeout (default 120000 ms)\n"
                 "  -w INTERVAL  client: write a 4-byte SDU every INTERVAL\n");
}

int client(const std::string& name, std::uint64_t timeout_ms,
           std::optional<std::uint64_t> write_interval_ms) {
    qosspec_t qos = qos_raw;
    qos.timeout = timeout_ms;
    const int fd = flow_alloc(name.c_str(), &qos, nullptr);
    if (fd < 0) {
        std::printf("%lld alloc: %d (%s)\n", static_cast<long long>(wall_ms()), fd,
                    ogw_strerror(fd));
        return 1;
    }
    std::printf("%lld allocated fd %d to %s, timeout %llu ms\n",
                static_cast<long long>(wall_ms()), fd, name.c_str(),
                static_cast<unsigned long long>(qos.timeout));
    for (;;) {
        if (!write_interval_ms) {
            pause();
            continue;
        }
        sleep_ms(*write_interval_ms);
        static const char sdu[4] = {'h', 'o', 'l', 'd'};
        const ssize_t rc = flow_write(fd, sdu, sizeof sdu);
        std::printf("%lld write: %zd\n", static_cast<long long>(wall_ms()), rc);
    }
}

int server(const std::string& name) {
    if (const int rc = ogw_register(name.c_str()); rc < 0) {
        std::printf("%lld register: %d (%s)\n", static_cast<long long>(wall_ms()), rc,
                    ogw_strerror(rc));
        return 1;
    }
    std::printf("%lld registered %s\n", static_cast<long long>(wall_ms()), name.c_str());
    qosspec_t qos{};
    const int fd = flow_accept(&qos, nullptr);
    if (fd < 0) {
        std::printf("%lld accept: %d (%s)\n", static_cast<long long>(wall_ms()), fd,
                    ogw_strerror(fd));
        return 1;
    }
    std::printf("%lld accepted fd %d, timeout %llu ms\n", static_cast<long long>(wall_ms()), fd,
                static_cast<unsigned long long>(qos.timeout));
    std::vector<char> buf(65536);
    for (;;) {
        const std::int64_t start = mono_ms();
        const ssize_t rc = flow_read(fd, buf.data(), buf.size());
        std::printf("%lld read: %zd after %lld ms\n", static_cast<long long>(wall_ms()), rc,
                    static_cast<long long>(mono_ms() - start));
        if (rc < 0) {
            return 1;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    bool listen = false;
    std::string name = "flowhold";
    std::uint64_t timeout_ms = qos_raw.timeout;
    std::optional<std::uint64_t> write_interval_ms;
    int c = 0;
    while ((c = getopt(argc, argv, "ln:T:w:h")) != -1) {
        switch (c) {
            case 'l':
                listen = true;
                break;
            case 'n':
                name = optarg;
                break;
            case 'T':
            case 'w': {
                const auto ms = parse_ms(optarg);
                if (!ms || (c == 'w' && *ms == 0)) {
                    std::fprintf(stderr, "flowhold: invalid duration '%s'\n", optarg);
                    return 2;
                }
                (c == 'T' ? timeout_ms : write_interval_ms.emplace()) = *ms;
                break;
            }
            case 'h':
                usage(stdout);
                return 0;
            default:
                usage(stderr);
                return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    return listen ? server(name) : client(name, timeout_ms, write_interval_ms);
}
