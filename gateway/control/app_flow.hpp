// SPDX-License-Identifier: BSD-3-Clause
// The bridge between one flow and the application that owns it: a SOCK_SEQPACKET pair whose
// other end the application holds (docs/control-protocol.md, "The flow socket").
#pragma once

#include "node/node.hpp"

#include <flowlib/sys/event_loop.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace ogw::gw {

class AppFlow final : public FlowOwner {
public:
    using Closed = std::function<void(std::uint64_t flow_id)>;

    // Creates the socket pair, takes ownership of `flow` and returns the application's end.
    static Result<std::pair<std::unique_ptr<AppFlow>, UniqueFd>> create(Node& node,
                                                                        EventLoop& loop,
                                                                        NodeFlow& flow,
                                                                        Closed on_closed);
    ~AppFlow() override;
    AppFlow(const AppFlow&) = delete;
    AppFlow& operator=(const AppFlow&) = delete;

    void on_flow_data(NodeFlow& flow, std::span<std::byte> sdu) override;
    void on_flow_state(NodeFlow& flow, flow::FlowState from, flow::FlowState to) override;

    std::uint64_t dropped_to_app() const { return dropped_to_app_; }
    std::uint64_t dropped_from_app() const { return dropped_from_app_; }

private:
    AppFlow(Node& node, EventLoop& loop, std::uint64_t flow_id, UniqueFd fd, Closed on_closed);
    void on_socket(std::uint32_t events);
    void read_from_app(std::uint32_t events);
    void flush_states();
    void update_interest();
    void app_gone();

    Node& node_;
    EventLoop& loop_;
    std::uint64_t flow_id_;
    UniqueFd fd_;
    Closed on_closed_;
    std::deque<std::uint8_t> pending_states_;  // state messages the socket could not take yet
    bool reading_ = true;
    bool gone_ = false;
    std::uint64_t dropped_to_app_ = 0;
    std::uint64_t dropped_from_app_ = 0;
};

}  // namespace ogw::gw
