// SPDX-License-Identifier: BSD-3-Clause
// ogw: inspect and manage a running ogwd through its control socket.
// Exit codes: 0 success, 1 the request failed, 2 usage error, 3 ogwd unreachable.
#include "control_client.hpp"
#include "render.hpp"

#include <flowlib/version.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

namespace {

using namespace ogw;
using namespace ogw::cli;

constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

struct Options {
    std::string socket = "/run/ogw/ogwd.sock";
    bool json = false;
    std::string ipcp;
    std::string peer;
    std::string state;
    std::string proto;
    std::uint64_t id = 0;
};

int fail(const RequestError& e) {
    switch (e.kind) {
    case RequestError::unreachable:
        std::cerr << "ogw: cannot reach " << e.message << "\n";
        return exit_unreachable;
    case RequestError::protocol: std::cerr << "ogw: " << e.message << "\n"; return exit_failed;
    case RequestError::refused:
        std::cerr << "ogw: " << e.message << " (" << e.error << ")\n";
        return exit_failed;
    }
    return exit_failed;
}

// Runs `op` and prints its result under `key`, as JSON or through `human`.
int run(const Options& o, const std::string& op, json::Value args, const std::string& key,
        std::string (*human)(const json::Value&)) {
    auto client = ControlClient::connect(o.socket);
    if (!client) {
        std::cerr << "ogw: cannot reach ogwd at " << o.socket << ": "
                  << client.error().code.message() << "\n";
        return exit_unreachable;
    }
    json::Value result;
    RequestError err;
    if (!client->request(op, std::move(args), result, err)) {
        return fail(err);
    }
    const json::Value* payload = key.empty() ? &result : result.find(key);
    json::Value empty = json::Object{};
    if (payload == nullptr) {
        payload = &empty;
    }
    if (o.json) {
        json::Value out = json::Object{{"schema", 1}};
        out[key.empty() ? op : key] = *payload;
        std::cout << json::dump(out, true) << "\n";
    } else if (human != nullptr) {
        std::cout << human(*payload);
    }
    return 0;
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
    app.require_subcommand(1);

    auto* status = app.add_subcommand("status", "the daemon's node, version and counts");
    auto* ipcps = app.add_subcommand("ipcps", "the IPC processes and their counters");
    auto* flows = app.add_subcommand("flows", "the flows");
    flows->add_option("--ipcp", o.ipcp, "only flows of this IPCP");
    flows->add_option("--peer", o.peer, "only flows to or from this remote name");
    flows->add_option("--state", o.state, "only flows in this state");
    auto* flow = app.add_subcommand("flow", "one flow");
    flow->require_subcommand(1);
    auto* flow_show = flow->add_subcommand("show", "every field and the state timeline");
    flow_show->add_option("ID", o.id, "flow id")->required();
    auto* flow_dealloc = flow->add_subcommand("dealloc", "deallocate a flow (the peer is told)");
    flow_dealloc->add_option("ID", o.id, "flow id")->required();

    auto* sessions = app.add_subcommand("sessions", "the gateway's IP sessions");
    sessions->add_option("--peer", o.peer, "only sessions to or from this remote gateway");
    sessions->add_option("--state", o.state, "only sessions in this state")
        ->check(CLI::IsMember({"opening", "established", "closing"}));
    sessions->add_option("--proto", o.proto, "only sessions of this protocol (tcp, udp, icmp, ...)");
    auto* session = app.add_subcommand("session", "one gateway session");
    session->require_subcommand(1);
    auto* session_kill = session->add_subcommand(
        "kill", "tear a session down (its flow is deallocated, the local host is told)");
    session_kill->add_option("ID", o.id, "session id")->required();
    auto* peers = app.add_subcommand("peers", "the remote gateways named in routes");
    auto* stats = app.add_subcommand("stats", "the gateway's counters");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage;
    }

    if (status->parsed()) {
        return run(o, "status", json::Object{}, "", render_status);
    }
    if (ipcps->parsed()) {
        return run(o, "ipcps", json::Object{}, "ipcps", render_ipcps);
    }
    if (flows->parsed()) {
        json::Value args = json::Object{};
        if (!o.ipcp.empty()) args["ipcp"] = o.ipcp;
        if (!o.peer.empty()) args["peer"] = o.peer;
        if (!o.state.empty()) args["state"] = o.state;
        return run(o, "flows", std::move(args), "flows", render_flows);
    }
    if (flow_show->parsed()) {
        return run(o, "flow_show", json::Object{{"id", o.id}}, "flow", render_flow);
    }
    if (flow_dealloc->parsed()) {
        const int rc = run(o, "flow_dealloc", json::Object{{"id", o.id}}, "flow_dealloc", nullptr);
        if (rc == 0 && !o.json) {
            std::cout << "flow " << o.id << " deallocated\n";
        }
        return rc;
    }
    if (sessions->parsed()) {
        json::Value args = json::Object{};
        if (!o.peer.empty()) args["peer"] = o.peer;
        if (!o.state.empty()) args["state"] = o.state;
        if (!o.proto.empty()) args["proto"] = o.proto;
        return run(o, "sessions", std::move(args), "sessions", render_sessions);
    }
    if (session_kill->parsed()) {
        const int rc = run(o, "session_kill", json::Object{{"id", o.id}}, "session_kill", nullptr);
        if (rc == 0 && !o.json) {
            std::cout << "session " << o.id << " killed\n";
        }
        return rc;
    }
    if (peers->parsed()) {
        return run(o, "peers", json::Object{}, "peers", render_peers);
    }
    if (stats->parsed()) {
        return run(o, "stats", json::Object{}, "stats", render_stats);
    }
    return exit_usage;
}
