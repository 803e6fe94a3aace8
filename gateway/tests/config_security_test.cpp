// SPDX-License-Identifier: BSD-3-Clause
// [security] and [node] user (docs/configuration.md).
#include "config/config.hpp"

#include <ipcp/secure/key_file.hpp>
#include <ipcp/secure/keys.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace ogw::gw {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The public keys of the test vectors in docs/security.md §10.
constexpr std::string_view key_a = "j0DFrbaPJWJK5bIU6nZ6bslNgp09e14a0bpvPiE4KF8=";
constexpr std::string_view key_b = "NYBy1jZYgNGu6jKa35EhODhR7SGijjt16WXQ0s0WYlQ=";
constexpr std::string_view secret_a = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

constexpr std::string_view node = "[node]\nname = site-a\n";

ParseOutcome parse(std::string_view text) {
    std::istringstream in{std::string(text)};
    return parse_config(in, "test.conf");
}

std::string with_security(std::string_view lines) {
    return std::string(node) + "[security]\n" + std::string(lines);
}

// Per test and process: ctest runs tests in parallel.
std::filesystem::path temp_file(std::string_view suffix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::filesystem::path(::testing::TempDir()) /
           ("ogw_" + std::string(info != nullptr ? info->name() : "test") + "_" +
            std::to_string(::getpid()) + std::string(suffix));
}

class KeyFile {
public:
    KeyFile(std::string_view text, mode_t mode) : path_(temp_file(".key")) {
        std::filesystem::remove(path_);
        std::ofstream(path_) << text;
        ::chmod(path_.c_str(), mode);
    }
    ~KeyFile() { std::filesystem::remove(path_); }
    KeyFile(const KeyFile&) = delete;
    KeyFile& operator=(const KeyFile&) = delete;
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

// load_config on a config text written to a file.
ParseOutcome load(std::string_view text) {
    const auto path = temp_file(".conf");
    std::ofstream(path) << text;
    auto outcome = load_config(path.string());
    std::filesystem::remove(path);
    return outcome;
}

TEST(ConfigSecurity, AbsentSectionMeansOff) {
    const auto outcome = parse(node);
    ASSERT_TRUE(outcome.ok()) << outcome.errors.front();
    EXPECT_EQ(outcome.config->security, SecurityConfig{});
    EXPECT_FALSE(outcome.config->security.enabled());
    EXPECT_TRUE(outcome.config->node.user.empty());
}

TEST(ConfigSecurity, PrivateKeyMakesEncryptionRequiredByDefault) {
    const auto outcome = parse(with_security("private-key = /etc/ogw/private.key\n"
                                             "peer-key = site-b " + std::string(key_b) + "\n"));
    ASSERT_TRUE(outcome.ok()) << outcome.errors.front();
    const auto& s = outcome.config->security;
    EXPECT_EQ(s.private_key, "/etc/ogw/private.key");
    EXPECT_EQ(s.encryption, EncryptionMode::required);
    EXPECT_THAT(s.peer_keys, ElementsAre(PeerKey{"site-b", std::string(key_b)}));
    EXPECT_THAT(outcome.warnings, IsEmpty());
}

TEST(ConfigSecurity, EncryptionModesAndRepeatedPeerKeys) {
    for (const auto& [text, mode] :
         {std::pair{"required", EncryptionMode::required},
          std::pair{"optional", EncryptionMode::optional}, std::pair{"off", EncryptionMode::off}}) {
        const auto outcome = parse(with_security(
            "private-key = /k\nencryption = " + std::string(text) + "\npeer-key = site-b " +
            std::string(key_b) + "\npeer-key = site-b\t" + std::string(key_a) + "\n"));
        ASSERT_TRUE(outcome.ok()) << outcome.errors.front();
        EXPECT_EQ(outcome.config->security.encryption, mode);
        EXPECT_THAT(outcome.config->security.peer_keys,
                    ElementsAre(PeerKey{"site-b", std::string(key_b)},
                                PeerKey{"site-b", std::string(key_a)}));
    }
}

TEST(ConfigSecurity, BadValuesNameFileLineAndKey) {
    const auto outcome = parse(with_security(
        "private-key = relative/path\n"                          // 4
        "encryption = sometimes\n"                               // 5
        "peer-key = site-b\n"                                    // 6
        "peer-key = site-b AAAA\n"                               // 7
        "peer-key = site-b " + std::string(key_b) + " extra\n"   // 8
        "peer-key = site-b " + std::string(key_b) + "\n"         // 9
        "peer-key = site-c " + std::string(key_b) + "\n"         // 10
        "peer-key = site-d AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"  // 11: small order
        "colour = red\n"));                                      // 12
    EXPECT_THAT(outcome.errors,
                ElementsAre(StartsWith("test.conf:4: security.private-key: invalid path"),
                            StartsWith("test.conf:5: security.encryption: invalid value "
                                       "'sometimes': expected required, optional or off"),
                            StartsWith("test.conf:6: security.peer-key: expected 'NAME BASE64'"),
                            StartsWith("test.conf:7: security.peer-key: invalid key 'AAAA'"),
                            StartsWith("test.conf:8: security.peer-key: expected 'NAME BASE64'"),
                            StartsWith("test.conf:10: security.peer-key: key already listed for "
                                       "'site-b'"),
                            StartsWith("test.conf:11: security.peer-key: unusable key"),
                            StartsWith("test.conf:12: security.colour: unknown key; [security] "
                                       "takes private-key, peer-key, encryption")));
}

TEST(ConfigSecurity, RekeyAfterIsADurationWithinBounds) {
    const std::string keys = "private-key = /etc/ogw/private.key\n";
    auto outcome = parse(with_security(keys));
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.config->security.rekey_after_ms, 120'000U);
    outcome = parse(with_security(keys + "rekey-after = 2s\n"));
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.config->security.rekey_after_ms, 2'000U);
    outcome = parse(with_security(keys + "rekey-after = 500ms\n"));
    ASSERT_EQ(outcome.errors.size(), 1U);
    EXPECT_THAT(outcome.errors[0],
                AllOf(StartsWith("test.conf:5: security.rekey-after: "), HasSubstr("between 1s")));
    outcome = parse(with_security(keys + "rekey-after = soon\n"));
    ASSERT_EQ(outcome.errors.size(), 1U);
    EXPECT_THAT(outcome.errors[0], AllOf(StartsWith("test.conf:5: security.rekey-after: "),
                                         HasSubstr("invalid duration")));
}

TEST(ConfigSecurity, EncryptionWithoutPrivateKeyIsAnError) {
    const auto outcome = parse(with_security("encryption = required\npeer-key = b " +
                                             std::string(key_b) + "\n"));
    EXPECT_THAT(outcome.errors,
                ElementsAre("test.conf:4: security.encryption: encryption = required needs a "
                            "private-key"));
}

TEST(ConfigSecurity, WarnsAboutNoPeersAndUselessPeerKeys) {
    auto outcome = parse(with_security("private-key = /k\n"));
    ASSERT_TRUE(outcome.ok());
    EXPECT_THAT(outcome.warnings, ElementsAre(HasSubstr("no peer-key listed")));
    outcome = parse(with_security("peer-key = b " + std::string(key_b) + "\n"));
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.config->security.encryption, EncryptionMode::off);
    EXPECT_THAT(outcome.warnings, ElementsAre(HasSubstr("no effect without private-key")));
}

TEST(ConfigSecurity, ParsingAloneDoesNotTouchTheKeyFile) {
    const auto outcome = parse(with_security("private-key = /nonexistent/key\npeer-key = b " +
                                             std::string(key_b) + "\n"));
    EXPECT_TRUE(outcome.ok());
}

TEST(ConfigSecurity, LoadChecksTheKeyFile) {
    const KeyFile good(std::string(secret_a) + "\n", 0600);
    auto outcome = load(with_security("private-key = " + good.path() + "\npeer-key = b " +
                                      std::string(key_b) + "\n"));
    ASSERT_TRUE(outcome.ok()) << outcome.errors.front();
    EXPECT_EQ(outcome.config->security.private_key, good.path());

    outcome = load(with_security("private-key = /nonexistent/key\n"));
    EXPECT_THAT(outcome.errors,
                ElementsAre(AllOf(HasSubstr(".conf:4: security.private-key: private key file "
                                            "/nonexistent/key"),
                                  HasSubstr("No such file"))));
}

TEST(ConfigSecurity, LoadRefusesAGroupOrWorldReadableKey) {
    for (const mode_t mode : {0640U, 0604U, 0610U}) {
        const KeyFile open_key(secret_a, mode);
        const auto outcome = load(with_security("private-key = " + open_key.path() + "\n"));
        ASSERT_EQ(outcome.errors.size(), 1U);
        EXPECT_THAT(outcome.errors[0], HasSubstr(":4: security.private-key: private key file " +
                                                 open_key.path() + " has mode 0"));
        EXPECT_THAT(outcome.errors[0], HasSubstr("chmod 600 " + open_key.path()));
    }
}

TEST(ConfigSecurity, LoadRefusesAFileThatIsNotAKey) {
    const KeyFile bad("not a key\n", 0600);
    const auto outcome = load(with_security("private-key = " + bad.path() + "\n"));
    ASSERT_EQ(outcome.errors.size(), 1U);
    EXPECT_THAT(outcome.errors[0], HasSubstr("not a key"));
}

TEST(ConfigNodeUser, UserIsANameOrAnError) {
    auto outcome = parse("[node]\nname = a\nuser = ogw\n");
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.config->node.user, "ogw");
    outcome = parse("[node]\nname = a\nuser = 'ogw'\n");
    EXPECT_THAT(outcome.errors, ElementsAre(StartsWith("test.conf:3: node.user: quoted value")));
}

}  // namespace
}  // namespace ogw::gw
