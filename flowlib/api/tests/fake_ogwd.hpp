// SPDX-License-Identifier: BSD-3-Clause
// A scripted stand-in for ogwd, run on threads of the test process: it listens on a temporary
// socket, points OGW_SOCKET at it, answers the application ops of docs/control-protocol.md and
// hands out one end of a socketpair as each flow; the test drives the other end.
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/flow_state.hpp>
#include <flowlib/json.hpp>
#include <flowlib/sys/unique_fd.hpp>
#include <ogw/qos.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ogw::test {

using namespace std::chrono_literals;

// The daemon's end of a flow it handed out.
struct FakeFlow {
    UniqueFd fd;
    std::string name;
    json::Value request;  // the flow_alloc or flow_accept request
};

// A raw answer: the text is sent as is, with the fd attached if valid.
// An empty text hangs up instead.
struct RawAnswer {
    explicit RawAnswer(std::string answer = {}, UniqueFd answer_fd = {})
        : text(std::move(answer)), fd(std::move(answer_fd)) {}

    std::string text;
    UniqueFd fd;
};

class FakeOgwd {
public:
    // Overrides the answer to an op; return nullopt to answer as usual.
    using Handler = std::function<std::optional<RawAnswer>(const json::Value& request)>;

    FakeOgwd();
    FakeOgwd(const FakeOgwd&) = delete;
    FakeOgwd& operator=(const FakeOgwd&) = delete;
    ~FakeOgwd();

    const std::string& socket_path() const { return path_; }

    // flow_alloc to name succeeds; other names get -ENAME.
    void serve(std::string name);
    // flow_alloc to name fails with this errno.
    void fail_alloc(std::string name, int negative_errno);
    // flow_alloc to name is answered -ETIMEDOUT once its timeout_ms has passed, as ogwd does.
    void never_answer(std::string name);
    void set_max_sdu(std::size_t max_sdu);
    // The qos granted to flow_alloc requests (default: the requested one).
    void grant_qos(const qosspec_t& qos);
    void on(std::string op, Handler handler);

    // A flow for name arrives for flow_accept.
    void offer(std::string name, const qosspec_t& qos);

    // The daemon end of the next flow handed out, waiting up to timeout.
    std::optional<FakeFlow> next_flow(Duration timeout = 2s);

    std::set<std::string> registered() const;
    // Every request received so far, in order.
    std::vector<json::Value> requests() const;
    // Waits until count requests with this op have been received.
    bool wait_requests(std::string_view op, std::size_t count, Duration timeout = 2s) const;
    std::size_t connections() const;

    // Closes every connection and the listener: ogwd has stopped.
    void stop();

private:
    struct Answer {
        int error = 0;  // negative errno, or 0 with result
        json::Value result = json::Object{};
        UniqueFd fd;
        bool hang_up = false;  // the daemon stops: close the connection without answering
    };

    static Answer refusal(int negative_errno);
    // With mutex_ held: a hang-up if the daemon is stopping, else the refusal.
    Answer stopped_or(int negative_errno) const;

    void listen_loop();
    void serve_connection(int conn);
    RawAnswer handle(int conn, const json::Value& request);
    Answer handle_op(int conn, const json::Value& request);
    Answer handle_alloc(int conn, const json::Value& request);
    Answer handle_accept(int conn, const json::Value& request);
    Answer hand_out(const json::Value& request, std::string name, const qosspec_t& qos);
    // Waits (with mutex_ held by lock) until ready() or deadline; false if the client hung
    // up or the daemon stops first.
    bool wait_while_connected(std::unique_lock<std::mutex>& lock, int conn,
                              std::optional<Instant> deadline, const std::function<bool()>& ready);

    std::string dir_;
    std::string path_;
    UniqueFd listener_;
    UniqueFd stop_read_;
    UniqueFd stop_write_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool stopping_ = false;
    std::set<std::string> served_;
    std::map<std::string, int> failing_;
    std::set<std::string> silent_;
    std::size_t max_sdu_ = 1500;
    std::optional<qosspec_t> granted_;
    std::map<std::string, Handler> handlers_;
    std::set<std::string> registered_;
    std::deque<std::pair<std::string, qosspec_t>> offers_;
    std::deque<FakeFlow> flows_;
    std::vector<json::Value> requests_;
    std::uint64_t next_flow_id_ = 1;
    std::size_t connections_ = 0;
    std::vector<int> open_connections_;

    std::vector<std::thread> threads_;
    std::thread listen_thread_;
};

// Driving the daemon end of a flow.
void send_data(int fd, std::string_view sdu);
void send_state(int fd, flow::FlowState state);
// One SDU the application wrote, or nullopt after timeout or at end of file.
std::optional<std::string> recv_sdu(int fd, Duration timeout = 2s);
// Whether the application closed its end (flow_dealloc), within timeout.
bool closed_by_app(int fd, Duration timeout = 2s);

json::Value qos_json(const qosspec_t& qos);

}  // namespace ogw::test
