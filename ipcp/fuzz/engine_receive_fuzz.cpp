// SPDX-License-Identifier: BSD-3-Clause
// Feeds arbitrary datagrams, from two addresses, to a shim engine that has live flows in
// several states; the engine must neither crash nor leak, and the flows it reports must be
// consistent.
#include "fuzz_support.hpp"

#include <ipcp/loopback.hpp>

#include <cstdlib>

namespace {

using namespace ogw;
using namespace ogw::ipcp;

using fuzz::NullUser;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FakeClock clock;
    LoopbackNetwork net(clock, 1);
    NullUser user_a;
    NullUser user_b;
    LoopbackIpcp a(net, "a", user_a);
    LoopbackIpcp b(net, "b", user_b);
    qosspec_t qos = qos_raw;
    qos.timeout = 100;
    for (int i = 0; i < 3; ++i) {
        (void)a.engine().alloc(clock.now(), NameHash::of("x"), qos, b.address(),
                               std::chrono::seconds(1), 0);
    }
    net.run_for(std::chrono::milliseconds(20));

    // Split the input into datagrams: [u8 selector][u8 len][bytes]...
    std::size_t i = 0;
    while (i + 2 <= size) {
        const bool from_b = (data[i] & 1) != 0;
        const std::size_t len = std::min<std::size_t>(data[i + 1], size - i - 2);
        std::vector<std::byte> dgram(reinterpret_cast<const std::byte*>(data + i + 2),
                                     reinterpret_cast<const std::byte*>(data + i + 2 + len));
        a.engine().on_receive(clock.now(), from_b ? b.address() : PeerAddress(), dgram);
        clock.advance(std::chrono::milliseconds(data[i] >> 1));
        a.engine().on_timer(clock.now());
        i += 2 + len;
    }
    net.run_for(std::chrono::seconds(2));
    std::size_t n = 0;
    a.engine().for_each_flow([&](const FlowRecord&) { ++n; });
    if (n > a.engine().flow_count()) {
        std::abort();
    }
    return 0;
}
