// SPDX-License-Identifier: BSD-3-Clause
// Decodes arbitrary bytes; whatever decodes must encode back to exactly the same bytes.
#include <ipcp/codec.hpp>
#include <ipcp/wire.hpp>

#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ogw::ipcp;
    const CodecV1 codec;
    const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
    for (bool padded : {false, true}) {
        const Decoded d = codec.decode(in, padded);
        if (!d.ok()) {
            continue;
        }
        std::vector<std::byte> out(wire::max_message_size);
        const std::size_t n = codec.encode(d.msg, out);
        const std::size_t length = static_cast<std::size_t>(data[2]) << 8 | data[3];
        if (n != length || std::memcmp(out.data(), data, n) != 0) {
            std::abort();
        }
    }
    return 0;
}
