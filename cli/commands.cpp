// SPDX-License-Identifier: BSD-3-Clause
#include "commands.hpp"

#include "exit_codes.hpp"
#include "render.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace ogw::cli {
namespace {

using Renderer = std::string (*)(const json::Value&, const Style&);

void print(const Options& o, const std::string& key, json::Value payload, Renderer human) {
    if (o.json) {
        std::cout << json::dump(json_document(key, std::move(payload)), true) << '\n';
    } else {
        std::cout << human(payload, Style{colour_wanted(o.colour, STDOUT_FILENO)});
    }
}

// "flow show" for the op "flow_show": how messages name a command.
std::string command_of(std::string op) {
    std::replace(op.begin(), op.end(), '_', ' ');
    return op;
}

struct Query {
    std::string op;        // the control op
    json::Value args;      // its arguments
    std::string member;    // the member of the result to print; empty: the whole result
    std::string json_key;  // "<command>" in {"schema": 1, "<command>": ...}
    Renderer human;
};

int show(const Options& o, Query q) {
    ControlClient client;
    int rc = exit_ok;
    if (!open_daemon(o, client, rc)) {
        return rc;
    }
    json::Value result;
    RequestError err;
    if (!client.request(q.op, std::move(q.args), result, err)) {
        return report(err, command_of(q.op));
    }
    json::Value* member = q.member.empty() ? &result : result.find(q.member);
    print(o, q.json_key, member != nullptr ? std::move(*member) : json::Value(json::Object{}),
          q.human);
    return exit_ok;
}

// The argument naming the object an op acts on ("id" is the request's own id).
std::string object_key(const std::string& op) {
    return op.rfind("session", 0) == 0 ? "session_id" : "flow_id";
}

// Runs an op that acts on the object o.id and confirms it with `done`.
int act(const Options& o, const std::string& op, const std::string& done) {
    ControlClient client;
    int rc = exit_ok;
    if (!open_daemon(o, client, rc)) {
        return rc;
    }
    json::Value result;
    RequestError err;
    if (!client.request(op, json::Object{{object_key(op), o.id}}, result, err)) {
        return report(err, command_of(op));
    }
    if (o.json) {
        std::cout << json::dump(json_document(op, json::Object{{"id", o.id}}), true) << '\n';
    } else {
        std::cout << done << '\n';
    }
    return exit_ok;
}

using Fetch = bool (*)(ControlClient&, const Filters&, json::Value&, RequestError&);

int list(const Options& o, const std::string& command, Fetch fetch, Renderer human) {
    ControlClient client;
    int rc = exit_ok;
    if (!open_daemon(o, client, rc)) {
        return rc;
    }
    json::Value items;
    RequestError err;
    if (!fetch(client, o.filters, items, err)) {
        return report(err, command);
    }
    print(o, command, std::move(items), human);
    return exit_ok;
}

}  // namespace

bool open_daemon(const Options& o, ControlClient& client, int& rc) {
    RequestError err;
    if (!ControlClient::open(o.socket, client, err)) {
        rc = report(err, "");
        return false;
    }
    return true;
}

int report(const RequestError& e, const std::string& what) {
    const std::string prefix = what.empty() ? "ogw: " : "ogw: " + what + ": ";
    switch (e.kind) {
        case RequestError::unreachable:
            std::cerr << "ogw: cannot reach " << e.message << '\n';
            return exit_unreachable;
        case RequestError::protocol:
            std::cerr << "ogw: " << e.message << '\n';
            return exit_failed;
        case RequestError::refused:
            std::cerr << prefix << e.message << '\n';
            return exit_failed;
    }
    return exit_failed;
}

json::Value json_document(const std::string& key, json::Value payload) {
    json::Value doc = json::Object{{"schema", json_schema_version}};
    doc[key] = std::move(payload);
    return doc;
}

int run_status(const Options& o) {
    return show(o, {"status", json::Object{}, "", "status", render_status});
}

int run_ipcps(const Options& o) {
    return show(o, {"ipcps", json::Object{}, "ipcps", "ipcps", render_ipcps});
}

int run_flows(const Options& o) {
    return list(o, "flows", fetch_flows, render_flows);
}

int run_flow_show(const Options& o) {
    return show(o, {"flow_show", json::Object{{"flow_id", o.id}}, "flow", "flow", render_flow});
}

int run_flow_dealloc(const Options& o) {
    return act(o, "flow_dealloc", "flow " + std::to_string(o.id) + " deallocated");
}

int run_sessions(const Options& o) {
    return list(o, "sessions", fetch_sessions, render_sessions);
}

int run_session_kill(const Options& o) {
    return act(o, "session_kill", "session " + std::to_string(o.id) + " killed");
}

int run_peers(const Options& o) {
    return show(o, {"peers", json::Object{}, "peers", "peers", render_peers});
}

int run_stats(const Options& o) {
    return show(o, {"stats", json::Object{}, "stats", "stats", render_stats});
}

int run_macs(const Options& o) {
    return show(o, {"macs", json::Object{}, "macs", "macs", render_macs});
}

}  // namespace ogw::cli
