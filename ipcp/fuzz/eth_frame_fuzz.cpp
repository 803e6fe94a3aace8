// SPDX-License-Identifier: BSD-3-Clause
// Feeds arbitrary Ethernet frames through what the Ethernet shim does with a received frame:
// classify it against our MAC and Ethertype, and hand the frames that are ours, padding and
// all, to a shim engine (padded underlay) with live flows, whose name messages go to an
// EthResolver with queries outstanding. Nothing may crash, over-read or leak, and a frame
// classified as ours must have a readable header.
#include "fuzz_support.hpp"

#include <ipcp/eth_address.hpp>
#include <ipcp/eth_frame.hpp>
#include <ipcp/eth_resolver.hpp>
#include <ipcp/loopback.hpp>

#include <cstdlib>
#include <vector>

namespace {

using namespace ogw;
using namespace ogw::ipcp;

// Serves the name "x", so that name queries for it get answers.
class ServingUser final : public fuzz::NullUser {
public:
    bool serves(const NameHash& name) const override { return name == NameHash::of("x"); }
};

class ResolverFeed final : public NameMessageHandler {
public:
    explicit ResolverFeed(EthResolver& r) : resolver_(r) {}
    void on_name_query(Instant, const PeerAddress&, const NameQueryMsg&) override {}
    void on_name_reply(Instant now, const PeerAddress& from, const NameReplyMsg& r) override {
        (void)resolver_.on_reply(now, from, r);
    }

private:
    EthResolver& resolver_;
};

const MacAddress self({0x02, 0x00, 0x00, 0x00, 0x00, 0x01});
constexpr std::uint16_t ethertype = 0xa000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FakeClock clock;
    LoopbackNetwork net(clock, 1);
    ServingUser user_a;
    ServingUser user_b;
    EngineConfig cfg;
    cfg.padded_underlay = true;
    cfg.max_message_size = 1500;
    LoopbackIpcp a(net, "a", user_a, cfg);
    LoopbackIpcp b(net, "b", user_b, cfg);
    EthResolver resolver([](const NameQueryMsg&) {});
    ResolverFeed feed(resolver);
    a.engine().set_name_handler(&feed);
    for (const char* name : {"x", "y"}) {
        resolver.resolve(clock.now(), name, [](std::optional<PeerAddress>) {});
    }
    qosspec_t qos = qos_raw;
    qos.timeout = 100;
    for (int i = 0; i < 3; ++i) {
        (void)a.engine().alloc(clock.now(), NameHash::of("x"), qos, b.address(),
                               std::chrono::seconds(1), 0);
    }
    net.run_for(std::chrono::milliseconds(20));

    // Split the input into frames: [u8 time step][u8 length][bytes]...
    std::size_t i = 0;
    while (i + 2 <= size) {
        const std::size_t len = std::min<std::size_t>(data[i + 1], size - i - 2);
        std::vector<std::byte> frame(reinterpret_cast<const std::byte*>(data + i + 2),
                                     reinterpret_cast<const std::byte*>(data + i + 2 + len));
        if (classify_eth_frame(frame, self, ethertype) == EthFrameKind::ours) {
            const auto header = read_eth_header(frame);
            if (!header || frame.size() < eth_header_size) {
                std::abort();
            }
            a.engine().on_receive(clock.now(), eth_peer_address(header->src),
                                  std::span(frame).subspan(eth_header_size));
        }
        clock.advance(std::chrono::milliseconds(data[i]));
        a.engine().on_timer(clock.now());
        resolver.on_timer(clock.now());
        i += 2 + len;
    }
    net.run_for(std::chrono::seconds(2));
    return 0;
}
