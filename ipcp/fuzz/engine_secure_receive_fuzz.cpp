// SPDX-License-Identifier: BSD-3-Clause
// Feeds arbitrary datagrams, from the peer's address and from a stranger, to a shim engine with
// `encryption = required` that has sealed flows (and one pending allocation); the engine must
// neither crash nor leak, and input from the stranger must never change a flow.
#include "fuzz_support.hpp"

#include <ipcp/loopback.hpp>

#include <cstdlib>
#include <map>

namespace {

using namespace ogw;
using namespace ogw::ipcp;

using fuzz::NullUser;

std::shared_ptr<const secure::Identity> identity(std::uint64_t seed) {
    secure::DeterministicRng rng(seed);
    return std::make_shared<secure::Identity>(secure::generate_secret(rng));
}

EngineConfig config(FakeClock& clock, const char* name,
                    std::shared_ptr<const secure::Identity> self,
                    const std::shared_ptr<const secure::Identity>& peer, const char* peer_name) {
    EngineConfig c;
    c.local_name = name;
    auto s = std::make_shared<EngineSecurity>();
    s->mode = EncryptionMode::required;
    s->identity = std::move(self);
    s->peers.emplace_back(peer_name, peer->public_key());
    s->unix_ns = [&clock] {
        return 1'700'000'000'000'000'000ULL +
               static_cast<std::uint64_t>(clock.now().time_since_epoch().count());
    };
    s->rng = std::make_shared<secure::DeterministicRng>(5);
    c.security = std::move(s);
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto id_a = identity(1);
    static const auto id_b = identity(2);
    FakeClock clock;
    LoopbackNetwork net(clock, 1);
    NullUser user_a;
    NullUser user_b;
    LoopbackIpcp a(net, "a", user_a, config(clock, "site-a", id_a, id_b, "site-b"));
    LoopbackIpcp b(net, "b", user_b, config(clock, "site-b", id_b, id_a, "site-a"));
    for (int i = 0; i < 3; ++i) {
        (void)a.engine().alloc(clock.now(), NameHash::of("site-b"), qos_raw, b.address(),
                               std::chrono::seconds(1), 0);
    }
    net.run_for(std::chrono::milliseconds(20));
    std::map<Eid, flow::FlowState> before;
    a.engine().for_each_flow([&](const FlowRecord& r) { before[r.eid] = r.fsm.state(); });

    // [u8 selector][u8 len][bytes]...; bit 0 of the selector: from b (else a stranger);
    // bit 1: set the secure flag on the type byte.
    std::size_t i = 0;
    bool from_peer = false;
    while (i + 2 <= size) {
        const bool from_b = (data[i] & 1) != 0;
        from_peer = from_peer || from_b;
        const std::size_t len = std::min<std::size_t>(data[i + 1], size - i - 2);
        std::vector<std::byte> dgram(reinterpret_cast<const std::byte*>(data + i + 2),
                                     reinterpret_cast<const std::byte*>(data + i + 2 + len));
        if ((data[i] & 2) != 0 && dgram.size() > 1) {
            dgram[1] |= std::byte{0x80};
        }
        a.engine().on_receive(clock.now(), from_b ? b.address() : PeerAddress(), dgram);
        i += 2 + len;
    }
    // A stranger cannot know the keys: no flow may have changed (no timers ran).
    if (!from_peer) {
        std::map<Eid, flow::FlowState> after;
        a.engine().for_each_flow([&](const FlowRecord& r) { after[r.eid] = r.fsm.state(); });
        if (after != before) {
            std::abort();
        }
    }
    net.run_for(std::chrono::seconds(2));
    std::size_t n = 0;
    a.engine().for_each_flow([&](const FlowRecord&) { ++n; });
    if (n > a.engine().flow_count()) {
        std::abort();
    }
    return 0;
}
