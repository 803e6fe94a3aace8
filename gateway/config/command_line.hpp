// SPDX-License-Identifier: BSD-3-Clause
// ogwd's command line (design.md §5.1):
//   ogwd [--config FILE] [--foreground] [--log-level LEVEL] [--check-config] [--version]
// Values given here override the config file.
#pragma once

#include "config/config.hpp"

#include <flowlib/log.hpp>
#include <flowlib/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ogw::gw {

struct CommandLine {
    std::string config_path{default_config_path};
    bool foreground = false;
    std::optional<log::Level> log_level;
    bool check_config = false;
    bool version = false;
    bool help = false;

    friend bool operator==(const CommandLine&, const CommandLine&) = default;
};

// Unknown options, positional arguments, repeated or malformed values are usage errors; the
// message to print (without the usage text) is in error().where. Never throws.
Result<CommandLine> parse_command_line(int argc, const char* const* argv);

// The usage text for --help and after a usage error.
std::string usage(std::string_view program);

void apply_overrides(const CommandLine& command_line, Config& config);

}  // namespace ogw::gw
