// SPDX-License-Identifier: BSD-3-Clause
// Parses arbitrary bytes; whatever parses must survive dump and parse again unchanged, compact
// and pretty, and the compact text must be a fixed point.
#include <flowlib/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ogw::json;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto value = parse(text);
    if (!value) {
        return 0;
    }
    // Printing may lengthen the text (indentation, "1E2" -> "100.0"), but never deepens it.
    ParseLimits reparse_limits;
    reparse_limits.max_size = std::numeric_limits<std::size_t>::max();
    const std::string compact = dump(*value);
    for (const std::string& printed : {compact, dump(*value, true)}) {
        const auto again = parse(printed, reparse_limits);
        if (!again || !(*again == *value)) {
            std::abort();
        }
    }
    if (dump(*parse(compact, reparse_limits)) != compact) {
        std::abort();
    }
    return 0;
}
