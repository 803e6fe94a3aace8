// SPDX-License-Identifier: BSD-3-Clause
// An in-memory underlay for unit tests: ports exchange messages with injectable delay, jitter
// (which reorders), loss and duplication, all driven by a FakeClock in event order. A test
// double only; the daemon never ships it.
#pragma once

#include <flowlib/clock.hpp>
#include <ipcp/codec.hpp>
#include <ipcp/shim_engine.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace ogw::ipcp {

struct LinkFaults {
    Duration delay{std::chrono::milliseconds(5)};  // one way
    Duration jitter{0};                             // uniform extra delay: reorders
    double loss = 0.0;
    double duplicate = 0.0;
};

class LoopbackNetwork {
public:
    using Receiver = std::function<void(Instant, const PeerAddress& from, std::span<std::byte>)>;
    // Return false to drop a message (targeted loss in tests).
    using Filter =
        std::function<bool(const PeerAddress& from, const PeerAddress& to, std::span<const std::byte>)>;

    class Port final : public Transmitter {
    public:
        Port(LoopbackNetwork& net, PeerAddress addr) : net_(net), addr_(addr) {}
        void transmit(const PeerAddress& to, std::span<const std::byte> bytes) override {
            net_.send(addr_, to, bytes);
        }
        const PeerAddress& address() const { return addr_; }
        void set_receiver(Receiver r) { receiver_ = std::move(r); }

    private:
        friend class LoopbackNetwork;
        LoopbackNetwork& net_;
        PeerAddress addr_;
        Receiver receiver_;
    };

    LoopbackNetwork(FakeClock& clock, std::uint64_t seed = 1);

    Port& attach(std::string_view name);
    void set_faults(const LinkFaults& f) { faults_ = f; }
    const LinkFaults& faults() const { return faults_; }
    void set_filter(Filter f) { filter_ = std::move(f); }

    // Something else with deadlines (a shim engine) to run in time order with the network.
    using DeadlineFn = std::function<std::optional<Instant>()>;
    using FireFn = std::function<void(Instant)>;
    void add_timer_source(DeadlineFn next, FireFn fire);

    // Runs deliveries and timers in time order up to `until`; the clock ends at `until`.
    void run_until(Instant until);
    void run_for(Duration d) { run_until(clock_.now() + d); }
    // Runs until `done()` holds or `limit` passes; returns whether done() held.
    bool run_until_condition(const std::function<bool()>& done, Duration limit);

    std::uint64_t sent() const { return sent_; }
    std::uint64_t dropped() const { return dropped_; }
    std::size_t in_flight() const { return queue_.size(); }

private:
    struct InFlight {
        Instant at;
        std::uint64_t seq;
        PeerAddress from;
        PeerAddress to;
        std::vector<std::byte> bytes;
        bool operator>(const InFlight& o) const {
            return at != o.at ? at > o.at : seq > o.seq;
        }
    };

    void send(const PeerAddress& from, const PeerAddress& to, std::span<const std::byte> bytes);
    void enqueue(const PeerAddress& from, const PeerAddress& to, std::span<const std::byte> bytes);
    bool step(Instant until);

    FakeClock& clock_;
    std::mt19937_64 rng_;
    LinkFaults faults_;
    Filter filter_;
    std::vector<std::unique_ptr<Port>> ports_;
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> queue_;
    std::vector<std::pair<DeadlineFn, FireFn>> timer_sources_;
    std::uint64_t seq_ = 0;
    std::uint64_t sent_ = 0;
    std::uint64_t dropped_ = 0;
};

// A shim engine on a loopback port with a static directory: the loopback IPCP.
class LoopbackIpcp {
public:
    LoopbackIpcp(LoopbackNetwork& net, std::string_view name, EngineUser& user,
                 EngineConfig config = {});

    ShimEngine& engine() { return engine_; }
    const PeerAddress& address() const { return port_.address(); }

private:
    CodecV1 codec_;
    LoopbackNetwork::Port& port_;
    ShimEngine engine_;
};

}  // namespace ogw::ipcp
