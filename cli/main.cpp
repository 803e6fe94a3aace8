// SPDX-License-Identifier: BSD-3-Clause
// ogw: inspect and manage a running ogwd through its control socket.
// Exit codes: 0 success, 1 the request failed, 2 usage error, 3 ogwd unreachable.
#include "commands.hpp"
#include "exit_codes.hpp"
#include "keys.hpp"
#include "watch.hpp"

#include <flowlib/version.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <vector>

namespace {

using namespace ogw::cli;

const std::vector<std::string> flow_states = {
    "alloc_pending",  "accept_pending", "allocated",       "peer_deallocated",
    "peer_timed_out", "down",           "dealloc_pending",
};
const std::vector<std::string> session_states = {"opening", "established", "closing"};

void add_filters(CLI::App* cmd, Filters& f, const std::vector<std::string>* states) {
    cmd->add_option("--ipcp", f.ipcp, "only those of this IPCP");
    cmd->add_option("--peer", f.peer, "only those to or from this remote name");
    if (states != nullptr) {
        cmd->add_option("--state", f.state, "only those in this state")
            ->check(CLI::IsMember(*states));
    }
}

CLI::App* add_id_command(CLI::App* parent, const char* name, const char* about, std::uint64_t& id,
                         const char* what) {
    auto* cmd = parent->add_subcommand(name, about);
    cmd->add_option("ID", id, what)->required()->check(CLI::NonNegativeNumber);
    return cmd;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (const char* env = std::getenv("OGW_SOCKET"); env != nullptr && env[0] != '\0') {
        o.socket = env;
    }
    CLI::App app{"ogw: inspect and manage IPCPs, flows and sessions of a running ogwd"};
    app.set_version_flag("--version", std::string("ogw ") + ogw::version);
    app.add_option("--socket", o.socket, "ogwd's control socket (env OGW_SOCKET)");
    app.add_flag("--json", o.json, "print one JSON object {\"schema\": 1, ...}");
    std::string colour = "auto";
    app.add_option("--color", colour,
                   "colour: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    app.require_subcommand(1);

    std::map<CLI::App*, std::function<int(const Options&)>> commands;
    commands[app.add_subcommand("status", "the daemon's node, version and counts")] = run_status;
    commands[app.add_subcommand("ipcps", "the IPC processes and their counters")] = run_ipcps;
    auto* flows = app.add_subcommand("flows", "the flows");
    add_filters(flows, o.filters, &flow_states);
    commands[flows] = run_flows;

    auto* flow = app.add_subcommand("flow", "one flow");
    flow->require_subcommand(1);
    commands[add_id_command(flow, "show", "every field and the state timeline", o.id, "flow id")] =
        run_flow_show;
    commands[add_id_command(flow, "dealloc", "deallocate a flow (the peer is told)", o.id,
                            "flow id")] = run_flow_dealloc;

    auto* sessions = app.add_subcommand("sessions", "the gateway's IP sessions");
    add_filters(sessions, o.filters, &session_states);
    sessions->add_option("--proto", o.filters.proto,
                         "only sessions of this protocol (tcp, udp, icmp, icmpv6 or a number)");
    commands[sessions] = run_sessions;

    auto* session = app.add_subcommand("session", "one gateway session");
    session->require_subcommand(1);
    commands[add_id_command(session, "kill",
                            "tear a session down (its flow is deallocated, the local host is told)",
                            o.id, "session id")] = run_session_kill;

    commands[app.add_subcommand("peers", "the remote gateways named in routes")] = run_peers;
    commands[app.add_subcommand("stats", "the gateway's counters")] = run_stats;
    commands[app.add_subcommand("macs", "the TAP bridge's MAC table (mode = tap)")] = run_macs;

    auto* watch = app.add_subcommand("watch", "flows and sessions, refreshed every interval");
    add_filters(watch, o.filters, nullptr);
    watch->add_option("-i,--interval", o.interval_s, "seconds between refreshes (default 2)")
        ->check(CLI::Range(0.1, 86400.0));
    watch->add_option("-c,--count", o.count, "stop after this many refreshes (0: never)")
        ->check(CLI::NonNegativeNumber);
    commands[watch] = run_watch;

    // Local key tools (no daemon), as wg genkey / wg pubkey.
    commands[app.add_subcommand("genkey", "print a new private key (base64)")] =
        [](const Options&) {
            ogw::ipcp::secure::SodiumRng rng;
            return run_genkey(rng, std::cout, std::cerr, open_to_others(1));
        };
    commands[app.add_subcommand("pubkey", "read a private key on stdin, print its public key")] =
        [](const Options&) { return run_pubkey(std::cin, std::cout, std::cerr); };

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage;
    }
    o.colour = colour == "always"  ? ColourWhen::always
               : colour == "never" ? ColourWhen::never
                                   : ColourWhen::automatic;
    for (const auto& [cmd, run] : commands) {
        if (cmd->parsed()) {
            return run(o);
        }
    }
    return exit_usage;
}
