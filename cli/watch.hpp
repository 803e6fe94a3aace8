// SPDX-License-Identifier: BSD-3-Clause
// `ogw watch`: flows and sessions refreshed every interval. On a terminal a full-screen view
// (as top) that q or Ctrl-C ends; otherwise one frame after another, each with a header line
// (or, with --json, one JSON object per line). --count bounds the number of frames.
#pragma once

#include "commands.hpp"

namespace ogw::cli {

int run_watch(const Options& o);

}  // namespace ogw::cli
