// SPDX-License-Identifier: BSD-3-Clause
// Typed access to the values of an IniContents (internal to the config parser): each accessor
// reports what is wrong with a value, naming its line and key, and returns nothing for it.
#pragma once

#include "config/ini_reader.hpp"

#include <flowlib/inet.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ogw::gw::detail {

template <class T, std::size_t N>
using Choices = std::array<std::pair<std::string_view, T>, N>;

// "a, b or c"
template <class T, std::size_t N>
std::string choice_list(const Choices<T, N>& choices) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
        out += i == 0 ? "" : (i + 1 == N ? " or " : ", ");
        out += choices[i].first;
    }
    return out;
}

// Digits only (no sign, no blanks), in range for T.
template <class T>
std::optional<T> parse_number(std::string_view s, int base = 10) {
    if (s.empty() || s.front() == '-' || s.front() == '+') {
        return std::nullopt;
    }
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

// Splits at runs of spaces and tabs.
std::vector<std::string_view> split_words(std::string_view s);
bool valid_interface_name(std::string_view s);
std::string hex16(std::uint16_t v);

class ValueReader {
public:
    ValueReader(const IniContents& ini, Diagnostics& diagnostics)
        : ini_(ini), diagnostics_(diagnostics) {}

    const IniContents& ini() const { return ini_; }
    Diagnostics& diagnostics() { return diagnostics_; }

    void error(const Value& v, const std::string& key, std::string_view message) {
        diagnostics_.error(v.line, key, message);
    }
    void warning(const Value& v, const std::string& key, std::string_view message) {
        diagnostics_.warning(v.line, key, message);
    }

    const Section* section_of(SectionKind kind) const;

    // The value of key, or nullptr when it is absent, empty or quoted (reported).
    const Value* get(const std::string& key);
    // Every usable value of a repeatable key.
    std::vector<const Value*> get_all(const std::string& key);
    // Reports a missing key at its section's line (line 1 without a section).
    bool require(const Section* section, const std::string& key, std::string_view why = {});

    template <class T, std::size_t N>
    std::optional<T> choice(const std::string& key, const Choices<T, N>& choices) {
        const auto* v = get(key);
        if (v == nullptr) {
            return std::nullopt;
        }
        for (const auto& [name, value] : choices) {
            if (v->text == name) {
                return value;
            }
        }
        error(*v, key, "invalid value " + quote(v->text) + ": expected " + choice_list(choices));
        return std::nullopt;
    }

    // Node and layer names: 1 to 255 bytes, no blanks, quotes or control characters.
    std::optional<std::string> name(const std::string& key);
    bool check_name(const Value& v, const std::string& key, std::string_view text);
    std::optional<std::string> interface_name(const std::string& key);
    std::optional<std::uint64_t> duration_ms(const std::string& key);
    // A decimal integer from min to max.
    std::optional<std::uint64_t> integer(const std::string& key, std::uint64_t min,
                                         std::uint64_t max);
    // A unicast address with a non-zero port (default 3435).
    std::optional<SocketAddress> socket_address(const Value& v, const std::string& key,
                                                std::string_view text);

private:
    bool usable(const Value& v, const std::string& key);

    const IniContents& ini_;
    Diagnostics& diagnostics_;
};

}  // namespace ogw::gw::detail
