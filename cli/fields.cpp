// SPDX-License-Identifier: BSD-3-Clause
#include "fields.hpp"

#include "units.hpp"

namespace ogw::cli {

std::string text_of(const json::Value& v) {
    if (v.is_null()) {
        return "-";
    }
    if (v.is_string()) {
        return v.as_string();
    }
    return json::dump(v);
}

std::string field(const json::Value& obj, std::string_view key) {
    const json::Value* v = obj.find(key);
    return v == nullptr ? "-" : text_of(*v);
}

std::string ms_field(const json::Value& obj, std::string_view key) {
    const auto ms = obj.get_int(key);
    return ms ? human_duration_ms(*ms) : "-";
}

std::string ago_field(const json::Value& obj, std::string_view key) {
    const auto ms = obj.get_int(key);
    return ms ? human_ago_ms(*ms) : "-";
}

std::string bytes_field(const json::Value& obj, std::string_view key) {
    const auto bytes = obj.get_uint(key);
    return bytes ? human_bytes(*bytes) : "-";
}

std::string rtt_field(const json::Value& obj, std::string_view key) {
    const auto ms = obj.get_double(key);
    return ms ? human_rtt_ms(*ms) : "-";
}

std::string traffic_field(const json::Value& obj, std::string_view packets,
                          std::string_view bytes) {
    return field(obj, packets) + " packets, " + bytes_field(obj, bytes);
}

std::string list_field(const json::Value& obj, std::string_view key, std::string_view separator) {
    std::string out;
    const json::Value* list = obj.find(key);
    for (const auto& item : list != nullptr ? items_of(*list) : items_of(nullptr)) {
        if (!out.empty()) {
            out += separator;
        }
        out += text_of(item);
    }
    return out.empty() ? "-" : out;
}

const json::Array& items_of(const json::Value& v) {
    static const json::Array none;
    return v.is_array() ? v.as_array() : none;
}

}  // namespace ogw::cli
