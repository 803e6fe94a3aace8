// SPDX-License-Identifier: BSD-3-Clause
// Text for the negative errno values that flow calls return, including ogw's own (1000+).
#pragma once

#include <string>

namespace ogw::flow {

// "no such name (ENAME)", "Connection timed out", ... for -1007, -110, ...
std::string error_text(int negative_errno);

}  // namespace ogw::flow
