// SPDX-License-Identifier: BSD-3-Clause
#include "watch_view.hpp"

#include "fields.hpp"
#include "render.hpp"
#include "units.hpp"

#include <vector>

namespace ogw::cli {
namespace {

std::string section(const std::string& title, std::size_t count, const Style& style) {
    return style.paint(title + " (" + std::to_string(count) + ")", Colour::bold) + '\n';
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return lines;
}

}  // namespace

std::string render_watch(const json::Value& frame, const Style& style) {
    const json::Value* flows = frame.find("flows");
    const json::Value* sessions = frame.find("sessions");
    const json::Value none = json::Array{};
    std::string out = section("flows", items_of(flows ? *flows : none).size(), style);
    out += render_flows(flows ? *flows : none, style);
    out += '\n';
    if (sessions == nullptr || !sessions->is_array()) {
        return out + style.paint("sessions: none, the gateway is off", Colour::bold) + '\n';
    }
    out += section("sessions", sessions->as_array().size(), style);
    return out + render_sessions(*sessions, style);
}

std::string watch_header(std::string_view node, std::int64_t interval_ms, std::string_view time,
                         bool interactive, const Style& style) {
    std::string line = "ogw watch: node " + std::string(node) + ", every " +
                       human_duration_ms(interval_ms) + ", " + std::string(time);
    if (interactive) {
        line += "  (q quits, any other key refreshes)";
    }
    return style.paint(line, Colour::dim) + '\n';
}

std::string fit_to_screen(std::string_view text, std::size_t rows, std::size_t cols) {
    const std::vector<std::string_view> lines = lines_of(text);
    const bool cut = lines.size() > rows;
    const std::size_t kept = cut ? (rows > 0 ? rows - 1 : 0) : lines.size();
    std::string out;
    for (std::size_t i = 0; i < kept; ++i) {
        out += clip(lines[i], cols) + '\n';
    }
    if (cut && rows > 0) {
        out += clip("... " + std::to_string(lines.size() - kept) + " more lines", cols) + '\n';
    }
    return out;
}

}  // namespace ogw::cli
