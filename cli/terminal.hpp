// SPDX-License-Identifier: BSD-3-Clause
// What the CLI needs to know about its terminal: whether to colour, how big it is.
#pragma once

#include <termios.h>

#include <cstddef>
#include <optional>
#include <string>

namespace ogw::cli {

enum class ColourWhen { automatic, always, never };

bool is_terminal(int fd);

// `always` and `never` as said; `automatic`: only when fd is a terminal and NO_COLOR is unset
// or empty (https://no-color.org).
bool colour_wanted(ColourWhen when, int fd);

struct TerminalSize {
    std::size_t rows = 0;
    std::size_t cols = 0;
};
std::optional<TerminalSize> terminal_size(int fd);

// While it lives, the terminal on fd delivers each key at once and without echo; signals
// (Ctrl-C) still work. Restores the previous mode when destroyed.
class KeysAtOnce {
public:
    explicit KeysAtOnce(int fd);
    ~KeysAtOnce();
    KeysAtOnce(const KeysAtOnce&) = delete;
    KeysAtOnce& operator=(const KeysAtOnce&) = delete;

private:
    int fd_;
    bool changed_ = false;
    termios saved_{};
};

// While it lives, output goes to the terminal's alternate screen with the cursor hidden, as
// in top(1); the previous screen comes back when destroyed.
class AlternateScreen {
public:
    AlternateScreen();
    ~AlternateScreen();
    AlternateScreen(const AlternateScreen&) = delete;
    AlternateScreen& operator=(const AlternateScreen&) = delete;

    // Replaces the screen's content with text.
    void draw(const std::string& text);
};

}  // namespace ogw::cli
