// SPDX-License-Identifier: BSD-3-Clause
// flow_alloc, flow_accept, registration and the control connection, against a fake ogwd.
#include "flow_test_support.hpp"

#include <flowlib/sys/unix_socket.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

extern "C" int c_api_alloc(const char* name, int timeout_ms);

namespace ogw::test {
namespace {

using flow::FlowState;

std::optional<json::Value> last_request(const FakeOgwd& daemon, std::string_view op) {
    const auto requests = daemon.requests();
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
        if (it->get_string("op") == op) {
            return *it;
        }
    }
    return std::nullopt;
}

TEST(FlowAlloc, ReturnsPollableFdAndGrantedQos) {
    FakeOgwd daemon;
    daemon.serve("oecho");
    qosspec_t granted = qos_voice;
    granted.timeout = 3000;
    daemon.grant_qos(granted);

    qosspec_t qs = qos_raw;
    const int fd = flow_alloc("oecho", &qs, nullptr);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(flow::operator==(qs, granted));

    const auto request = last_request(daemon, "flow_alloc");
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->get_string("name"), "oecho");
    EXPECT_EQ(request->get_uint("timeout_ms"), 20000U);
    EXPECT_EQ(request->get_int("v"), 1);
    ASSERT_NE(request->find("qos"), nullptr);
    EXPECT_EQ(*request->find("qos"), qos_json(qos_raw));

    auto peer = daemon.next_flow();
    ASSERT_TRUE(peer.has_value());
    EXPECT_EQ(peer->name, "oecho");
    send_data(peer->fd.get(), "x");
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 2000), 1);
    EXPECT_EQ(flow_dealloc(fd), 0);
}

TEST(FlowAlloc, SendsRequestedQosAndTimeout) {
    FakeOgwd daemon;
    daemon.serve("video");
    qosspec_t qs = qos_video;
    qs.timeout = 50;
    const timespec timeo = ms_timespec(1500);
    const int fd = flow_alloc("video", &qs, &timeo);
    ASSERT_GE(fd, 0);
    const auto request = last_request(daemon, "flow_alloc");
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->get_uint("timeout_ms"), 1500U);
    EXPECT_EQ(*request->find("qos"), qos_json(qs));
    EXPECT_EQ(qs.timeout, 50U);
    flow_dealloc(fd);
}

TEST(FlowAlloc, UnknownNameIsEname) {
    FakeOgwd daemon;
    EXPECT_EQ(flow_alloc("nobody", nullptr, nullptr), -ENAME);
}

TEST(FlowAlloc, DaemonErrorIsReturned) {
    FakeOgwd daemon;
    daemon.fail_alloc("broken", -EIPCP);
    EXPECT_EQ(flow_alloc("broken", nullptr, nullptr), -EIPCP);
}

TEST(FlowAlloc, TimeoutIsEtimedout) {
    FakeOgwd daemon;
    daemon.never_answer("slow");
    const timespec timeo = ms_timespec(20);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(flow_alloc("slow", nullptr, &timeo), -ETIMEDOUT);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    const auto request = last_request(daemon, "flow_alloc");
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->get_uint("timeout_ms"), 20U);
}

TEST(FlowAlloc, InvalidArguments) {
    FakeOgwd daemon;
    EXPECT_EQ(flow_alloc(nullptr, nullptr, nullptr), -EINVAL);
    const timespec bad{0, 2'000'000'000};
    EXPECT_EQ(flow_alloc("oecho", nullptr, &bad), -EINVAL);
    const timespec negative{-1, 0};
    EXPECT_EQ(flow_accept(nullptr, &negative), -EINVAL);
    EXPECT_EQ(flow_join("layer", nullptr), -ENOTSUP);
}

TEST(FlowAlloc, MalformedAnswersAreEproto) {
    FakeOgwd daemon;
    daemon.on("flow_alloc", [](const json::Value& request) -> std::optional<RawAnswer> {
        const auto id = request.get_uint("id").value_or(0);
        if (request.get_string("name") == "nofd") {
            return RawAnswer(json::dump(json::Object{
                {"v", 1}, {"id", id}, {"ok", true}, {"result", json::Object{{"max_sdu", 100}}}}));
        }
        if (request.get_string("name") == "nosdu") {
            auto pair = socketpair_seqpacket(Blocking::yes);
            return RawAnswer(json::dump(json::Object{
                                 {"v", 1}, {"id", id}, {"ok", true}, {"result", json::Object{}}}),
                             std::move(pair->first));
        }
        return RawAnswer("not json");
    });
    EXPECT_EQ(flow_alloc("nofd", nullptr, nullptr), -EPROTO);
    EXPECT_EQ(flow_alloc("nosdu", nullptr, nullptr), -EPROTO);
    EXPECT_EQ(flow_alloc("garbage", nullptr, nullptr), -EPROTO);
}

TEST(FlowAlloc, DaemonHangingUpIsEirmd) {
    FakeOgwd daemon;
    daemon.on("flow_alloc",
              [](const json::Value&) { return std::optional<RawAnswer>(RawAnswer()); });
    EXPECT_EQ(flow_alloc("oecho", nullptr, nullptr), -EIRMD);
}

TEST(FlowAlloc, NoDaemonIsEirmd) {
    ::setenv("OGW_SOCKET", "/nonexistent/ogw-test/ogwd.sock", 1);
    EXPECT_EQ(flow_alloc("oecho", nullptr, nullptr), -EIRMD);
    EXPECT_EQ(flow_accept(nullptr, nullptr), -EIRMD);
    EXPECT_EQ(ogw_register("oecho"), -EIRMD);
    EXPECT_EQ(ogw_unregister("oecho"), -EIRMD);
    EXPECT_EQ(c_api_alloc("oecho", 100), -EIRMD);
}

TEST(FlowAlloc, CallableFromC) {
    FakeOgwd daemon;
    daemon.serve("from-c");
    const int fd = c_api_alloc("from-c", 1000);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(daemon.next_flow()->request.get_uint("timeout_ms"), 1000U);
    EXPECT_EQ(flow_dealloc(fd), 0);
}

TEST(Register, RegistersAndUnregistersNames) {
    FakeOgwd daemon;
    EXPECT_EQ(ogw_register("oping"), 0);
    EXPECT_EQ(ogw_register("oping"), -EEXIST);
    EXPECT_EQ(ogw_register("operf"), 0);
    EXPECT_EQ(daemon.registered(), (std::set<std::string>{"oping", "operf"}));
    EXPECT_EQ(ogw_unregister("oping"), 0);
    EXPECT_EQ(daemon.registered(), (std::set<std::string>{"operf"}));
    EXPECT_EQ(ogw_register(nullptr), -EINVAL);
    EXPECT_EQ(ogw_register(""), -EINVAL);
}

TEST(Register, UsesOnePersistentConnection) {
    FakeOgwd daemon;
    ASSERT_EQ(ogw_register("a"), 0);
    ASSERT_EQ(ogw_register("b"), 0);
    ASSERT_EQ(ogw_unregister("b"), 0);
    EXPECT_EQ(daemon.connections(), 1U);
    // The registration is still held: nothing closed the connection.
    EXPECT_EQ(daemon.registered(), (std::set<std::string>{"a"}));
}

TEST(Register, ReconnectsAfterDaemonRestart) {
    auto first = std::make_unique<FakeOgwd>();
    ASSERT_EQ(ogw_register("svc"), 0);
    first.reset();
    FakeOgwd second;
    EXPECT_EQ(ogw_register("svc"), 0);
    EXPECT_EQ(second.registered(), (std::set<std::string>{"svc"}));
}

TEST(FlowAccept, ReturnsOfferedFlowWithRequesterQos) {
    FakeOgwd daemon;
    ASSERT_EQ(ogw_register("server"), 0);
    qosspec_t offered = qos_data;
    offered.timeout = 5000;
    daemon.offer("server", offered);
    qosspec_t qs = qos_raw;
    const int fd = flow_accept(&qs, nullptr);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(flow::operator==(qs, offered));
    const auto request = last_request(daemon, "flow_accept");
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->find("timeout_ms"), nullptr);
    auto peer = daemon.next_flow();
    ASSERT_TRUE(peer.has_value());
    EXPECT_EQ(write_string(fd, "hi"), 2);
    EXPECT_EQ(recv_sdu(peer->fd.get()), "hi");
    EXPECT_EQ(flow_dealloc(fd), 0);
}

TEST(FlowAccept, TimeoutIsEtimedout) {
    FakeOgwd daemon;
    ASSERT_EQ(ogw_register("server"), 0);
    const timespec timeo = ms_timespec(20);
    EXPECT_EQ(flow_accept(nullptr, &timeo), -ETIMEDOUT);
    EXPECT_EQ(last_request(daemon, "flow_accept")->get_uint("timeout_ms"), 20U);
}

TEST(FlowAccept, WithoutRegisteredNameIsEname) {
    FakeOgwd daemon;
    EXPECT_EQ(flow_accept(nullptr, nullptr), -ENAME);
}

TEST(FlowAccept, BlockedAcceptDoesNotBlockOtherThreads) {
    FakeOgwd daemon;
    daemon.serve("other");
    ASSERT_EQ(ogw_register("server"), 0);
    auto accepted = std::async(std::launch::async, [] { return flow_accept(nullptr, nullptr); });
    ASSERT_TRUE(daemon.wait_requests("flow_accept", 1));

    // While one thread waits in flow_accept, others allocate and register.
    const int other = flow_alloc("other", nullptr, nullptr);
    EXPECT_GE(other, 0);
    EXPECT_EQ(ogw_register("second"), 0);
    EXPECT_EQ(accepted.wait_for(0s), std::future_status::timeout);

    daemon.offer("server", qos_raw);
    const int fd = await(accepted);
    EXPECT_GE(fd, 0);
    EXPECT_NE(fd, other);
    flow_dealloc(fd);
    flow_dealloc(other);
}

TEST(FlowAccept, DaemonStopWakesBlockedAccept) {
    FakeOgwd daemon;
    ASSERT_EQ(ogw_register("server"), 0);
    auto accepted = std::async(std::launch::async, [] { return flow_accept(nullptr, nullptr); });
    ASSERT_TRUE(daemon.wait_requests("flow_accept", 1));
    daemon.stop();
    EXPECT_EQ(await(accepted), -EIRMD);
}

}  // namespace
}  // namespace ogw::test
