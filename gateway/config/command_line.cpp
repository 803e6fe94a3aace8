// SPDX-License-Identifier: BSD-3-Clause
#include "config/command_line.hpp"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <boost/program_options/variables_map.hpp>

#include <exception>
#include <sstream>

namespace po = boost::program_options;

namespace ogw::gw {
namespace {

po::options_description describe() {
    po::options_description options("Options");
    // clang-format off
    options.add_options()
        ("config", po::value<std::string>()->value_name("FILE"),
         "configuration file (default /etc/ogw/ogwd.conf)")
        ("foreground", "stay in the foreground")
        ("log-level", po::value<std::string>()->value_name("LEVEL"),
         "error, warn, info or debug; overrides node.log-level")
        ("check-config", "check the configuration, print every error and exit")
        ("version", "print the version and exit")
        ("help,h", "print this help and exit");
    // clang-format on
    return options;
}

Unexpected<Error> usage_error(std::string message) {
    return unexpected(Error{std::make_error_code(std::errc::invalid_argument), std::move(message)});
}

}  // namespace

Result<CommandLine> parse_command_line(int argc, const char* const* argv) {
    CommandLine command_line;
    po::variables_map vm;
    try {
        const auto options = describe();
        const auto style =
            po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        const po::positional_options_description no_positionals;
        po::store(po::command_line_parser(argc, argv)
                      .options(options)
                      .positional(no_positionals)
                      .style(style)
                      .run(),
                  vm);
    } catch (const std::exception& e) {
        return usage_error(e.what());
    }
    if (vm.count("config") != 0) {
        command_line.config_path = vm["config"].as<std::string>();
        if (command_line.config_path.empty()) {
            return usage_error("--config needs a file name");
        }
    }
    if (vm.count("log-level") != 0) {
        const auto& text = vm["log-level"].as<std::string>();
        command_line.log_level = log::parse_level(text);
        if (!command_line.log_level) {
            return usage_error("invalid --log-level '" + text +
                               "': expected error, warn, info or debug");
        }
    }
    command_line.foreground = vm.count("foreground") != 0;
    command_line.check_config = vm.count("check-config") != 0;
    command_line.version = vm.count("version") != 0;
    command_line.help = vm.count("help") != 0;
    return command_line;
}

std::string usage(std::string_view program) {
    std::ostringstream out;
    out << "Usage: " << program
        << " [--config FILE] [--foreground] [--log-level LEVEL] [--check-config] [--version]\n\n"
        << describe();
    return out.str();
}

void apply_overrides(const CommandLine& command_line, Config& config) {
    if (command_line.log_level) {
        config.node.log_level = *command_line.log_level;
    }
}

}  // namespace ogw::gw
