// SPDX-License-Identifier: BSD-3-Clause
#include "table.hpp"

#include <algorithm>

namespace ogw::cli {
namespace {

void widen(std::vector<std::size_t>& width, const Row& cells) {
    if (width.size() < cells.size()) {
        width.resize(cells.size(), 0);
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
        width[i] = std::max(width[i], display_width(cells[i]));
    }
}

std::string line_of(const Row& cells, const std::vector<std::size_t>& width) {
    std::string line;
    for (std::size_t i = 0; i < width.size(); ++i) {
        const std::string cell = i < cells.size() ? cells[i] : "";
        line += cell;
        if (i + 1 < width.size()) {
            line.append(width[i] - display_width(cell) + 2, ' ');
        }
    }
    while (!line.empty() && line.back() == ' ') {
        line.pop_back();
    }
    return line + '\n';
}

std::string lines_of(const std::vector<Row>& rows, const std::vector<std::size_t>& width) {
    std::string out;
    for (const auto& row : rows) {
        out += line_of(row, width);
    }
    return out;
}

}  // namespace

std::string table(const Row& header, const std::vector<Row>& rows, const Style& style) {
    std::vector<std::size_t> width;
    widen(width, header);
    for (const auto& row : rows) {
        widen(width, row);
    }
    std::string head = line_of(header, width);
    head.pop_back();
    return style.paint(head, Colour::bold) + '\n' + lines_of(rows, width);
}

std::string columns(const std::vector<Row>& rows) {
    std::vector<std::size_t> width;
    for (const auto& row : rows) {
        widen(width, row);
    }
    return lines_of(rows, width);
}

}  // namespace ogw::cli
