// SPDX-License-Identifier: BSD-3-Clause
// What `ogw watch` prints each interval. Pure, for the golden tests.
#pragma once

#include "style.hpp"

#include <flowlib/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ogw::cli {

// A frame: {"node": NAME, "flows": [flow...], "sessions": [session...] or null (gateway off)}.
// Its body: the flows table, a blank line, the sessions table.
std::string render_watch(const json::Value& frame, const Style& style = {});

// The line above each frame: node, interval, the time of the frame; on a terminal also how to
// quit.
std::string watch_header(std::string_view node, std::int64_t interval_ms, std::string_view time,
                         bool interactive, const Style& style = {});

// text cut to a screen of rows x cols: long lines clipped, and when there are more lines than
// rows, the last row says how many were left out.
std::string fit_to_screen(std::string_view text, std::size_t rows, std::size_t cols);

}  // namespace ogw::cli
