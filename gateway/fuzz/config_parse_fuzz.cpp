// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary text into parse_config: it must never crash, hang or throw, and must return a
// config exactly when it reports no error. Internal inconsistencies assert (debug builds).
#include "config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    const auto outcome = ogw::gw::parse_config(in, "fuzz.conf");
    if (outcome.config.has_value() == !outcome.errors.empty()) {
        std::abort();
    }
    for (const auto& error : outcome.errors) {
        if (error.rfind("fuzz.conf", 0) != 0) {
            std::abort();
        }
    }
    return 0;
}
