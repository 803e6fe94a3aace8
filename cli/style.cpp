// SPDX-License-Identifier: BSD-3-Clause
#include "style.hpp"

#include <algorithm>

namespace ogw::cli {
namespace {

constexpr std::string_view reset = "\x1b[0m";

std::string_view sgr(Colour c) {
    switch (c) {
        case Colour::bold:
            return "\x1b[1m";
        case Colour::green:
            return "\x1b[32m";
        case Colour::yellow:
            return "\x1b[33m";
        case Colour::red:
            return "\x1b[31m";
        case Colour::dim:
            return "\x1b[2m";
        case Colour::none:
            break;
    }
    return {};
}

// The length of the escape sequence "ESC [ parameters final" starting at text[i], or 0.
std::size_t escape_length(std::string_view text, std::size_t i) {
    if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') {
        return 0;
    }
    std::size_t end = i + 2;
    while (end < text.size() && (text[end] < 0x40 || text[end] > 0x7e)) {
        ++end;
    }
    return std::min(end + 1, text.size()) - i;
}

bool starts_character(char byte) {
    return (static_cast<unsigned char>(byte) & 0xc0) != 0x80;  // not a UTF-8 continuation
}

}  // namespace

std::string Style::paint(std::string_view text, Colour c) const {
    if (!colour || c == Colour::none || text.empty()) {
        return std::string(text);
    }
    std::string out(sgr(c));
    out += text;
    out += reset;
    return out;
}

Colour colour_of_state(std::string_view state) {
    if (state == "allocated" || state == "established" || state == "up") {
        return Colour::green;
    }
    if (state == "alloc_pending" || state == "accept_pending" || state == "dealloc_pending" ||
        state == "opening" || state == "closing") {
        return Colour::yellow;
    }
    if (state == "peer_deallocated" || state == "peer_timed_out" || state == "down") {
        return Colour::red;
    }
    return Colour::none;
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (const std::size_t n = escape_length(text, i); n != 0) {
            i += n - 1;
        } else if (starts_character(text[i])) {
            ++width;
        }
    }
    return width;
}

std::string clip(std::string_view text, std::size_t width) {
    std::string out;
    std::size_t used = 0;
    bool coloured = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (const std::size_t n = escape_length(text, i); n != 0) {
            const std::string_view sequence = text.substr(i, n);
            out += sequence;
            coloured = sequence != reset;
            i += n - 1;
            continue;
        }
        if (starts_character(text[i])) {
            if (used == width) {
                return coloured ? out + std::string(reset) : out;
            }
            ++used;
        }
        out += text[i];
    }
    return out;
}

}  // namespace ogw::cli
