// SPDX-License-Identifier: BSD-3-Clause
#include "config/ini_reader.hpp"

#include "config/config.hpp"

#include <boost/program_options/errors.hpp>
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <boost/program_options/variables_map.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <exception>
#include <span>
#include <sstream>

namespace po = boost::program_options;

namespace ogw::gw::detail {
namespace {

constexpr std::size_t max_ipcp_name = 64;
constexpr std::size_t max_quoted = 80;

struct KeySpec {
    std::string_view name;
    bool repeatable;
};

constexpr std::array<KeySpec, 4> node_keys = {{
    {"name", false},
    {"socket", false},
    {"log-level", false},
    {"user", false},
}};

constexpr std::array<KeySpec, 4> security_keys = {{
    {"private-key", false},
    {"peer-key", true},
    {"encryption", false},
    {"rekey-after", false},
}};

constexpr std::array<KeySpec, 6> ipcp_keys = {{
    {"type", false},
    {"layer", false},
    {"bind", false},
    {"peer", true},
    {"dev", false},
    {"ethertype", false},
}};

constexpr std::array<KeySpec, 16> gateway_keys = {{
    {"mode", false},
    {"dev", false},
    {"address", true},
    {"mtu", false},
    {"route", true},
    {"flow-mapping", false},
    {"qos", false},
    {"peer-timeout", false},
    {"idle-timeout", false},
    {"alloc-timeout", false},
    {"max-sessions", false},
    {"queues", false},
    {"mac-ageing", false},
    {"max-macs", false},
    {"flood-rate", false},
    {"flood-burst", false},
}};

std::span<const KeySpec> keys_of(SectionKind kind) {
    switch (kind) {
        case SectionKind::node:
            return node_keys;
        case SectionKind::ipcp:
            return ipcp_keys;
        case SectionKind::gateway:
            return gateway_keys;
        case SectionKind::security:
            return security_keys;
    }
    return {};
}

std::string key_list(SectionKind kind) {
    std::string out;
    for (const auto& key : keys_of(kind)) {
        out += out.empty() ? "" : ", ";
        out += key.name;
    }
    return out;
}

// Boost.PO's trim_ws.
std::string_view trim(std::string_view s) {
    constexpr std::string_view blanks = " \t\r\n";
    const auto first = s.find_first_not_of(blanks);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

std::string escape(std::string_view s) {
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    for (const char c : s.substr(0, max_quoted)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\\') {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0x0f];
        } else {
            out += c;
        }
    }
    if (s.size() > max_quoted) {
        out += "...";
    }
    return out;
}

bool valid_ipcp_name(std::string_view name) {
    return !name.empty() && name.size() <= max_ipcp_name &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
           });
}

struct ScannedKey {
    std::string key;
    std::size_t line;
};

struct Scan {
    std::vector<Section> sections;
    std::vector<ScannedKey> keys;  // exactly the key lines left for Boost.PO, in order
    std::string cleaned;           // the text with every other problematic line blanked
};

class Scanner {
public:
    explicit Scanner(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

    Scan run(std::string_view text) {
        std::size_t line = 0;
        std::size_t pos = 0;
        while (pos < text.size()) {
            const auto end = std::min(text.find('\n', pos), text.size());
            ++line;
            const auto raw = text.substr(pos, end - pos);
            if (keep(raw, line)) {
                out_.cleaned += raw;
            }
            out_.cleaned += '\n';
            pos = end + 1;
        }
        return std::move(out_);
    }

private:
    bool keep(std::string_view raw, std::size_t line) {
        const auto s = trim(raw.substr(0, raw.find('#')));
        if (s.empty()) {
            return true;
        }
        if (s.front() == '[' && s.back() == ']' && s.size() >= 2) {
            return open_section(s.substr(1, s.size() - 2), line);
        }
        const auto eq = s.find('=');
        if (eq == std::string_view::npos) {
            diagnostics_.error(line, "syntax error",
                               "expected 'key = value' or '[section]', got " + quote(s));
            return false;
        }
        const auto key = trim(s.substr(0, eq));
        if (state_ == State::in_bad_section) {
            return false;
        }
        if (key.empty()) {
            diagnostics_.error(line, "syntax error", "missing key before '='");
            return false;
        }
        if (state_ == State::before_sections) {
            diagnostics_.error(line, escape(key), "key outside any section");
            return false;
        }
        const auto& section = out_.sections[current_];
        out_.keys.push_back({section.prefix() + "." + std::string(key), line});
        return true;
    }

    bool open_section(std::string_view name, std::size_t line) {
        state_ = State::in_bad_section;
        const std::string subject = "[" + escape(name) + "]";
        Section section{SectionKind::node, std::string(name), line};
        if (name == "gateway") {
            section.kind = SectionKind::gateway;
        } else if (name == "security") {
            section.kind = SectionKind::security;
        } else if (name.starts_with("ipcp.")) {
            section.kind = SectionKind::ipcp;
            section.name = std::string(name.substr(5));
            if (!valid_ipcp_name(section.name)) {
                diagnostics_.error(line, subject,
                                   "invalid IPCP name: use 1 to 64 letters, digits, '-' or '_'");
                return false;
            }
        } else if (name == "ipcp") {
            diagnostics_.error(line, subject, "missing IPCP name: write [ipcp.NAME]");
            return false;
        } else if (name != "node") {
            diagnostics_.error(line, subject,
                               "unknown section: expected [node], [ipcp.NAME], [gateway] or [security]");
            return false;
        }

        const auto prefix = section.prefix();
        const auto same = std::find_if(out_.sections.begin(), out_.sections.end(),
                                       [&](const Section& s) { return s.prefix() == prefix; });
        if (same != out_.sections.end()) {
            diagnostics_.error(
                line, subject,
                "duplicate section (first at line " + std::to_string(same->line) + ")");
            current_ = static_cast<std::size_t>(same - out_.sections.begin());
            state_ = State::in_section;
            return true;
        }
        if (section.kind == SectionKind::ipcp && ++ipcp_count_ > max_ipcps) {
            diagnostics_.error(
                line, subject,
                "too many IPCP sections (at most " + std::to_string(max_ipcps) + ")");
            return false;
        }
        out_.sections.push_back(std::move(section));
        current_ = out_.sections.size() - 1;
        state_ = State::in_section;
        return true;
    }

    enum class State { before_sections, in_section, in_bad_section };

    Diagnostics& diagnostics_;
    Scan out_;
    State state_ = State::before_sections;
    std::size_t current_ = 0;
    std::size_t ipcp_count_ = 0;
};

po::options_description describe(const std::vector<Section>& sections) {
    po::options_description description;
    for (const auto& section : sections) {
        for (const auto& key : keys_of(section.kind)) {
            const auto name = section.prefix() + "." + std::string(key.name);
            description.add_options()(name.c_str(),
                                      po::value<std::vector<std::string>>()->composing());
        }
    }
    return description;
}

struct KeyLines {
    std::map<std::string, std::vector<std::size_t>> lines;

    std::size_t line_of(const std::string& key, std::size_t occurrence) const {
        const auto it = lines.find(key);
        if (it == lines.end() || occurrence >= it->second.size()) {
            return 0;
        }
        return it->second[occurrence];
    }
};

void report_unknown(const po::parsed_options& parsed, const KeyLines& index,
                    const std::vector<Section>& sections, Diagnostics& diagnostics) {
    std::map<std::string, std::size_t> seen;
    for (const auto& option : parsed.options) {
        if (!option.unregistered) {
            continue;
        }
        const auto line = index.line_of(option.string_key, seen[option.string_key]++);
        assert(line != 0 && "Boost.PO returned a key the scan did not see");
        const auto section = std::find_if(sections.begin(), sections.end(), [&](const Section& s) {
            return option.string_key.starts_with(s.prefix() + ".");
        });
        std::string message = "unknown key";
        if (section != sections.end()) {
            message += "; [" + section->prefix() + "] takes " + key_list(section->kind);
        }
        diagnostics.error(line, escape(option.string_key), message);
    }
}

IniContents collect(const po::variables_map& vm, const KeyLines& index, Scan& scan,
                    Diagnostics& diagnostics) {
    IniContents contents;
    for (const auto& section : scan.sections) {
        for (const auto& spec : keys_of(section.kind)) {
            const auto key = section.prefix() + "." + std::string(spec.name);
            if (vm.count(key) == 0) {
                continue;
            }
            const auto& texts = vm[key].as<std::vector<std::string>>();
            const auto lines = index.lines.find(key);
            if (lines == index.lines.end() || lines->second.size() != texts.size()) {
                assert(false && "the scan and Boost.PO disagree on the key lines");
                diagnostics.error(section.line, key, "internal error: values and lines differ");
                continue;
            }
            auto& values = contents.values[key];
            for (std::size_t i = 0; i < texts.size(); ++i) {
                if (i > 0 && !spec.repeatable) {
                    diagnostics.error(
                        lines->second[i], key,
                        "duplicate key (first at line " + std::to_string(lines->second[0]) + ")");
                    continue;
                }
                values.push_back({texts[i], lines->second[i]});
            }
        }
    }
    contents.sections = std::move(scan.sections);
    return contents;
}

}  // namespace

void Diagnostics::error(std::size_t line, std::string_view subject, std::string_view message) {
    errors_.push_back({line, format(line, subject, message)});
}

void Diagnostics::warning(std::size_t line, std::string_view subject, std::string_view message) {
    warnings_.push_back({line, format(line, subject, message)});
}

std::string Diagnostics::format(std::size_t line, std::string_view subject,
                                std::string_view message) const {
    std::string out = file_;
    if (line > 0) {
        out += ":" + std::to_string(line);
    }
    out += ": ";
    out += subject;
    out += ": ";
    out += message;
    return out;
}

std::vector<std::string> Diagnostics::sorted(std::vector<Line> lines) {
    std::stable_sort(lines.begin(), lines.end(),
                     [](const Line& a, const Line& b) { return a.line < b.line; });
    std::vector<std::string> out;
    out.reserve(lines.size());
    for (auto& line : lines) {
        out.push_back(std::move(line.text));
    }
    return out;
}

std::string quote(std::string_view value) {
    return "'" + escape(value) + "'";
}

std::string Section::prefix() const {
    switch (kind) {
        case SectionKind::node:
            return "node";
        case SectionKind::gateway:
            return "gateway";
        case SectionKind::security:
            return "security";
        case SectionKind::ipcp:
            return "ipcp." + name;
    }
    return {};
}

const Value* IniContents::find(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() || it->second.empty() ? nullptr : &it->second.front();
}

const std::vector<Value>& IniContents::all(const std::string& key) const {
    static const std::vector<Value> none;
    const auto it = values.find(key);
    return it == values.end() ? none : it->second;
}

IniContents read_ini(std::string_view text, Diagnostics& diagnostics) {
    auto scan = Scanner(diagnostics).run(text);
    KeyLines index;
    for (const auto& key : scan.keys) {
        index.lines[key.key].push_back(key.line);
    }
    try {
        const auto description = describe(scan.sections);
        std::istringstream in(scan.cleaned);
        const auto parsed = po::parse_config_file(in, description, true);
        po::variables_map vm;
        po::store(parsed, vm);
        report_unknown(parsed, index, scan.sections, diagnostics);
        return collect(vm, index, scan, diagnostics);
    } catch (const po::error& e) {
        assert(false && "Boost.PO rejected a line the scan let through");
        diagnostics.error(1, "config", std::string("internal error: ") + e.what());
    } catch (const std::exception& e) {
        diagnostics.error(1, "config", std::string("internal error: ") + e.what());
    }
    return {};
}

}  // namespace ogw::gw::detail
