// SPDX-License-Identifier: BSD-3-Clause
// [security]: the node's private key file, the allowed peers' public keys and the encryption
// policy (docs/configuration.md, docs/security.md).
#include "config/sections.hpp"

#include <ipcp/secure/handshake.hpp>
#include <ipcp/secure/key_file.hpp>

#include <string>

namespace ogw::gw::detail {
namespace {

constexpr std::uint64_t min_rekey_after_ms = 1'000;
constexpr std::uint64_t max_rekey_after_ms = 3'600'000;

constexpr Choices<EncryptionMode, 3> encryption_modes = {{
    {"required", EncryptionMode::required},
    {"optional", EncryptionMode::optional},
    {"off", EncryptionMode::off},
}};

void read_private_key(ValueReader& reader, bool check_files, SecurityConfig& security) {
    const auto* v = reader.get("security.private-key");
    if (v == nullptr) {
        return;
    }
    if (v->text.front() != '/') {
        reader.error(*v, "security.private-key",
                     "invalid path " + quote(v->text) + ": expected an absolute path");
        return;
    }
    if (check_files) {
        const auto key = ipcp::secure::load_private_key(v->text);
        if (!key) {
            reader.error(*v, "security.private-key", key.error().message());
            return;
        }
    }
    security.private_key = v->text;
}

// Returns how many peer-key lines there were (usable or not).
std::size_t read_peer_keys(ValueReader& reader, SecurityConfig& security) {
    const std::string key = "security.peer-key";
    const auto values = reader.get_all(key);
    ipcp::secure::PeerTable table;  // the same checks the daemon's table will make
    for (const auto* v : values) {
        const auto words = split_words(v->text);
        if (words.size() != 2) {
            reader.error(*v, key, "expected 'NAME BASE64', got " + quote(v->text));
            continue;
        }
        if (!reader.check_name(*v, key, words[0])) {
            continue;
        }
        const auto pk = ipcp::secure::PublicKey::from_base64(words[1]);
        if (!pk) {
            reader.error(*v, key,
                         "invalid key " + quote(words[1]) +
                             ": expected 44 base64 characters, as printed by ogw pubkey");
            continue;
        }
        if (table.find(*pk) != nullptr) {
            const auto* first = table.find(*pk);
            reader.error(*v, key, "key already listed for " + quote(first->name));
            continue;
        }
        if (!table.add(std::string(words[0]), *pk)) {
            reader.error(*v, key, "unusable key " + quote(words[1]) + " (a point of small order)");
            continue;
        }
        security.peer_keys.push_back({std::string(words[0]), pk->base64()});
    }
    return reader.ini().all(key).size();
}

}  // namespace

SecurityConfig read_security(ValueReader& reader, bool check_files) {
    SecurityConfig security;
    const auto* section = reader.section_of(SectionKind::security);
    if (section == nullptr) {
        return security;
    }
    read_private_key(reader, check_files, security);
    const std::size_t peer_lines = read_peer_keys(reader, security);
    const auto* mode_value = reader.ini().find("security.encryption");
    const auto mode = reader.choice("security.encryption", encryption_modes);
    const bool have_key = reader.ini().find("security.private-key") != nullptr;
    if (mode) {
        security.encryption = *mode;
        if (*mode != EncryptionMode::off && !have_key) {
            reader.error(*mode_value, "security.encryption",
                         "encryption = " + std::string(encryption_mode_name(*mode)) +
                             " needs a private-key");
        }
    } else if (mode_value == nullptr) {
        security.encryption = have_key ? EncryptionMode::required : EncryptionMode::off;
    }
    if (const auto ms = reader.duration_ms("security.rekey-after")) {
        if (*ms < min_rekey_after_ms || *ms > max_rekey_after_ms) {
            reader.error(*reader.ini().find("security.rekey-after"), "security.rekey-after",
                         "must lie between 1s and 1h (the keys of a flow last this long plus "
                         "the larger of 60s and its peer timeout)");
        } else {
            security.rekey_after_ms = *ms;
        }
    }
    if (security.encryption != EncryptionMode::off && peer_lines == 0) {
        reader.warning(Value{"", section->line}, "security.peer-key",
                       "no peer-key listed: every flow to or from this node will be refused");
    }
    if (!have_key && peer_lines != 0) {
        reader.warning(Value{"", section->line}, "security.peer-key",
                       "peer-key has no effect without private-key");
    }
    return security;
}

}  // namespace ogw::gw::detail
