// SPDX-License-Identifier: BSD-3-Clause
// The replay window against a model that remembers every accepted counter.
// Input: a sequence of 3-byte steps: byte 0 = how (0-127 forward, 128-191 backward, 192-255
// far jump), bytes 1-2 = distance.
#include <ipcp/secure/replay_window.hpp>

#include <cstdlib>
#include <set>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using ogw::ipcp::secure::ReplayWindow;
    using ogw::ipcp::secure::SecureError;
    ReplayWindow w;
    std::set<std::uint64_t> seen;
    std::uint64_t highest = 0;
    bool any = false;
    for (std::size_t i = 0; i + 3 <= size; i += 3) {
        const std::uint64_t d = static_cast<std::uint64_t>(data[i + 1]) << 8 | data[i + 2];
        std::uint64_t c = highest;
        if (data[i] < 128) {
            c = highest + d % 8;
        } else if (data[i] < 192) {
            c = highest >= d ? highest - d : 0;
        } else {
            c = highest + d * 997;
        }
        SecureError expect = SecureError::ok;
        if (any && c <= highest && highest - c >= ReplayWindow::window_size) {
            expect = SecureError::stale;
        } else if (seen.contains(c)) {
            expect = SecureError::replay;
        }
        if (w.check(c) != expect || w.check_and_update(c) != expect) {
            std::abort();
        }
        if (expect == SecureError::ok) {
            seen.insert(c);
            if (!any || c > highest) {
                highest = c;
            }
            any = true;
            if (w.next_expected() != highest + 1) {
                std::abort();
            }
        }
    }
    return 0;
}
