// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary bytes as a packet (and as a frame) whose transmit queue is picked: nothing may be
// read past the bytes given, and the queue is always one of those there are.
#include "tun/tun_queue_workers.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A block of the input's own size, so that AddressSanitizer sees any read past it.
    const std::vector<std::byte> packet(reinterpret_cast<const std::byte*>(data),
                                        reinterpret_cast<const std::byte*>(data) + size);
    for (const std::size_t queues : {std::size_t{1}, std::size_t{2}, std::size_t{3},
                                     std::size_t{64}}) {
        for (const bool frames : {false, true}) {
            if (ogw::gw::tun_queue_for(packet, frames, queues) >= queues) {
                std::abort();
            }
        }
    }
    return 0;
}
