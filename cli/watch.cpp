// SPDX-License-Identifier: BSD-3-Clause
#include "watch.hpp"

#include "exit_codes.hpp"
#include "watch_input.hpp"
#include "watch_view.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>

namespace ogw::cli {
namespace {

// {"node", "flows", "sessions"}; sessions null when the gateway is off.
bool fetch_frame(ControlClient& client, const Filters& filters, json::Value& frame,
                 RequestError& err) {
    json::Value flows;
    json::Value sessions;
    if (!fetch_flows(client, filters, flows, err)) {
        return false;
    }
    if (!fetch_sessions(client, filters, sessions, err)) {
        if (err.kind != RequestError::refused || err.error != -ENODEV) {
            return false;
        }
        sessions = nullptr;
    }
    frame = json::Object{{"node", std::string(client.hello().get_string("node").value_or(""))},
                         {"flows", std::move(flows)},
                         {"sessions", std::move(sessions)}};
    return true;
}

// The local time now as "HH:MM:SS", or "YYYY-MM-DD HH:MM:SS".
std::string local_time(bool with_date) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    return buf;
}

class FramePrinter {
public:
    FramePrinter(const Options& o, std::string node, std::int64_t interval_ms)
        : o_(o),
          node_(std::move(node)),
          interval_ms_(interval_ms),
          style_{colour_wanted(o.colour, STDOUT_FILENO)} {
        if (!o.json && is_terminal(STDOUT_FILENO)) {
            screen_.emplace();
        }
    }

    void print(json::Value frame) {
        if (o_.json) {
            std::cout << json::dump(json_document("watch", std::move(frame))) << std::endl;
            return;
        }
        const bool interactive = screen_.has_value();
        std::string text =
            watch_header(node_, interval_ms_, local_time(!interactive), interactive, style_) +
            render_watch(frame, style_);
        if (!interactive) {
            std::cout << text << std::endl;
            return;
        }
        const TerminalSize size = terminal_size(STDOUT_FILENO).value_or(TerminalSize{24, 80});
        // One row stays free: a newline on the last row would scroll the screen.
        screen_->draw(fit_to_screen(text, size.rows > 1 ? size.rows - 1 : 1, size.cols));
    }

    // Back to the normal screen, e.g. before an error message.
    void close() { screen_.reset(); }

private:
    const Options& o_;
    std::string node_;
    std::int64_t interval_ms_;
    Style style_;
    std::optional<AlternateScreen> screen_;
};

}  // namespace

int run_watch(const Options& o) {
    ControlClient client;
    int rc = exit_ok;
    if (!open_daemon(o, client, rc)) {
        return rc;
    }
    WatchInput input(is_terminal(STDIN_FILENO) ? STDIN_FILENO : -1);
    if (!input.error().empty()) {
        std::cerr << "ogw: watch: " << input.error() << '\n';
        return exit_failed;
    }
    const std::chrono::milliseconds interval(static_cast<std::int64_t>(o.interval_s * 1000.0));
    FramePrinter printer(o, std::string(client.hello().get_string("node").value_or("")),
                         interval.count());
    for (std::int64_t frames = 0;;) {
        const auto started = std::chrono::steady_clock::now();
        json::Value frame;
        RequestError err;
        if (!fetch_frame(client, o.filters, frame, err)) {
            printer.close();
            return report(err, "watch");
        }
        printer.print(std::move(frame));
        if (o.count != 0 && ++frames >= o.count) {
            return exit_ok;
        }
        const auto left = interval - (std::chrono::steady_clock::now() - started);
        const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
        if (input.wait(static_cast<int>(wait_ms)) == WatchInput::Event::quit) {
            return exit_ok;
        }
    }
}

}  // namespace ogw::cli
