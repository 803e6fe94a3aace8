// SPDX-License-Identifier: BSD-3-Clause
// First stage of config parsing (internal to config.cpp and its tests): the INI text as read by
// Boost.Program_options, with the line of every value and every structural error reported.
//
// Boost.PO knows neither line numbers nor the user-chosen [ipcp.NAME] sections, so a small
// scan of the text that splits lines exactly as Boost.PO does comes first. It finds the
// sections, records the line of each key and blanks every line Boost.PO must not see (syntax
// errors, keys outside a known section) so that Boost.PO never throws and all errors are
// collected. Boost.PO then parses the cleaned text against options registered for the known
// sections, "ipcp.<name>.<key>" for each [ipcp.<name>] found; every option is a composing
// vector, so repeats are collected and judged here, and keys it does not know come back as
// unregistered options, reported as unknown keys.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ogw::gw::detail {

// Collects "FILE:LINE: SUBJECT: message" lines; hands them out sorted by line.
class Diagnostics {
public:
    explicit Diagnostics(std::string_view file) : file_(file) {}

    void error(std::size_t line, std::string_view subject, std::string_view message);
    void warning(std::size_t line, std::string_view subject, std::string_view message);
    bool has_errors() const { return !errors_.empty(); }

    std::vector<std::string> take_errors() { return sorted(std::move(errors_)); }
    std::vector<std::string> take_warnings() { return sorted(std::move(warnings_)); }

private:
    struct Line {
        std::size_t line;
        std::string text;
    };
    std::string format(std::size_t line, std::string_view subject, std::string_view message) const;
    static std::vector<std::string> sorted(std::vector<Line> lines);

    std::string file_;
    std::vector<Line> errors_;
    std::vector<Line> warnings_;
};

// The value in single quotes, control bytes escaped, shortened when very long.
std::string quote(std::string_view value);

enum class SectionKind { node, gateway, ipcp, security };

struct Section {
    SectionKind kind;
    std::string name;  // "node", "gateway", "security", or the NAME of [ipcp.NAME]
    std::size_t line;

    std::string prefix() const;  // "node", "gateway", "security", "ipcp.NAME"
};

struct Value {
    std::string text;
    std::size_t line;
};

struct IniContents {
    std::vector<Section> sections;  // file order; each section once
    // Full key ("ipcp.wan.bind") to its values in file order. Keys that may appear once hold
    // one value (repeats were reported); repeatable keys hold all of them.
    std::map<std::string, std::vector<Value>> values;

    const Value* find(const std::string& key) const;
    const std::vector<Value>& all(const std::string& key) const;
};

IniContents read_ini(std::string_view text, Diagnostics& diagnostics);

}  // namespace ogw::gw::detail
