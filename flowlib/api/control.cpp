// SPDX-License-Identifier: BSD-3-Clause
#include "control.hpp"

#include "internal.hpp"

#include <flowlib/sys/unix_socket.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace ogw::flow::detail {
namespace {

// Responses are small; flow lists (chunked at 256 items) are not requested by the library.
constexpr std::size_t max_response = 64 * 1024;
// The daemon answers register/unregister at once; this only bounds a hung daemon.
constexpr auto main_request_timeout = std::chrono::seconds(10);

std::uint64_t next_request_id() {
    static std::atomic<std::uint64_t> id{0};
    return id.fetch_add(1, std::memory_order_relaxed) + 1;
}

int errno_of(const Error& e) { return e.code.value(); }

// Sets matched when response answers request id. Answers without an id are errors about the
// request itself (a protocol version mismatch), so they match too.
Result<Reply> parse_response(const json::Value& response, std::uint64_t id, UniqueFd fd,
                             bool& matched) {
    const auto got_id = response.get_uint("id");
    matched = !got_id || *got_id == id;
    const auto ok = response.get_bool("ok");
    if (!ok) {
        return fail(-EPROTO);
    }
    if (!*ok) {
        const auto code = response.get_int("errno");
        if (!code || *code >= 0 || *code < -100000) {
            return fail(-EPROTO);
        }
        return fail(static_cast<int>(*code));
    }
    if (!got_id) {
        return fail(-EPROTO);
    }
    const json::Object* result = response.get_object("result");
    Reply reply;
    reply.result = result != nullptr ? json::Value(*result) : json::Value(json::Object{});
    reply.fd = std::move(fd);
    return reply;
}

struct MainConnection {
    std::mutex mutex;
    UniqueFd fd;
};

MainConnection& main_connection() {
    // Never destroyed: threads may still use it while the process exits.
    static auto* connection = new MainConnection;
    return *connection;
}

// Whether ogwd has closed conn. Nothing is sent unasked on the main connection, so anything
// readable is stale (a response to a request that timed out) and is discarded.
bool connection_closed(int conn) {
    for (;;) {
        pollfd p{conn, POLLIN, 0};
        if (::poll(&p, 1, 0) < 0) {
            return errno != EINTR;
        }
        if ((p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
            return true;
        }
        if ((p.revents & POLLIN) == 0) {
            return false;
        }
        std::vector<std::byte> sink(max_response);
        auto received = recv_with_fds(conn, sink, max_passed_fds);
        if (received && received->size == 0 && received->fds.empty()) {
            return true;
        }
    }
}

}  // namespace

std::string daemon_socket_path() {
    const char* env = std::getenv("OGW_SOCKET");
    if (env != nullptr && *env != '\0') {
        return env;
    }
    return default_socket_path;
}

Result<UniqueFd> connect_daemon() {
    auto conn = connect_unix(daemon_socket_path(), Blocking::yes);
    if (!conn) {
        return fail(-EIRMD);
    }
    return std::move(*conn);
}

Result<Reply> transact(int conn, json::Object request, const Deadline& deadline,
                       Interruptible interruptible) {
    const std::uint64_t id = next_request_id();
    // v and id first, as in the protocol document.
    json::Object ordered{{"v", 1}, {"id", id}};
    for (const auto& [key, value] : request) {
        ordered.set(key, value);
    }
    const std::string text = json::dump(ordered);
    auto sent = send_with_fds(conn, std::as_bytes(std::span(text.data(), text.size())));
    if (!sent) {
        return fail(errno_of(sent.error()) == EMSGSIZE ? -EINVAL : -EIRMD);
    }

    std::vector<std::byte> buffer(max_response);
    for (;;) {
        if (const int w = wait_fd(conn, POLLIN, deadline); w != 0) {
            if (w == -EINTR && interruptible == Interruptible::no) {
                continue;
            }
            return fail(w == -EBADF ? -EIRMD : w);
        }
        auto received = recv_with_fds(conn, buffer, 1);
        if (!received) {
            if (errno_of(received.error()) == EMSGSIZE) {
                return fail(-EPROTO);
            }
            return fail(-EIRMD);
        }
        if (received->size == 0 && received->fds.empty()) {
            return fail(-EIRMD);
        }
        const std::string_view text_in(reinterpret_cast<const char*>(buffer.data()),
                                       received->size);
        auto response = json::parse(text_in);
        if (!response || !response->is_object()) {
            return fail(-EPROTO);
        }
        UniqueFd fd = received->fds.empty() ? UniqueFd() : std::move(received->fds.front());
        bool matched = false;
        auto reply = parse_response(*response, id, std::move(fd), matched);
        if (matched) {
            return reply;
        }
        // A late answer to an earlier request on this connection: skip it.
    }
}

Result<Reply> blocking_request(json::Object request, const Deadline& deadline) {
    auto conn = connect_daemon();
    if (!conn) {
        return unexpected(conn.error());
    }
    return transact(conn->get(), std::move(request), deadline, Interruptible::yes);
}

Result<Reply> main_request(json::Object request) {
    MainConnection& main = main_connection();
    const std::lock_guard lock(main.mutex);
    if (main.fd && connection_closed(main.fd.get())) {
        main.fd.reset();
    }
    if (!main.fd) {
        auto conn = connect_daemon();
        if (!conn) {
            return unexpected(conn.error());
        }
        main.fd = std::move(*conn);
    }
    auto reply = transact(main.fd.get(), std::move(request), now() + main_request_timeout,
                          Interruptible::no);
    if (!reply && negative_errno(reply.error()) == -EIRMD) {
        main.fd.reset();
    }
    return reply;
}

}  // namespace ogw::flow::detail
