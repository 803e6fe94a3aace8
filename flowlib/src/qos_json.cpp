// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/qos.hpp>
#include <flowlib/qos_json.hpp>

#include <limits>

namespace ogw::flow {
namespace {

template <class T>
bool read_field(const json::Value& v, std::string_view key, T& out) {
    const json::Value* f = v.find(key);
    if (f == nullptr) {
        return true;
    }
    if (!f->is_integer()) {
        return false;
    }
    if (f->is_uint()) {
        const std::uint64_t u = f->as_uint();
        if (u > std::numeric_limits<T>::max()) {
            return false;
        }
        out = static_cast<T>(u);
        return true;
    }
    const std::int64_t i = f->as_int();
    if (i < 0 || static_cast<std::uint64_t>(i) > std::numeric_limits<T>::max()) {
        return false;
    }
    out = static_cast<T>(i);
    return true;
}

Error bad(std::string_view field) {
    return Error{std::make_error_code(std::errc::invalid_argument),
                 "qos." + std::string(field) + ": not a valid number"};
}

}  // namespace

json::Value qos_to_json(const qosspec_t& q) {
    return json::Object{
        {"cube", std::string(cube_name(q))},
        {"delay", q.delay},
        {"bandwidth", q.bandwidth},
        {"availability", q.availability},
        {"loss", q.loss},
        {"ber", q.ber},
        {"in_order", q.in_order},
        {"max_gap", q.max_gap},
        {"timeout", q.timeout},
    };
}

Result<qosspec_t> qos_from_json(const json::Value& v) {
    if (!v.is_object()) {
        return unexpected(Error{std::make_error_code(std::errc::invalid_argument),
                                "qos: expected an object"});
    }
    qosspec_t q = qos_raw;
    if (const auto cube = v.get_string("cube")) {
        if (*cube != "custom") {
            const auto base = cube_by_name(*cube);
            if (!base) {
                return unexpected(Error{std::make_error_code(std::errc::invalid_argument),
                                        "qos.cube: unknown cube '" + std::string(*cube) + "'"});
            }
            q = *base;
        }
    } else if (v.find("cube") != nullptr) {
        return unexpected(bad("cube"));
    }
    if (!read_field(v, "delay", q.delay)) return unexpected(bad("delay"));
    if (!read_field(v, "bandwidth", q.bandwidth)) return unexpected(bad("bandwidth"));
    if (!read_field(v, "availability", q.availability)) return unexpected(bad("availability"));
    if (!read_field(v, "loss", q.loss)) return unexpected(bad("loss"));
    if (!read_field(v, "ber", q.ber)) return unexpected(bad("ber"));
    if (!read_field(v, "in_order", q.in_order)) return unexpected(bad("in_order"));
    if (!read_field(v, "max_gap", q.max_gap)) return unexpected(bad("max_gap"));
    if (!read_field(v, "timeout", q.timeout)) return unexpected(bad("timeout"));
    return q;
}

}  // namespace ogw::flow
