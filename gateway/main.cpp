// SPDX-License-Identifier: BSD-3-Clause
// ogwd: parse the command line and the config file, then hand over to the Daemon.
#include "config/command_line.hpp"
#include "config/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemonize.hpp"

#include <flowlib/log.hpp>
#include <flowlib/version.hpp>

#include <sodium.h>

#include <csignal>
#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
    using namespace ogw;
    using namespace ogw::gw;

    auto cmd = parse_command_line(argc, argv);
    if (!cmd) {
        std::cerr << "ogwd: " << cmd.error().where << "\n" << usage("ogwd");
        return 2;
    }
    if (cmd->help) {
        std::cout << usage("ogwd");
        return 0;
    }
    if (cmd->version) {
        std::cout << "ogwd " << ogw::version << "\n";
        return 0;
    }

    ParseOutcome outcome = load_config(cmd->config_path);
    for (const auto& w : outcome.warnings) {
        std::cerr << "warning: " << w << "\n";
    }
    if (!outcome.ok()) {
        for (const auto& e : outcome.errors) {
            std::cerr << e << "\n";
        }
        std::cerr << "ogwd: " << cmd->config_path << ": " << outcome.errors.size()
                  << " error(s)\n";
        return 1;
    }
    Config config = std::move(*outcome.config);
    apply_overrides(*cmd, config);
    if (cmd->check_config) {
        std::cout << cmd->config_path << ": ok\n";
        return 0;
    }

    // Signals are taken through the event loop's signalfd: block them before any thread.
    sigset_t signals;
    sigemptyset(&signals);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
        sigaddset(&signals, sig);
    }
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    log::set_level(config.node.log_level);
    if (sodium_init() < 0) {
        std::cerr << "ogwd: libsodium failed to initialise\n";
        return 1;
    }
    Readiness readiness;
    if (!cmd->foreground) {
        auto r = daemonize();
        if (!r) {
            std::cerr << "ogwd: " << r.error().message() << "\n";
            return 1;
        }
        readiness = std::move(*r);
    }
    auto daemon = Daemon::create(std::move(config), cmd->config_path);
    if (!daemon) {
        OGW_LOG(error, "ogwd") << daemon.error().message();
        readiness.failed(daemon.error().message());
        return 1;
    }
    readiness.ready();
    return (*daemon)->run();
}
