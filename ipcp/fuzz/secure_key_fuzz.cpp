// SPDX-License-Identifier: BSD-3-Clause
// Key text decoding (`peer-key = NAME BASE64`, key files, `ogw pubkey` input): whatever
// decodes must encode back to exactly the same text (one spelling per key).
#include <ipcp/secure/key_file.hpp>
#include <ipcp/secure/keys.hpp>

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ogw::ipcp::secure;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto k = PublicKey::from_base64(text)) {
        if (k->base64() != text) {
            std::abort();
        }
    }
    if (auto s = secret_from_base64(text)) {
        if (secret_to_base64(*s) != text) {
            std::abort();
        }
    }
    if (auto p = pubkey(text)) {
        if (p->size() != 44 || !PublicKey::from_base64(*p)) {
            std::abort();
        }
        if (trim_key_text(text).size() != 44) {
            std::abort();
        }
    }
    return 0;
}
