// SPDX-License-Identifier: BSD-3-Clause
// ogw genkey / ogw pubkey.
#include "keys.hpp"

#include "exit_codes.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ogw::cli {
namespace {

// docs/security.md §10: s_i and S_i.
constexpr const char* secret_a = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* public_a = "j0DFrbaPJWJK5bIU6nZ6bslNgp09e14a0bpvPiE4KF8=";

TEST(KeysCommand, PubkeyOfTheVectorKey) {
    for (const std::string& input : {std::string(secret_a), std::string(secret_a) + "\n",
                                    "  " + std::string(secret_a) + " \r\n\n"}) {
        std::istringstream in(input);
        std::ostringstream out;
        std::ostringstream err;
        EXPECT_EQ(run_pubkey(in, out, err), exit_ok);
        EXPECT_EQ(out.str(), std::string(public_a) + "\n");
        EXPECT_EQ(err.str(), "");
    }
}

TEST(KeysCommand, PubkeyRefusesWhatIsNotAKey) {
    for (const std::string& input :
         {std::string(), std::string("hello\n"), std::string(public_a).substr(1),
          std::string(secret_a) + " " + secret_a, std::string(10000, 'A')}) {
        std::istringstream in(input);
        std::ostringstream out;
        std::ostringstream err;
        EXPECT_EQ(run_pubkey(in, out, err), exit_failed);
        EXPECT_EQ(out.str(), "");
        EXPECT_NE(err.str().find("not a private key"), std::string::npos);
    }
}

TEST(KeysCommand, GenkeyThenPubkeyRoundTrips) {
    ipcp::secure::DeterministicRng rng(7);
    std::ostringstream key;
    std::ostringstream err;
    ASSERT_EQ(run_genkey(rng, key, err), exit_ok);
    EXPECT_EQ(err.str(), "");
    ASSERT_EQ(key.str().size(), 45U);
    EXPECT_EQ(key.str().back(), '\n');

    std::istringstream in(key.str());
    std::ostringstream pub;
    ASSERT_EQ(run_pubkey(in, pub, err), exit_ok);
    EXPECT_EQ(pub.str().size(), 45U);
    EXPECT_NE(pub.str(), key.str());

    std::ostringstream other;
    ASSERT_EQ(run_genkey(rng, other, err), exit_ok);
    EXPECT_NE(other.str(), key.str());
}

TEST(KeysCommand, GenkeyWarnsWhenTheFileIsOpenToOthers) {
    ipcp::secure::DeterministicRng rng(1);
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_genkey(rng, out, err, true), exit_ok);
    EXPECT_NE(err.str().find("umask 077"), std::string::npos);
}

}  // namespace
}  // namespace ogw::cli
