// SPDX-License-Identifier: BSD-3-Clause
// Opening sealed messages (Session::open, KeyRing::open) on hostile input.
// Input: byte 0 = flags, the rest = payload.
//   flags & 1: mutate mode. A batch of messages (counters 0..7) is sealed; the payload's first
//              byte picks one, the rest is XORed over it. It must open exactly when nothing
//              changed and only once; a refused message must not move the replay window.
//   otherwise: the payload is a frame, opened by a session and by a key ring.
#include "fuzz_support.hpp"

#include <ipcp/secure/session.hpp>

#include <cstdlib>
#include <vector>

namespace {

using namespace ogw;
using namespace ogw::ipcp::secure;

using ogw::ipcp::fuzz::key;

const Instant t0 = Instant(std::chrono::hours(1));

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const auto* payload = reinterpret_cast<const std::byte*>(data + 1);
    const std::size_t n = size - 1;
    Session tx(key(1), key(2), t0, {});
    Session rx(key(2), key(1), t0, {});

    if ((data[0] & 1) == 0) {
        std::vector<std::byte> frame(payload, payload + n);
        const std::vector<std::byte> copy = frame;
        if (rx.open(t0, frame).ok()) {
            std::abort();  // nobody but tx can make an authentic message
        }
        if (rx.replay_window().next_expected() != 0) {
            std::abort();
        }
        KeyRing ring;
        ring.install_unconfirmed(Session(key(2), key(1), t0, {}));
        ring.install_unconfirmed(Session(key(4), key(3), t0, {}));
        frame = copy;
        if (ring.open(t0, frame).ok()) {
            std::abort();
        }
        return 0;
    }

    std::vector<std::vector<std::byte>> sealed;
    for (unsigned i = 0; i < 8; ++i) {
        std::vector<std::byte> f(16 + i * 3 + 16, std::byte{0x5a});
        f[0] = std::byte{1};
        f[1] = std::byte{0x80};
        f[2] = static_cast<std::byte>(f.size() >> 8);
        f[3] = static_cast<std::byte>(f.size());
        if (!tx.seal(t0, f).ok()) {
            std::abort();
        }
        sealed.push_back(std::move(f));
    }
    const std::size_t pick = n == 0 ? 0 : static_cast<std::size_t>(payload[0]) % sealed.size();
    std::vector<std::byte> msg = sealed[pick];
    bool changed = false;
    for (std::size_t i = 1; i < n && i - 1 < msg.size(); ++i) {
        msg[i - 1] ^= payload[i];
        changed = changed || payload[i] != std::byte{0};
    }
    const auto r = rx.open(t0, msg);
    if (r.ok() == changed) {
        std::abort();
    }
    if (!r.ok() && rx.replay_window().next_expected() != 0) {
        std::abort();
    }
    if (r.ok()) {
        std::vector<std::byte> again = sealed[pick];
        if (rx.open(t0, again).error != SecureError::replay) {
            std::abort();
        }
    }
    return 0;
}
