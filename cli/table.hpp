// SPDX-License-Identifier: BSD-3-Clause
// Aligned text tables for the CLI's human output.
#pragma once

#include "style.hpp"

#include <string>
#include <vector>

namespace ogw::cli {

using Row = std::vector<std::string>;

// One line per row, columns left-aligned two blanks apart, no trailing blanks. Cells may be
// painted: colour sequences take no room. With colour on, the header line is bold.
std::string table(const Row& header, const std::vector<Row>& rows, const Style& style = {});
// The same without a header line.
std::string columns(const std::vector<Row>& rows);

}  // namespace ogw::cli
