// SPDX-License-Identifier: BSD-3-Clause
#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace ogw::cli {

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

bool colour_wanted(ColourWhen when, int fd) {
    switch (when) {
        case ColourWhen::always:
            return true;
        case ColourWhen::never:
            return false;
        case ColourWhen::automatic:
            break;
    }
    const char* no_colour = std::getenv("NO_COLOR");
    return is_terminal(fd) && (no_colour == nullptr || no_colour[0] == '\0');
}

std::optional<TerminalSize> terminal_size(int fd) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) {
        return std::nullopt;
    }
    return TerminalSize{ws.ws_row, ws.ws_col};
}

KeysAtOnce::KeysAtOnce(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) {
        return;
    }
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    changed_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
}

KeysAtOnce::~KeysAtOnce() {
    if (changed_) {
        ::tcsetattr(fd_, TCSANOW, &saved_);
    }
}

AlternateScreen::AlternateScreen() {
    std::cout << "\x1b[?1049h\x1b[?25l" << std::flush;
}

AlternateScreen::~AlternateScreen() {
    std::cout << "\x1b[?25h\x1b[?1049l" << std::flush;
}

void AlternateScreen::draw(const std::string& text) {
    std::cout << "\x1b[H\x1b[2J" << text << std::flush;
}

}  // namespace ogw::cli
