// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/qos.hpp>

#include <array>
#include <utility>

namespace ogw::flow {
namespace {

constexpr std::array<std::pair<std::string_view, const qosspec_t*>, 6> cubes = {{
    {"raw", &qos_raw},
    {"best_effort", &qos_best_effort},
    {"video", &qos_video},
    {"voice", &qos_voice},
    {"data", &qos_data},
    {"raw_no_errors", &qos_raw_no_errors},
}};

bool same_cube(const qosspec_t& a, const qosspec_t& b) {
    return a.delay == b.delay && a.bandwidth == b.bandwidth && a.availability == b.availability &&
           a.loss == b.loss && a.ber == b.ber && a.in_order == b.in_order &&
           a.max_gap == b.max_gap;
}

}  // namespace

bool operator==(const qosspec_t& a, const qosspec_t& b) {
    return same_cube(a, b) && a.timeout == b.timeout;
}

std::optional<qosspec_t> cube_by_name(std::string_view name) {
    for (const auto& [cube, spec] : cubes) {
        if (cube == name) {
            return *spec;
        }
    }
    return std::nullopt;
}

std::string_view cube_name(const qosspec_t& qos) {
    const auto index = cube_index(qos);
    return index ? cubes[*index].first : "custom";
}

std::optional<std::uint8_t> cube_index(const qosspec_t& qos) {
    for (std::uint8_t i = 0; i < cubes.size(); ++i) {
        if (same_cube(qos, *cubes[i].second)) {
            return i;
        }
    }
    return std::nullopt;
}

qosspec_t cube_at(std::uint8_t index, std::uint64_t timeout_ms) {
    qosspec_t qos = *cubes.at(index).second;
    qos.timeout = timeout_ms;
    return qos;
}

}  // namespace ogw::flow
