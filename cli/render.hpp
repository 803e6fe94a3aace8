// SPDX-License-Identifier: BSD-3-Clause
// Human-readable output of the CLI: aligned tables and human units.
#pragma once

#include <flowlib/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ogw::cli {

using Row = std::vector<std::string>;
std::string table(const Row& header, const std::vector<Row>& rows);

std::string human_bytes(std::uint64_t bytes);       // "512 B", "1.5 KiB", "3.2 MiB"
std::string human_duration_ms(std::int64_t ms);     // "850 ms", "3.2 s", "4 min 10 s", "2 h 5 min"
std::string text_of(const json::Value& v);          // a scalar as text; null as "-"
// One member of an object as text, as a duration, as a byte count; "-" when missing.
std::string field(const json::Value& v, std::string_view key);
std::string ms_field(const json::Value& v, std::string_view key);
std::string bytes_field(const json::Value& v, std::string_view key);

std::string render_status(const json::Value& status);
std::string render_ipcps(const json::Value& ipcps);
std::string render_flows(const json::Value& flows);
std::string render_flow(const json::Value& flow);

// The gateway's commands (render_gateway.cpp).
std::string render_sessions(const json::Value& sessions);
std::string render_peers(const json::Value& peers);
std::string render_stats(const json::Value& stats);

}  // namespace ogw::cli
