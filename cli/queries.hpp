// SPDX-License-Identifier: BSD-3-Clause
// The list requests of the CLI with their filters, shared by the commands and `watch`.
#pragma once

#include "control_client.hpp"

#include <flowlib/json.hpp>

#include <string>

namespace ogw::cli {

// Empty members do not filter.
struct Filters {
    std::string ipcp;
    std::string peer;
    std::string state;
    std::string proto;  // sessions only
};

// `flows` with the ipcp, peer and state filters; `out` is the array of flows.
bool fetch_flows(ControlClient& client, const Filters& filters, json::Value& out,
                 RequestError& err);

// `sessions` with the peer, state and proto filters; the ipcp filter keeps the sessions whose
// flow belongs to that IPCP (the daemon does not filter sessions by IPCP, so the CLI asks for
// that IPCP's flows). `out` is the array of sessions.
bool fetch_sessions(ControlClient& client, const Filters& filters, json::Value& out,
                    RequestError& err);

// The sessions of `sessions` whose flow_id is one of the ids of `flows`.
json::Array sessions_on_flows(const json::Value& sessions, const json::Value& flows);

}  // namespace ogw::cli
