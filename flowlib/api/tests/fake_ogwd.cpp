// SPDX-License-Identifier: BSD-3-Clause
#include "fake_ogwd.hpp"

#include <flowlib/qos_json.hpp>
#include <flowlib/sys/unix_socket.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace ogw::test {
namespace {

constexpr auto slice = std::chrono::milliseconds(5);

Instant clock_now() { return SystemClock().now(); }

std::string text_of(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool hung_up(int conn) {
    pollfd p{conn, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP | POLLERR)) != 0;
}

qosspec_t qos_from(const json::Value* v) {
    if (v == nullptr) {
        return qos_raw;
    }
    return flow::qos_from_json(*v).value_or(qos_raw);
}

}  // namespace

FakeOgwd::Answer FakeOgwd::refusal(int negative_errno) {
    Answer answer;
    answer.error = negative_errno;
    return answer;
}

FakeOgwd::Answer FakeOgwd::stopped_or(int negative_errno) const {
    Answer answer = refusal(negative_errno);
    answer.hang_up = stopping_;
    return answer;
}

json::Value qos_json(const qosspec_t& qos) { return flow::qos_to_json(qos); }

FakeOgwd::FakeOgwd() {
    std::string pattern = "/tmp/ogw-fake-ogwd-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp");
    }
    dir_ = pattern;
    path_ = dir_ + "/ogwd.sock";
    auto listener = listen_unix(path_, 0600, Blocking::yes);
    if (!listener) {
        throw std::runtime_error("listen " + path_);
    }
    listener_ = std::move(*listener);
    std::array<int, 2> pipe_fds{-1, -1};
    if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe2");
    }
    stop_read_.reset(pipe_fds[0]);
    stop_write_.reset(pipe_fds[1]);
    ::setenv("OGW_SOCKET", path_.c_str(), 1);
    listen_thread_ = std::thread([this] { listen_loop(); });
}

FakeOgwd::~FakeOgwd() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void FakeOgwd::stop() {
    {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    changed_.notify_all();
    const char byte = 0;
    (void)::write(stop_write_.get(), &byte, 1);
    if (listen_thread_.joinable()) {
        listen_thread_.join();
    }
    for (auto& t : threads_) {
        t.join();
    }
    threads_.clear();
    const std::lock_guard lock(mutex_);
    flows_.clear();
}

void FakeOgwd::serve(std::string name) {
    const std::lock_guard lock(mutex_);
    served_.insert(std::move(name));
}

void FakeOgwd::fail_alloc(std::string name, int negative_errno) {
    const std::lock_guard lock(mutex_);
    failing_[std::move(name)] = negative_errno;
}

void FakeOgwd::never_answer(std::string name) {
    const std::lock_guard lock(mutex_);
    silent_.insert(std::move(name));
}

void FakeOgwd::set_max_sdu(std::size_t max_sdu) {
    const std::lock_guard lock(mutex_);
    max_sdu_ = max_sdu;
}

void FakeOgwd::grant_qos(const qosspec_t& qos) {
    const std::lock_guard lock(mutex_);
    granted_ = qos;
}

void FakeOgwd::on(std::string op, Handler handler) {
    const std::lock_guard lock(mutex_);
    handlers_[std::move(op)] = std::move(handler);
}

void FakeOgwd::offer(std::string name, const qosspec_t& qos) {
    {
        const std::lock_guard lock(mutex_);
        offers_.emplace_back(std::move(name), qos);
    }
    changed_.notify_all();
}

std::optional<FakeFlow> FakeOgwd::next_flow(Duration timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [this] { return !flows_.empty(); })) {
        return std::nullopt;
    }
    FakeFlow flow = std::move(flows_.front());
    flows_.pop_front();
    return flow;
}

std::set<std::string> FakeOgwd::registered() const {
    const std::lock_guard lock(mutex_);
    return registered_;
}

std::vector<json::Value> FakeOgwd::requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
}

bool FakeOgwd::wait_requests(std::string_view op, std::size_t count, Duration timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        return static_cast<std::size_t>(std::count_if(
                   requests_.begin(), requests_.end(), [&](const json::Value& r) {
                       return r.get_string("op") == op;
                   })) >= count;
    });
}

std::size_t FakeOgwd::connections() const {
    const std::lock_guard lock(mutex_);
    return connections_;
}

void FakeOgwd::listen_loop() {
    for (;;) {
        std::array<pollfd, 2> p{{{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}}};
        if (::poll(p.data(), p.size(), -1) < 0) {
            continue;
        }
        if (p[1].revents != 0) {
            return;
        }
        auto conn = accept_unix(listener_.get(), Blocking::yes);
        if (!conn) {
            continue;
        }
        const std::lock_guard lock(mutex_);
        ++connections_;
        threads_.emplace_back([this, fd = conn->release()] { serve_connection(fd); });
    }
}

void FakeOgwd::serve_connection(int conn_fd) {
    const UniqueFd conn(conn_fd);
    std::vector<std::byte> buffer(64 * 1024);
    for (;;) {
        std::array<pollfd, 2> p{{{conn.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}}};
        if (::poll(p.data(), p.size(), -1) < 0) {
            continue;
        }
        if (p[1].revents != 0) {
            break;
        }
        auto received = recv_with_fds(conn.get(), buffer, max_passed_fds);
        if (!received || (received->size == 0 && received->fds.empty())) {
            break;
        }
        auto request = json::parse(text_of(std::span(buffer).first(received->size)));
        if (!request) {
            const std::string bad = R"({"v":1,"ok":false,"errno":-22,"error":"not JSON"})";
            (void)send_with_fds(conn.get(), std::as_bytes(std::span(bad.data(), bad.size())));
            continue;
        }
        {
            const std::lock_guard lock(mutex_);
            requests_.push_back(*request);
        }
        changed_.notify_all();
        RawAnswer answer = handle(conn.get(), *request);
        if (answer.text.empty()) {
            break;  // the handler hangs up
        }
        std::vector<int> fds;
        if (answer.fd) {
            fds.push_back(answer.fd.get());
        }
        (void)send_with_fds(conn.get(),
                            std::as_bytes(std::span(answer.text.data(), answer.text.size())), fds);
    }
    const std::lock_guard lock(mutex_);
    // Registrations end with the process's last connection (here: the test process's).
    if (--connections_ == 0) {
        registered_.clear();
    }
}

RawAnswer FakeOgwd::handle(int conn, const json::Value& request) {
    const std::string op(request.get_string("op").value_or(""));
    Handler handler;
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = handlers_.find(op); it != handlers_.end()) {
            handler = it->second;
        }
    }
    if (handler) {
        if (auto raw = handler(request)) {
            return std::move(*raw);
        }
    }
    Answer answer = handle_op(conn, request);
    if (answer.hang_up) {
        return RawAnswer();
    }
    json::Object body{{"v", 1}, {"id", request.get_uint("id").value_or(0)}};
    if (answer.error != 0) {
        body.set("ok", false);
        body.set("errno", answer.error);
        body.set("error", "fake ogwd refused " + op);
    } else {
        body.set("ok", true);
        body.set("result", std::move(answer.result));
    }
    return RawAnswer(json::dump(body), std::move(answer.fd));
}

FakeOgwd::Answer FakeOgwd::handle_op(int conn, const json::Value& request) {
    const std::string op(request.get_string("op").value_or(""));
    if (request.get_int("v") != 1) {
        return refusal(-EPROTO);
    }
    if (op == "register" || op == "unregister") {
        const std::string name(request.get_string("name").value_or(""));
        if (name.empty()) {
            return refusal(-EINVAL);
        }
        const std::lock_guard lock(mutex_);
        if (op == "register") {
            return refusal(registered_.insert(name).second ? 0 : -EEXIST);
        }
        return refusal(registered_.erase(name) > 0 ? 0 : -ENAME);
    }
    if (op == "flow_alloc") {
        return handle_alloc(conn, request);
    }
    if (op == "flow_accept") {
        return handle_accept(conn, request);
    }
    return refusal(-EOPNOTSUPP);
}

bool FakeOgwd::wait_while_connected(std::unique_lock<std::mutex>& lock, int conn,
                                    std::optional<Instant> deadline,
                                    const std::function<bool()>& ready) {
    for (;;) {
        if (ready()) {
            return true;
        }
        if (stopping_ || hung_up(conn) || (deadline && clock_now() >= *deadline)) {
            return false;
        }
        changed_.wait_for(lock, slice);
    }
}

FakeOgwd::Answer FakeOgwd::handle_alloc(int conn, const json::Value& request) {
    const std::string name(request.get_string("name").value_or(""));
    const auto timeout_ms = request.get_uint("timeout_ms").value_or(20000);
    std::unique_lock lock(mutex_);
    if (const auto it = failing_.find(name); it != failing_.end()) {
        return refusal(it->second);
    }
    if (silent_.count(name) > 0) {
        const Instant deadline = clock_now() + std::chrono::milliseconds(timeout_ms);
        wait_while_connected(lock, conn, deadline, [] { return false; });
        return stopped_or(-ETIMEDOUT);
    }
    if (served_.count(name) == 0) {
        return refusal(-ENAME);
    }
    const qosspec_t qos = granted_.value_or(qos_from(request.find("qos")));
    lock.unlock();
    return hand_out(request, name, qos);
}

FakeOgwd::Answer FakeOgwd::handle_accept(int conn, const json::Value& request) {
    std::optional<Instant> deadline;
    if (const auto ms = request.get_uint("timeout_ms")) {
        deadline = clock_now() + std::chrono::milliseconds(*ms);
    }
    std::unique_lock lock(mutex_);
    if (registered_.empty()) {
        return refusal(-ENAME);
    }
    if (!wait_while_connected(lock, conn, deadline, [this] { return !offers_.empty(); })) {
        return stopped_or(-ETIMEDOUT);
    }
    auto [name, qos] = std::move(offers_.front());
    offers_.pop_front();
    lock.unlock();
    return hand_out(request, std::move(name), qos);
}

FakeOgwd::Answer FakeOgwd::hand_out(const json::Value& request, std::string name,
                                    const qosspec_t& qos) {
    auto pair = socketpair_seqpacket(Blocking::yes);
    if (!pair) {
        return refusal(-ENOMEM);
    }
    const std::lock_guard lock(mutex_);
    Answer answer;
    answer.result = json::Object{
        {"flow_id", next_flow_id_++}, {"qos", qos_json(qos)}, {"max_sdu", max_sdu_},
        {"ipcp", "fake"},             {"name", name},
    };
    answer.fd = std::move(pair->first);
    flows_.push_back(FakeFlow{std::move(pair->second), std::move(name), request});
    changed_.notify_all();
    return answer;
}

void send_data(int fd, std::string_view sdu) {
    std::string message(1, '\0');
    message.append(sdu);
    (void)::send(fd, message.data(), message.size(), MSG_NOSIGNAL);
}

void send_state(int fd, flow::FlowState state) {
    const std::array<char, 2> message{1, static_cast<char>(state)};
    (void)::send(fd, message.data(), message.size(), MSG_NOSIGNAL);
}

std::optional<std::string> recv_sdu(int fd, Duration timeout) {
    pollfd p{fd, POLLIN, 0};
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
    if (::poll(&p, 1, static_cast<int>(ms)) <= 0) {
        return std::nullopt;
    }
    std::string buffer(256 * 1024, '\0');
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    // An empty SDU reads as 0, like end of file: only the hang-up tells them apart.
    if (n < 0 || (n == 0 && hung_up(fd))) {
        return std::nullopt;
    }
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
}

bool closed_by_app(int fd, Duration timeout) {
    const Instant deadline = clock_now() + timeout;
    std::array<char, 4096> sink{};
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_now());
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        const ssize_t n = ::recv(fd, sink.data(), sink.size(), MSG_DONTWAIT);
        if (n == 0 && hung_up(fd)) {
            return true;
        }
    }
}

}  // namespace ogw::test
