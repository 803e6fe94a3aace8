// SPDX-License-Identifier: BSD-3-Clause
// What the ipcp fuzz targets share: an engine owner that accepts every other request at once
// (the rest stay pending) and writes into every SDU it gets, and fixed test keys.
#pragma once

#include <ipcp/secure/keys.hpp>
#include <ipcp/shim_engine.hpp>

#include <array>
#include <cstdint>
#include <span>

namespace ogw::ipcp::fuzz {

class NullUser : public EngineUser {
public:
    int on_flow_request(Eid, const NameHash&, const qosspec_t&, const PeerAddress&) override {
        return (++requests_ % 2) == 0 ? 0 : accept_later;
    }
    void on_flow_state(Eid, std::uint64_t, flow::FlowState, flow::FlowState, int) override {}
    void on_data(Eid, std::uint64_t, std::span<std::byte> sdu) override {
        if (!sdu.empty()) {
            sdu[0] = std::byte{0};  // the span must be writable
        }
    }

private:
    int requests_ = 0;
};

// A key of 32 bytes `fill`.
inline secure::SecretKey key(std::uint8_t fill) {
    std::array<std::byte, secure::key_size> b{};
    b.fill(std::byte{fill});
    return secure::SecretKey::from(b);
}

}  // namespace ogw::ipcp::fuzz
