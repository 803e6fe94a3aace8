// SPDX-License-Identifier: BSD-3-Clause
// Colour in human output: ANSI SGR sequences, only when asked for (see terminal.hpp).
#pragma once

#include <string>
#include <string_view>

namespace ogw::cli {

enum class Colour { none, bold, green, yellow, red, dim };

struct Style {
    bool colour = false;

    // text wrapped in the colour's SGR sequence and a reset; text itself without colour.
    std::string paint(std::string_view text, Colour c) const;
};

// How a flow, session or link state is coloured: healthy green, transient yellow, broken red.
Colour colour_of_state(std::string_view state);

// The width of text on a terminal: ANSI escape sequences take no room, UTF-8 sequences one.
std::size_t display_width(std::string_view text);

// The first `width` display columns of text, colour sequences kept; a line cut inside colour
// ends with a reset.
std::string clip(std::string_view text, std::size_t width);

}  // namespace ogw::cli
