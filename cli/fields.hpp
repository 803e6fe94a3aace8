// SPDX-License-Identifier: BSD-3-Clause
// Members of the daemon's JSON objects as text for the human output; "-" when missing or null.
#pragma once

#include <flowlib/json.hpp>

#include <string>
#include <string_view>

namespace ogw::cli {

std::string text_of(const json::Value& v);  // a string bare, null "-", anything else as JSON
std::string field(const json::Value& obj, std::string_view key);
std::string ms_field(const json::Value& obj, std::string_view key);     // "3.2 s"
std::string ago_field(const json::Value& obj, std::string_view key);    // "3.2 s ago"
std::string bytes_field(const json::Value& obj, std::string_view key);  // "1.5 KiB"
std::string rtt_field(const json::Value& obj, std::string_view key);    // "0.412 ms"
// "12 packets, 1.5 KiB" from two members.
std::string traffic_field(const json::Value& obj, std::string_view packets, std::string_view bytes);
// The elements of an array member joined by ", " (or `separator`); "-" when empty or missing.
std::string list_field(const json::Value& obj, std::string_view key,
                       std::string_view separator = ", ");
// The members of an array, or an empty array when `v` is not one.
const json::Array& items_of(const json::Value& v);

}  // namespace ogw::cli
