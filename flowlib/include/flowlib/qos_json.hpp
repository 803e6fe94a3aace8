// SPDX-License-Identifier: BSD-3-Clause
// qosspec_t as JSON in the control protocol: every field by name, or a cube plus overrides.
#pragma once

#include <flowlib/json.hpp>
#include <flowlib/result.hpp>

#include <ogw/qos.h>

namespace ogw::flow {

json::Value qos_to_json(const qosspec_t& qos);
// Absent fields keep the value of the cube named by "cube" (default "raw").
Result<qosspec_t> qos_from_json(const json::Value& v);

}  // namespace ogw::flow
