// SPDX-License-Identifier: BSD-3-Clause
#include "flow_test_support.hpp"

#include <flowlib/api/flow.hpp>

namespace ogw::test {
namespace {

using flow::Flow;
using flow::FlowState;

std::span<const std::byte> bytes(std::string_view s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(FlowCpp, AllocWriteReadDealloc) {
    FakeOgwd daemon;
    daemon.serve("oecho");
    daemon.set_max_sdu(1000);
    auto flow = Flow::alloc("oecho", qos_voice, 3s);
    ASSERT_TRUE(flow.has_value()) << flow.error().message();
    EXPECT_TRUE(flow->valid());
    EXPECT_EQ(flow->max_sdu(), 1000U);
    EXPECT_EQ(flow->name(), "oecho");
    EXPECT_TRUE(flow::operator==(flow->qos(), qos_voice));
    auto peer = daemon.next_flow();
    ASSERT_TRUE(peer.has_value());
    EXPECT_EQ(peer->request.get_uint("timeout_ms"), 3000U);

    ASSERT_TRUE(flow->write(bytes("hi")));
    EXPECT_EQ(recv_sdu(peer->fd.get()), "hi");
    send_data(peer->fd.get(), "there");
    std::array<std::byte, 16> buf{};
    auto n = flow->read(buf);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(buf.data()), *n), "there");

    ASSERT_TRUE(flow->dealloc());
    EXPECT_FALSE(flow->valid());
    EXPECT_TRUE(closed_by_app(peer->fd.get()));
}

TEST(FlowCpp, DestructorDeallocates) {
    FakeOgwd daemon;
    daemon.serve("oecho");
    UniqueFd peer;
    {
        auto flow = Flow::alloc("oecho");
        ASSERT_TRUE(flow.has_value());
        Flow moved = std::move(*flow);
        EXPECT_FALSE(flow->valid());
        EXPECT_TRUE(moved.valid());
        peer = std::move(daemon.next_flow()->fd);
    }
    EXPECT_TRUE(closed_by_app(peer.get()));
}

TEST(FlowCpp, ErrorsCarryTheErrno) {
    FakeOgwd daemon;
    daemon.serve("oecho");
    auto missing = Flow::alloc("nobody");
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code.value(), ENAME);
    EXPECT_EQ(flow::negative_errno(missing.error()), -ENAME);
    EXPECT_EQ(missing.error().code.message(), "no such name");

    auto flow = Flow::alloc("oecho");
    ASSERT_TRUE(flow.has_value());
    auto peer = daemon.next_flow();
    ASSERT_TRUE(flow->set_read_timeout(10ms));
    std::array<std::byte, 4> buf{};
    auto timed_out = flow->read(buf);
    ASSERT_FALSE(timed_out.has_value());
    EXPECT_EQ(timed_out.error().code, std::errc::timed_out);

    send_state(peer->fd.get(), FlowState::peer_deallocated);
    auto gone = flow->read(buf);
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().code.value(), EFLOWPEER);
    EXPECT_EQ(gone.error().code.message(), "flow peer gone");
    EXPECT_FALSE(flow->write(bytes("x")).has_value());
}

TEST(FlowCpp, FlagsAndAdopt) {
    FakeOgwd daemon;
    daemon.serve("oecho");
    const int fd = flow_alloc("oecho", nullptr, nullptr);
    ASSERT_GE(fd, 0);
    auto flow = Flow::adopt(fd);
    ASSERT_TRUE(flow.has_value());
    ASSERT_TRUE(flow->set_flags(FLOWFRNOBLOCK));
    EXPECT_EQ(flow->flags(), static_cast<std::uint32_t>(FLOWFRNOBLOCK | FLOWFRDWR));
    std::array<std::byte, 4> buf{};
    EXPECT_EQ(flow->read(buf).error().code, std::errc::resource_unavailable_try_again);
    EXPECT_FALSE(Flow::adopt(-1).has_value());
    EXPECT_FALSE(Flow::adopt(12345).has_value());
}

TEST(FlowCpp, AcceptAndNames) {
    FakeOgwd daemon;
    ASSERT_TRUE(flow::register_name("server"));
    EXPECT_FALSE(flow::register_name("server").has_value());
    daemon.offer("server", qos_data);
    auto flow = Flow::accept(2s);
    ASSERT_TRUE(flow.has_value());
    EXPECT_EQ(flow->name(), "server");
    EXPECT_TRUE(flow::operator==(flow->qos(), qos_data));
    EXPECT_TRUE(flow::unregister_name("server"));
    auto none = Flow::accept(10ms);
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().code.value(), ENAME);
}

}  // namespace
}  // namespace ogw::test
