// SPDX-License-Identifier: BSD-3-Clause
// The CLI's commands: each connects to ogwd, makes its request and prints the answer as a
// table or, with --json, as one object {"schema": 1, "<command>": ...}. Each returns the exit
// code (exit_codes.hpp).
#pragma once

#include "control_client.hpp"
#include "queries.hpp"
#include "terminal.hpp"

#include <cstdint>
#include <string>

namespace ogw::cli {

inline constexpr int json_schema_version = 1;

struct Options {
    std::string socket = "/run/ogw/ogwd.sock";
    bool json = false;
    ColourWhen colour = ColourWhen::automatic;
    Filters filters;
    std::uint64_t id = 0;     // flow show/dealloc, session kill
    double interval_s = 2.0;  // watch
    std::int64_t count = 0;   // watch: frames to print, 0 = until stopped
};

int run_status(const Options& o);
int run_ipcps(const Options& o);
int run_flows(const Options& o);
int run_flow_show(const Options& o);
int run_flow_dealloc(const Options& o);
int run_sessions(const Options& o);
int run_session_kill(const Options& o);
int run_peers(const Options& o);
int run_stats(const Options& o);
int run_macs(const Options& o);

// Connects and says hello; on failure prints why and returns false with the exit code in rc.
bool open_daemon(const Options& o, ControlClient& client, int& rc);
// Prints why a request failed ("ogw: WHAT: why") and returns the exit code for it.
int report(const RequestError& e, const std::string& what);

// {"schema": 1, key: payload}.
json::Value json_document(const std::string& key, json::Value payload);

}  // namespace ogw::cli
