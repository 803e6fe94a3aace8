// SPDX-License-Identifier: BSD-3-Clause
// Human output of each command: the daemon's JSON (docs/control-protocol.md) as aligned
// tables and labelled lines with human units. Pure: the same input gives the same text.
#pragma once

#include "style.hpp"

#include <flowlib/json.hpp>

#include <string>

namespace ogw::cli {

std::string render_status(const json::Value& status, const Style& style = {});
std::string render_ipcps(const json::Value& ipcps, const Style& style = {});
std::string render_flows(const json::Value& flows, const Style& style = {});

// `flow show` (render_flow.cpp): every field of the flow, one per line, and its timeline.
std::string render_flow(const json::Value& flow, const Style& style = {});

// The gateway's commands (render_gateway.cpp).
std::string render_sessions(const json::Value& sessions, const Style& style = {});
std::string render_peers(const json::Value& peers, const Style& style = {});
std::string render_stats(const json::Value& stats, const Style& style = {});
std::string render_macs(const json::Value& macs, const Style& style = {});

}  // namespace ogw::cli
