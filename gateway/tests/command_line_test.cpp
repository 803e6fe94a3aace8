// SPDX-License-Identifier: BSD-3-Clause
#include "config/command_line.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ogw::gw {
namespace {

Result<CommandLine> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "ogwd");
    return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CommandLine, DefaultsWithoutArguments) {
    const auto cl = parse({});
    ASSERT_TRUE(cl.has_value());
    EXPECT_EQ(cl->config_path, "/etc/ogw/ogwd.conf");
    EXPECT_FALSE(cl->foreground);
    EXPECT_FALSE(cl->log_level.has_value());
    EXPECT_FALSE(cl->check_config);
    EXPECT_FALSE(cl->version);
    EXPECT_FALSE(cl->help);
}

TEST(CommandLine, ParsesEveryOption) {
    const auto cl = parse({"--config", "/tmp/x.conf", "--foreground", "--log-level", "debug",
                           "--check-config", "--version"});
    ASSERT_TRUE(cl.has_value()) << cl.error().where;
    EXPECT_EQ(cl->config_path, "/tmp/x.conf");
    EXPECT_TRUE(cl->foreground);
    EXPECT_EQ(cl->log_level, log::Level::debug);
    EXPECT_TRUE(cl->check_config);
    EXPECT_TRUE(cl->version);
}

TEST(CommandLine, AcceptsEqualsForm) {
    const auto cl = parse({"--config=/tmp/y.conf", "--log-level=warn"});
    ASSERT_TRUE(cl.has_value()) << cl.error().where;
    EXPECT_EQ(cl->config_path, "/tmp/y.conf");
    EXPECT_EQ(cl->log_level, log::Level::warn);
}

TEST(CommandLine, HelpIsRecognised) {
    EXPECT_TRUE(parse({"--help"}).value_or(CommandLine{}).help);
    EXPECT_TRUE(parse({"-h"}).value_or(CommandLine{}).help);
}

TEST(CommandLine, UsageErrors) {
    const std::vector<std::vector<const char*>> cases = {
        {"--bogus"},
        {"extra"},
        {"--config"},
        {"--config", ""},
        {"--config", "a", "--config", "b"},
        {"--log-level", "loud"},
        {"--fore"},
        {"--foreground=yes"},
        {"-x"},
    };
    for (const auto& args : cases) {
        const auto cl = parse(args);
        EXPECT_FALSE(cl.has_value()) << args.front();
        if (!cl.has_value()) {
            EXPECT_FALSE(cl.error().where.empty());
        }
    }
}

TEST(CommandLine, UnknownOptionIsNamed) {
    const auto cl = parse({"--bogus"});
    ASSERT_FALSE(cl.has_value());
    EXPECT_NE(cl.error().where.find("--bogus"), std::string::npos) << cl.error().where;
}

TEST(CommandLine, LogLevelOverridesTheFile) {
    Config config;
    config.node.log_level = log::Level::info;
    apply_overrides(parse({}).value_or(CommandLine{}), config);
    EXPECT_EQ(config.node.log_level, log::Level::info);
    apply_overrides(parse({"--log-level", "error"}).value_or(CommandLine{}), config);
    EXPECT_EQ(config.node.log_level, log::Level::error);
}

TEST(CommandLine, UsageListsTheContractOptions) {
    const auto text = usage("ogwd");
    for (const char* option :
         {"--config", "--foreground", "--log-level", "--check-config", "--version"}) {
        EXPECT_NE(text.find(option), std::string::npos) << option;
    }
}

}  // namespace
}  // namespace ogw::gw
