// SPDX-License-Identifier: BSD-3-Clause
#include "config/value_reader.hpp"

#include "config/config.hpp"
#include "config/duration.hpp"

#include <algorithm>

namespace ogw::gw::detail {
namespace {

constexpr std::size_t max_name = 255;
constexpr std::size_t max_interface_name = 15;  // IFNAMSIZ - 1

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool valid_name(std::string_view s) {
    return !s.empty() && s.size() <= max_name && std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '"' || c == '\'';
    });
}

}  // namespace

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < s.size()) {
        while (pos < s.size() && is_blank(s[pos])) {
            ++pos;
        }
        const auto start = pos;
        while (pos < s.size() && !is_blank(s[pos])) {
            ++pos;
        }
        if (pos > start) {
            words.push_back(s.substr(start, pos - start));
        }
    }
    return words;
}

// What the kernel accepts (dev_valid_name).
bool valid_interface_name(std::string_view s) {
    return !s.empty() && s.size() <= max_interface_name && s != "." && s != ".." &&
           std::none_of(s.begin(), s.end(), [](char c) {
               const auto u = static_cast<unsigned char>(c);
               return u <= 0x20 || u == 0x7f || c == '/' || c == ':';
           });
}

std::string hex16(std::uint16_t v) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out = "0x";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out += digits[(v >> shift) & 0x0f];
    }
    return out;
}

const Section* ValueReader::section_of(SectionKind kind) const {
    const auto it = std::find_if(ini_.sections.begin(), ini_.sections.end(),
                                 [kind](const Section& s) { return s.kind == kind; });
    return it == ini_.sections.end() ? nullptr : &*it;
}

bool ValueReader::usable(const Value& v, const std::string& key) {
    if (v.text.empty()) {
        error(v, key, "empty value");
        return false;
    }
    const auto quote_char = v.text.front();
    if (v.text.size() >= 2 && (quote_char == '"' || quote_char == '\'') &&
        v.text.back() == quote_char) {
        error(v, key, "quoted value " + quote(v.text) + ": write it without quotes");
        return false;
    }
    return true;
}

const Value* ValueReader::get(const std::string& key) {
    const auto* v = ini_.find(key);
    return v != nullptr && usable(*v, key) ? v : nullptr;
}

std::vector<const Value*> ValueReader::get_all(const std::string& key) {
    std::vector<const Value*> out;
    for (const auto& v : ini_.all(key)) {
        if (usable(v, key)) {
            out.push_back(&v);
        }
    }
    return out;
}

bool ValueReader::require(const Section* section, const std::string& key, std::string_view why) {
    if (ini_.find(key) != nullptr) {
        return true;
    }
    std::string message = "missing required key";
    message += why;
    diagnostics_.error(section == nullptr ? 1 : section->line, key, message);
    return false;
}

std::optional<std::string> ValueReader::name(const std::string& key) {
    const auto* v = get(key);
    if (v == nullptr || !check_name(*v, key, v->text)) {
        return std::nullopt;
    }
    return v->text;
}

bool ValueReader::check_name(const Value& v, const std::string& key, std::string_view text) {
    if (valid_name(text)) {
        return true;
    }
    error(v, key,
          "invalid name " + quote(text) +
              ": use 1 to 255 bytes without spaces, quotes or control characters");
    return false;
}

std::optional<std::string> ValueReader::interface_name(const std::string& key) {
    const auto* v = get(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!valid_interface_name(v->text)) {
        error(*v, key,
              "invalid interface name " + quote(v->text) +
                  ": use 1 to 15 bytes without blanks, '/' or ':'");
        return std::nullopt;
    }
    return v->text;
}

std::optional<std::uint64_t> ValueReader::duration_ms(const std::string& key) {
    const auto* v = get(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    auto ms = parse_duration_ms(v->text);
    if (!ms) {
        error(*v, key, "invalid duration " + quote(v->text) + ": " + ms.error().where);
        return std::nullopt;
    }
    return *ms;
}

std::optional<std::uint64_t> ValueReader::integer(const std::string& key, std::uint64_t min,
                                                  std::uint64_t max) {
    const auto* v = get(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    const auto n = parse_number<std::uint64_t>(v->text);
    if (!n || *n < min || *n > max) {
        error(*v, key,
              "invalid value " + quote(v->text) + ": expected a number from " +
                  std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
    }
    return *n;
}

std::optional<SocketAddress> ValueReader::socket_address(const Value& v, const std::string& key,
                                                         std::string_view text) {
    auto address = SocketAddress::parse(text, default_udp_port);
    if (!address) {
        error(v, key, "invalid address " + quote(text) + ": " + address.error().where);
        return std::nullopt;
    }
    if (address->port() == 0) {
        error(v, key, "invalid address " + quote(text) + ": port 0");
        return std::nullopt;
    }
    if (address->ip().is_multicast()) {
        error(v, key, "invalid address " + quote(text) + ": multicast");
        return std::nullopt;
    }
    return *address;
}

}  // namespace ogw::gw::detail
