// SPDX-License-Identifier: BSD-3-Clause
// oecho, oping and operf run as child processes against the fake ogwd; the test plays the
// other application through the daemon end of each flow.
#include "../common/tool_common.hpp"
#include "fake_ogwd.hpp"

#include <flowlib/qos.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace ogw::test {
namespace {

using flow::FlowState;

// A tool run as a child process, its stdout and stderr collected until it exits.
class Child {
public:
    explicit Child(std::vector<std::string> args) {
        std::array<int, 2> out{-1, -1};
        std::array<int, 2> err{-1, -1};
        if (::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(err.data(), O_CLOEXEC) != 0) {
            ADD_FAILURE() << "pipe2";
            return;
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            ::dup2(err[1], STDERR_FILENO);
            std::vector<char*> argv;
            for (auto& a : args) {
                argv.push_back(a.data());
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_.reset(out[0]);
        err_.reset(err[0]);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            (void)wait(2s);
        }
    }

    // The exit status, or -1 if the child was still running after timeout (it is then killed).
    int wait(Duration timeout = 5s) {
        const Instant deadline = SystemClock().now() + timeout;
        int status = 0;
        while (!exited_) {
            drain(2);
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                exited_ = true;
                break;
            }
            if (SystemClock().now() >= deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                exited_ = true;
                drain(0);
                return -1;
            }
        }
        while (drain(0)) {
        }
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
    }

    void signal(int sig) const { ::kill(pid_, sig); }

    // Waits until stdout contains text.
    bool wait_output(std::string_view text, Duration timeout = 5s) {
        const Instant deadline = SystemClock().now() + timeout;
        while (out_text_.find(text) == std::string::npos) {
            if (SystemClock().now() >= deadline) {
                return false;
            }
            drain(2);
        }
        return true;
    }

    const std::string& out() const { return out_text_; }
    const std::string& err() const { return err_text_; }

private:
    // Reads what is available (waiting up to ms); false when nothing was read.
    bool drain(int ms) {
        std::array<pollfd, 2> p{{{out_.get(), POLLIN, 0}, {err_.get(), POLLIN, 0}}};
        if (::poll(p.data(), p.size(), ms) <= 0) {
            return false;
        }
        bool any = false;
        std::array<char, 4096> buf{};
        for (std::size_t i = 0; i < p.size(); ++i) {
            if ((p[i].revents & (POLLIN | POLLHUP)) == 0) {
                continue;
            }
            const ssize_t n = ::read(p[i].fd, buf.data(), buf.size());
            if (n > 0) {
                (i == 0 ? out_text_ : err_text_).append(buf.data(), static_cast<std::size_t>(n));
                any = true;
            }
        }
        return any;
    }

    pid_t pid_ = -1;
    bool exited_ = false;
    int status_ = -1;
    UniqueFd out_;
    UniqueFd err_;
    std::string out_text_;
    std::string err_text_;
};

std::uint32_t get32(std::string_view s, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    }
    return v;
}

std::uint64_t get64(std::string_view s, std::size_t at) {
    return (std::uint64_t{get32(s, at)} << 32) | get32(s, at + 4);
}

void put32(std::string& s, std::size_t at, std::uint32_t v) {
    for (std::size_t i = 0; i < 4; ++i) {
        s[at + 3 - i] = static_cast<char>(v & 0xff);
        v >>= 8;
    }
}

void put64(std::string& s, std::size_t at, std::uint64_t v) {
    put32(s, at, static_cast<std::uint32_t>(v >> 32));
    put32(s, at + 4, static_cast<std::uint32_t>(v));
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(ToolOptions, Durations) {
    using tools::parse_duration;
    EXPECT_EQ(parse_duration("250ms"), Duration(250ms));
    EXPECT_EQ(parse_duration("3s"), Duration(3s));
    EXPECT_EQ(parse_duration("1.5s"), Duration(1500ms));
    EXPECT_EQ(parse_duration("0.01"), Duration(10ms));
    EXPECT_EQ(parse_duration("2"), Duration(2s));
    EXPECT_EQ(parse_duration("2m"), Duration(120s));
    EXPECT_EQ(parse_duration("1h"), Duration(3600s));
    EXPECT_EQ(parse_duration("1d"), Duration(24h));
    EXPECT_EQ(parse_duration("1y"), Duration(24h * 365));
    EXPECT_EQ(parse_duration("0"), Duration::zero());
    for (const char* bad : {"", "s", "-1s", "5x", "1e3", ".5", "1.2.3s", "300y"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(ToolOptions, RatesAndCubes) {
    EXPECT_EQ(tools::parse_rate("1000"), 1000U);
    EXPECT_EQ(tools::parse_rate("800k"), 800'000U);
    EXPECT_EQ(tools::parse_rate("10M"), 10'000'000U);
    EXPECT_EQ(tools::parse_rate("1.5G"), 1'500'000'000U);
    EXPECT_FALSE(tools::parse_rate("0").has_value());
    EXPECT_FALSE(tools::parse_rate("10T").has_value());
    EXPECT_TRUE(flow::operator==(*tools::parse_cube("best"), qos_best_effort));
    EXPECT_TRUE(flow::operator==(*tools::parse_cube("best_effort"), qos_best_effort));
    EXPECT_TRUE(flow::operator==(*tools::parse_cube("voice"), qos_voice));
    EXPECT_FALSE(tools::parse_cube("gold").has_value());
    tools::CommonOptions options;
    EXPECT_TRUE(tools::common_option("t", 'T', "3s", options));
    EXPECT_TRUE(tools::common_option("t", 'q', "video", options));
    EXPECT_EQ(options.qos().timeout, 3000U);
    EXPECT_EQ(options.qos().delay, qos_video.delay);
}

TEST(Oecho, ClientPrintsReplyThenPeerGone) {
    FakeOgwd daemon;
    daemon.serve("oecho");
    Child oecho({OECHO_PATH});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    const auto greeting = recv_sdu(flow->fd.get());
    EXPECT_EQ(greeting, "Client says hi!");
    send_data(flow->fd.get(), *greeting);
    send_state(flow->fd.get(), FlowState::peer_deallocated);
    EXPECT_EQ(oecho.wait(), 1);
    EXPECT_TRUE(contains(oecho.out(), "Server replied with Client says hi!\n")) << oecho.out();
    EXPECT_TRUE(contains(oecho.out(), "Failed to read packet: -1006.\n")) << oecho.out();
    EXPECT_TRUE(contains(oecho.err(), "flow peer gone")) << oecho.err();
}

TEST(Oecho, ClientUsesNameCubeAndTimeout) {
    FakeOgwd daemon;
    daemon.serve("echo-b");
    Child oecho({OECHO_PATH, "-n", "echo-b", "-q", "voice", "-T", "3s"});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    qosspec_t expected = qos_voice;
    expected.timeout = 3000;
    EXPECT_EQ(*flow->request.find("qos"), qos_json(expected));
    EXPECT_EQ(recv_sdu(flow->fd.get()), "Client says hi!");
    flow->fd.reset();  // ogwd gone
    EXPECT_EQ(oecho.wait(), 1);
    EXPECT_TRUE(contains(oecho.out(), "Failed to read packet: -1002.\n")) << oecho.out();
}

TEST(Oecho, ServerEchoesOneMessageAndDeallocates) {
    FakeOgwd daemon;
    Child server({OECHO_PATH, "-l", "-n", "echo-srv"});
    ASSERT_TRUE(daemon.wait_requests("flow_accept", 1, 5s));
    EXPECT_EQ(daemon.registered(), (std::set<std::string>{"echo-srv"}));
    daemon.offer("echo-srv", qos_raw);
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    send_data(flow->fd.get(), "hello");
    EXPECT_EQ(recv_sdu(flow->fd.get()), "hello");
    EXPECT_TRUE(closed_by_app(flow->fd.get()));
    EXPECT_TRUE(server.wait_output("Message from client is hello.\n"));
    server.signal(SIGTERM);
    server.wait();
}

TEST(Oecho, NoDaemon) {
    ::setenv("OGW_SOCKET", "/nonexistent/ogw-tools-test.sock", 1);
    Child oecho({OECHO_PATH});
    EXPECT_EQ(oecho.wait(), 1);
    EXPECT_TRUE(contains(oecho.err(), "ogwd unreachable (-1002)")) << oecho.err();
}

TEST(Tools, UsageErrorsExitTwo) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {OECHO_PATH, "-q", "bogus"},
             {OECHO_PATH, "extra"},
             {OPING_PATH, "-c", "0"},
             {OPING_PATH, "-s", "10"},
             {OPING_PATH, "-i", "fast"},
             {OPING_PATH, "-T", "5x"},
             {OPERF_PATH, "-r", "lots"},
             {OPERF_PATH, "-d", "0"},
             {OPERF_PATH, "-z"},
         }) {
        Child tool(args);
        EXPECT_EQ(tool.wait(), 2) << args[1] << ' ' << (args.size() > 2 ? args[2] : "");
        EXPECT_TRUE(contains(tool.err(), "Usage:")) << tool.err();
    }
}

// Answers oping requests on a flow until told to stop or the flow closes.
std::thread echo_replies(int fd, int count) {
    return std::thread([fd, count] {
        for (int i = 0; i < count; ++i) {
            auto request = recv_sdu(fd, 5s);
            if (!request || request->size() < 24) {
                return;
            }
            put32(*request, 0, 1);
            send_data(fd, *request);
        }
    });
}

TEST(Oping, ClientReportsRoundTrips) {
    FakeOgwd daemon;
    daemon.serve("oping");
    Child oping({OPING_PATH, "-n", "oping", "-c", "3", "-i", "10ms", "-s", "100"});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    std::thread echo = echo_replies(flow->fd.get(), 3);
    EXPECT_EQ(oping.wait(), 0) << oping.out() << oping.err();
    echo.join();
    const std::string& out = oping.out();
    EXPECT_TRUE(contains(out, "Pinging oping with 100 bytes of data (3 packets):")) << out;
    EXPECT_TRUE(contains(out, "100 bytes from oping: seq=0 time=")) << out;
    EXPECT_TRUE(contains(out, "100 bytes from oping: seq=2 time=")) << out;
    EXPECT_TRUE(contains(out, "--- oping ping statistics ---\n")) << out;
    EXPECT_TRUE(contains(out, "3 packets transmitted, 3 received, 0% packet loss, time ")) << out;
    EXPECT_TRUE(contains(out, "rtt min/avg/max/mdev = ")) << out;
    EXPECT_TRUE(closed_by_app(flow->fd.get()));
}

TEST(Oping, FlowFailureEndsAtOnce) {
    FakeOgwd daemon;
    daemon.serve("oping");
    Child oping({OPING_PATH, "-n", "oping", "-i", "10ms"});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    std::thread echo = echo_replies(flow->fd.get(), 2);
    echo.join();
    send_state(flow->fd.get(), FlowState::peer_deallocated);
    ::shutdown(flow->fd.get(), SHUT_RD);
    EXPECT_EQ(oping.wait(2s), 1);
    const std::string& out = oping.out();
    EXPECT_TRUE(contains(out, "Flow failed: -1006.\n")) << out;
    EXPECT_TRUE(contains(out, "--- oping ping statistics ---\n")) << out;
}

TEST(Oping, InterruptPrintsSummary) {
    FakeOgwd daemon;
    daemon.serve("oping");
    Child oping({OPING_PATH, "-n", "oping", "-i", "10ms"});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    std::thread echo = echo_replies(flow->fd.get(), 2);
    echo.join();
    ASSERT_TRUE(oping.wait_output("seq=1 "));
    oping.signal(SIGINT);
    EXPECT_EQ(oping.wait(), 0);
    EXPECT_TRUE(contains(oping.out(), "--- oping ping statistics ---\n")) << oping.out();
    EXPECT_TRUE(contains(oping.out(), " 2 received, ")) << oping.out();
}

TEST(Oping, ServerEchoesAndDropsGoneFlows) {
    FakeOgwd daemon;
    Child server({OPING_PATH, "-l"});
    ASSERT_TRUE(daemon.wait_requests("flow_accept", 1, 5s));
    daemon.offer("oping", qos_raw);
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    std::string request(64, '\0');
    put32(request, 4, 7);
    send_data(flow->fd.get(), request);
    const auto reply = recv_sdu(flow->fd.get());
    ASSERT_TRUE(reply.has_value());
    ASSERT_EQ(reply->size(), 64U);
    EXPECT_EQ(get32(*reply, 0), 1U);
    EXPECT_EQ(get32(*reply, 4), 7U);
    send_state(flow->fd.get(), FlowState::peer_deallocated);
    EXPECT_TRUE(closed_by_app(flow->fd.get()));
    EXPECT_TRUE(server.wait_output("peer gone, deallocated.\n")) << server.out();
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(), 0) << server.err();
}

TEST(Operf, ClientReportsThroughput) {
    FakeOgwd daemon;
    daemon.serve("operf");
    Child operf({OPERF_PATH, "-n", "operf", "-d", "50ms", "-s", "200", "-r", "1M"});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    for (;;) {
        auto sdu = recv_sdu(flow->fd.get(), 5s);
        ASSERT_TRUE(sdu.has_value());
        ASSERT_GE(sdu->size(), 16U);
        if (get32(*sdu, 0) == 0) {
            EXPECT_EQ(get64(*sdu, 8), packets);
            ++packets;
            bytes += sdu->size();
            continue;
        }
        ASSERT_EQ(get32(*sdu, 0), 1U);
        EXPECT_EQ(get64(*sdu, 8), packets);
        break;
    }
    // 1 Mbit/s of 200-byte packets for 50 ms: about 31.
    EXPECT_GE(packets, 20U);
    EXPECT_LE(packets, 40U);
    std::string report(24, '\0');
    put32(report, 0, 2);
    put64(report, 8, packets - 1);
    put64(report, 16, bytes - 200);
    send_data(flow->fd.get(), report);
    EXPECT_EQ(operf.wait(), 0) << operf.err();
    const std::string& out = operf.out();
    EXPECT_TRUE(contains(out, "Sending 200-byte packets to operf for 0.050 s at 1.000 Mbit/s."))
        << out;
    EXPECT_TRUE(contains(out, "--- operf throughput statistics ---\n")) << out;
    EXPECT_TRUE(contains(out, std::to_string(packets) + " packets sent, " +
                                  std::to_string(packets - 1) + " received, "))
        << out;
    EXPECT_TRUE(contains(out, "Mbit/s, received ")) << out;
}

TEST(Operf, ClientFailsWhenFlowFails) {
    FakeOgwd daemon;
    daemon.serve("operf");
    Child operf({OPERF_PATH, "-n", "operf", "-d", "10s"});
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    ASSERT_TRUE(recv_sdu(flow->fd.get()).has_value());
    ::shutdown(flow->fd.get(), SHUT_RD);
    EXPECT_EQ(operf.wait(2s), 1);
    EXPECT_TRUE(contains(operf.out(), "Flow failed: -1006.\n")) << operf.out();
}

TEST(Operf, ServerCountsAndReports) {
    FakeOgwd daemon;
    Child server({OPERF_PATH, "-l", "-n", "perf"});
    ASSERT_TRUE(daemon.wait_requests("flow_accept", 1, 5s));
    daemon.offer("perf", qos_raw);
    auto flow = daemon.next_flow();
    ASSERT_TRUE(flow.has_value());
    std::string data(100, '\0');
    for (std::uint64_t i = 0; i < 10; ++i) {
        put64(data, 8, i);
        send_data(flow->fd.get(), data);
    }
    std::string request(16, '\0');
    put32(request, 0, 1);
    put64(request, 8, 10);
    send_data(flow->fd.get(), request);
    const auto report = recv_sdu(flow->fd.get());
    ASSERT_TRUE(report.has_value());
    ASSERT_EQ(report->size(), 24U);
    EXPECT_EQ(get32(*report, 0), 2U);
    EXPECT_EQ(get64(*report, 8), 10U);
    EXPECT_EQ(get64(*report, 16), 1000U);
    flow->fd.reset();
    EXPECT_TRUE(server.wait_output("deallocated.\n")) << server.out();
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(), 0) << server.err();
}

}  // namespace
}  // namespace ogw::test
