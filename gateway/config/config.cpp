// SPDX-License-Identifier: BSD-3-Clause
#include "config/config.hpp"

#include "config/ini_reader.hpp"
#include "config/sections.hpp"
#include "config/value_reader.hpp"

#include <array>
#include <cerrno>
#include <fstream>
#include <istream>
#include <system_error>
#include <utility>

#include <sys/un.h>

namespace ogw::gw {
namespace {

using detail::Diagnostics;
using detail::quote;
using detail::SectionKind;
using detail::ValueReader;

constexpr std::size_t max_socket_path = sizeof(sockaddr_un::sun_path) - 1;

constexpr detail::Choices<log::Level, 4> log_levels = {{
    {"error", log::Level::error},
    {"warn", log::Level::warn},
    {"info", log::Level::info},
    {"debug", log::Level::debug},
}};

NodeConfig read_node(ValueReader& reader) {
    NodeConfig node;
    const auto* section = reader.section_of(SectionKind::node);
    if (reader.require(section, "node.name", section == nullptr ? " (no [node] section)" : "")) {
        node.name = reader.name("node.name").value_or("");
    }
    if (const auto* v = reader.get("node.socket")) {
        if (v->text.front() != '/' || v->text.size() > max_socket_path) {
            reader.error(*v, "node.socket",
                         "invalid socket path " + quote(v->text) +
                             ": expected an absolute path of at most " +
                             std::to_string(max_socket_path) + " bytes");
        } else {
            node.socket_path = v->text;
        }
    }
    node.log_level = reader.choice("node.log-level", log_levels).value_or(node.log_level);
    if (const auto* v = reader.get("node.user")) {
        if (reader.check_name(*v, "node.user", v->text)) {
            node.user = v->text;
        }
    }
    return node;
}

Config interpret(const detail::IniContents& ini, Diagnostics& diagnostics, ParseOptions options) {
    ValueReader reader(ini, diagnostics);
    Config config;
    config.node = read_node(reader);
    detail::IpcpFacts facts;
    config.ipcps = detail::read_ipcps(reader, config.node.name, facts);
    config.gateway = detail::read_gateway(reader, config.node.name, facts);
    config.security = detail::read_security(reader, options.check_files);
    return config;
}

ParseOutcome file_failure(std::string_view file, std::string_view message) {
    ParseOutcome outcome;
    outcome.errors.push_back(std::string(file) + ": " + std::string(message));
    return outcome;
}

// Reads all of in, or reports why not.
std::optional<std::string> read_text(std::istream& in, std::string_view file_name,
                                     ParseOutcome& failure) {
    std::string text;
    std::array<char, 4096> buffer{};
    errno = 0;
    while (in && text.size() <= max_config_size) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (text.size() > max_config_size) {
        failure = file_failure(
            file_name, "file too large (more than " + std::to_string(max_config_size) + " bytes)");
        return std::nullopt;
    }
    if (in.bad()) {
        const int err = errno;
        failure = file_failure(
            file_name, "cannot read" +
                           (err != 0 ? ": " + std::system_category().message(err) : std::string()));
        return std::nullopt;
    }
    return text;
}

ParseOutcome parse_text(std::string_view text, std::string_view file_name,
                        ParseOptions options) {
    Diagnostics diagnostics(file_name);
    ParseOutcome outcome;
    try {
        const auto ini = detail::read_ini(text, diagnostics);
        auto config = interpret(ini, diagnostics, options);
        if (!diagnostics.has_errors()) {
            outcome.config = std::move(config);
        }
    } catch (const std::exception& e) {
        diagnostics.error(1, "config", std::string("internal error: ") + e.what());
    }
    outcome.errors = diagnostics.take_errors();
    outcome.warnings = diagnostics.take_warnings();
    return outcome;
}

}  // namespace

ParseOutcome parse_config(std::istream& in, std::string_view file_name, ParseOptions options) {
    ParseOutcome failure;
    const auto text = read_text(in, file_name, failure);
    return text ? parse_text(*text, file_name, options) : failure;
}

ParseOutcome load_config(const std::string& path) {
    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        const int err = errno;
        return file_failure(path, "cannot open: " + (err != 0 ? std::system_category().message(err)
                                                              : std::string("unknown error")));
    }
    return parse_config(file, path, ParseOptions{.check_files = true});
}

std::string_view ipcp_type_name(IpcpType type) {
    return type == IpcpType::udp ? "udp" : "eth";
}

std::string_view gateway_mode_name(GatewayMode mode) {
    switch (mode) {
        case GatewayMode::off:
            return "off";
        case GatewayMode::tun:
            return "tun";
        case GatewayMode::tap:
            return "tap";
    }
    return "?";
}

std::string_view flow_mapping_name(FlowMapping mapping) {
    return mapping == FlowMapping::session ? "session" : "peer";
}

std::string_view encryption_mode_name(EncryptionMode mode) {
    switch (mode) {
        case EncryptionMode::off:
            return "off";
        case EncryptionMode::optional:
            return "optional";
        case EncryptionMode::required:
            return "required";
    }
    return "?";
}

}  // namespace ogw::gw
