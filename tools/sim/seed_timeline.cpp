// SPDX-License-Identifier: BSD-3-Clause
// The upstream seed scenario (oecho) played on the in-memory loopback IPCP with a fake clock,
// printing its timeline: the client learns of the server's dealloc within one round trip.
// A demonstration of the flow core only; the daemon does not use the loopback IPCP.
#include <ipcp/loopback.hpp>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

using namespace ogw;
using namespace ogw::ipcp;
using namespace std::chrono_literals;

FakeClock sim_clock;
const Instant epoch = sim_clock.now();

void say(const char* who, const std::string& what) {
    std::printf("%8.3f ms  %-7s %s\n",
                std::chrono::duration<double, std::milli>(sim_clock.now() - epoch).count(), who,
                what.c_str());
}

std::string text(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

int send_text(ShimEngine& e, Eid eid, const std::string& s) {
    std::vector<std::byte> frame(e.data_header_size() + s.size());
    std::memcpy(frame.data() + e.data_header_size(), s.data(), s.size());
    return e.write(sim_clock.now(), eid, frame);
}

struct Server final : EngineUser {
    ShimEngine* engine = nullptr;
    int on_flow_request(Eid, const NameHash& name, const qosspec_t&, const PeerAddress&) override {
        if (name != NameHash::of("oecho")) {
            return -ENAME;
        }
        say("server", "flow request for oecho: accepted");
        return 0;
    }
    void on_flow_state(Eid, std::uint64_t, flow::FlowState, flow::FlowState to, int) override {
        say("server", std::string("flow ") + std::string(flow::to_string(to)));
    }
    void on_data(Eid eid, std::uint64_t, std::span<std::byte> sdu) override {
        say("server", "received '" + text(sdu) + "', echoing it and deallocating");
        send_text(*engine, eid, text(sdu));
        engine->dealloc(sim_clock.now(), eid);
    }
};

struct Client final : EngineUser {
    ShimEngine* engine = nullptr;
    bool done = false;
    int on_flow_request(Eid, const NameHash&, const qosspec_t&, const PeerAddress&) override {
        return -ENAME;
    }
    void on_flow_state(Eid eid, std::uint64_t, flow::FlowState, flow::FlowState to,
                       int) override {
        say("client", std::string("flow ") + std::string(flow::to_string(to)));
        if (to == flow::FlowState::allocated) {
            say("client", "sending 'Client says hi!'");
            send_text(*engine, eid, "Client says hi!");
        }
        if (const int err = flow::read_error(to); err != 0 && !done) {
            say("client", "Failed to read packet: " + std::to_string(err) + ".");
            done = true;
            engine->dealloc(sim_clock.now(), eid);
        }
    }
    void on_data(Eid, std::uint64_t, std::span<std::byte> sdu) override {
        say("client", "Server replied with " + text(sdu));
    }
};

}  // namespace

int main() {
    LoopbackNetwork net(sim_clock, 1);
    net.set_faults(LinkFaults{10ms, 0ms, 0.0, 0.0});
    Server server;
    Client client;
    LoopbackIpcp server_ipcp(net, "server", server);
    LoopbackIpcp client_ipcp(net, "client", client);
    server.engine = &server_ipcp.engine();
    client.engine = &client_ipcp.engine();

    std::printf("seed scenario over the in-memory IPCP, one-way delay 10 ms\n");
    say("client", "allocating a flow to oecho");
    (void)client_ipcp.engine().alloc(sim_clock.now(), NameHash::of("oecho"), qos_raw,
                                     server_ipcp.address(), 5s, 0);
    net.run_for(1s);
    std::printf("flows left: client %zu, server %zu\n", client_ipcp.engine().flow_count(),
                server_ipcp.engine().flow_count());
    return client.done ? 0 : 1;
}
