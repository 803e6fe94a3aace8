// SPDX-License-Identifier: BSD-3-Clause
// oecho: the upstream seed scenario. The server accepts a flow, echoes one message and
// deallocates; the client sends a greeting, prints the reply, then reads again until the flow
// fails (with ogw at once: -1006, the server deallocated).
#include "../common/tool_common.hpp"

#include <ogw/dev.h>
#include <ogw/fccntl.h>

#include <getopt.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

constexpr const char* tool = "oecho";
constexpr const char* greeting = "Client says hi!";
// A client that never sends is given up after this long.
constexpr timespec server_read_timeout{10, 0};

void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: oecho [-l] [-n NAME] [-q CUBE] [-T DURATION]\n"
                 "  -l            serve NAME: echo one message per flow\n"
                 "  -n NAME       name to serve or allocate a flow to (default: oecho)\n"
                 "  -q CUBE       raw, best_effort, video, voice or data (default: raw)\n"
                 "  -T DURATION   the flow's peer timeout, e.g. 3s, 500ms; 0 = off\n");
}

std::vector<char> buffer_for(int fd) {
    const std::size_t max_sdu = ogw::tools::flow_max_sdu(fd);
    return std::vector<char>(max_sdu > 0 ? max_sdu : 65536);
}

int server_main(const std::string& name) {
    if (const int rc = ogw_register(name.c_str()); rc < 0) {
        ogw::tools::report_error(tool, "cannot register " + name, rc);
        return 1;
    }
    std::printf("Starting the server.\n");
    for (;;) {
        const int fd = flow_accept(nullptr, nullptr);
        if (fd < 0) {
            std::printf("Failed to accept flow: %d.\n", fd);
            ogw::tools::report_error(tool, "flow_accept", fd);
            if (fd == -EINTR || fd == -ETIMEDOUT) {
                continue;
            }
            return 1;
        }
        std::printf("New flow.\n");
        fccntl(fd, FLOWSRCVTIMEO, &server_read_timeout);
        std::vector<char> buf = buffer_for(fd);
        const ssize_t count = flow_read(fd, buf.data(), buf.size());
        if (count < 0) {
            std::printf("Failed to read packet: %zd.\n", count);
            ogw::tools::report_error(tool, "flow_read", static_cast<int>(count));
            flow_dealloc(fd);
            continue;
        }
        std::printf("Message from client is %.*s.\n", static_cast<int>(count), buf.data());
        if (const ssize_t rc = flow_write(fd, buf.data(), static_cast<std::size_t>(count));
            rc < 0) {
            std::printf("Failed to write packet: %zd.\n", rc);
            ogw::tools::report_error(tool, "flow_write", static_cast<int>(rc));
        }
        flow_dealloc(fd);
    }
}

int client_main(const std::string& name, qosspec_t qos) {
    const int fd = flow_alloc(name.c_str(), &qos, nullptr);
    if (fd < 0) {
        std::printf("Failed to allocate flow: %d.\n", fd);
        ogw::tools::report_error(tool, "cannot allocate a flow to " + name, fd);
        return 1;
    }
    if (const ssize_t rc = flow_write(fd, greeting, std::strlen(greeting)); rc < 0) {
        std::printf("Failed to write packet: %zd.\n", rc);
        ogw::tools::report_error(tool, "flow_write", static_cast<int>(rc));
        flow_dealloc(fd);
        return 1;
    }
    std::vector<char> buf = buffer_for(fd);
    for (;;) {
        const ssize_t count = flow_read(fd, buf.data(), buf.size());
        if (count < 0) {
            std::printf("Failed to read packet: %zd.\n", count);
            ogw::tools::report_error(tool, "flow_read", static_cast<int>(count));
            flow_dealloc(fd);
            return 1;
        }
        std::printf("Server replied with %.*s\n", static_cast<int>(count), buf.data());
    }
}

}  // namespace

int main(int argc, char** argv) {
    ogw::tools::line_buffered_output();
    ogw::tools::CommonOptions options;
    options.name = tool;
    static const option long_options[] = {{"help", no_argument, nullptr, 'h'},
                                          {nullptr, 0, nullptr, 0}};
    int c = 0;
    while ((c = getopt_long(argc, argv, "ln:q:T:h", long_options, nullptr)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == '?' || !ogw::tools::common_option(tool, c, optarg, options)) {
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        std::fprintf(stderr, "%s: unexpected argument '%s'\n", tool, argv[optind]);
        usage(stderr);
        return 2;
    }
    return options.listen ? server_main(options.name) : client_main(options.name, options.qos());
}
