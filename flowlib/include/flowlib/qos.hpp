// SPDX-License-Identifier: BSD-3-Clause
// The QoS cubes by name, as the config file and the CLI spell them.
#pragma once

#include <ogw/qos.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ogw::flow {

bool operator==(const qosspec_t& a, const qosspec_t& b);

// "raw", "best_effort", "video", "voice", "data" (and "raw_no_errors").
std::optional<qosspec_t> cube_by_name(std::string_view name);

// The cube a spec matches, ignoring the timeout; "custom" when it matches none.
std::string_view cube_name(const qosspec_t& qos);

// The same by index, for what keeps a spec as its cube and timeout: cube_index() is empty when
// the spec matches no cube; cube_at() is the cube of that index with the given timeout.
std::optional<std::uint8_t> cube_index(const qosspec_t& qos);
qosspec_t cube_at(std::uint8_t index, std::uint64_t timeout_ms);

}  // namespace ogw::flow
