// SPDX-License-Identifier: BSD-3-Clause
#include "control_client.hpp"

#include "handshake.hpp"

#include <flowlib/sys/unix_socket.hpp>
#include <flowlib/version.hpp>

#include <poll.h>

#include <cerrno>
#include <vector>

namespace ogw::cli {
namespace {

constexpr int reply_timeout_ms = 10'000;
constexpr std::size_t max_reply = 1 << 20;

void merge_chunk(json::Value& into, const json::Value& chunk) {
    if (!chunk.is_object()) {
        return;
    }
    for (const auto& [key, value] : chunk.as_object()) {
        json::Value* existing = into.find(key);
        if (existing != nullptr && existing->is_array() && value.is_array()) {
            for (const auto& item : value.as_array()) {
                existing->push_back(item);
            }
        } else {
            into[key] = value;
        }
    }
}

}  // namespace

bool ControlClient::open(const std::string& path, ControlClient& out, RequestError& err) {
    auto fd = connect_unix(path, Blocking::yes);
    if (!fd) {
        err = {RequestError::unreachable, 0, "ogwd at " + path + ": " + fd.error().message()};
        return false;
    }
    ControlClient client(std::move(*fd), path);
    json::Value hello;
    if (!client.request("hello", json::Object{}, hello, err)) {
        if (err.kind == RequestError::refused && err.error == -EOPNOTSUPP) {
            err = {RequestError::protocol, err.error, version_mismatch_message(path, 0)};
        }
        return false;
    }
    if (auto mismatch = protocol_mismatch(hello, path)) {
        err = {RequestError::protocol, 0, std::move(*mismatch)};
        return false;
    }
    client.hello_ = std::move(hello);
    out = std::move(client);
    return true;
}

bool ControlClient::request(const std::string& op, json::Value args, json::Value& result,
                            RequestError& err) {
    json::Value req = args.is_object() ? std::move(args) : json::Value(json::Object{});
    const std::uint64_t id = next_id_++;
    req["v"] = control_protocol_version;
    req["id"] = id;
    req["op"] = op;
    const std::string text = json::dump(req);
    if (auto r = send_with_fds(fd_.get(),
                               {reinterpret_cast<const std::byte*>(text.data()), text.size()});
        !r) {
        err = {RequestError::unreachable, 0, "ogwd at " + path_ + ": " + r.error().message()};
        return false;
    }
    result = json::Object{};
    return receive_reply(id, result, err);
}

bool ControlClient::receive_reply(std::uint64_t id, json::Value& result, RequestError& err) {
    std::vector<std::byte> buf(max_reply);
    while (true) {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, reply_timeout_ms) <= 0) {
            err = {RequestError::unreachable, 0, "ogwd at " + path_ + " did not answer"};
            return false;
        }
        auto msg = recv_with_fds(fd_.get(), buf, 0);
        if (!msg || msg->size == 0) {
            err = {RequestError::unreachable, 0, "ogwd at " + path_ + " closed the connection"};
            return false;
        }
        auto reply = json::parse({reinterpret_cast<const char*>(buf.data()), msg->size});
        if (!reply || !reply->is_object()) {
            err = {RequestError::protocol, 0, "ogwd at " + path_ + " sent an unreadable reply"};
            return false;
        }
        const std::int64_t version = reply->get_int("v").value_or(0);
        const int code = static_cast<int>(reply->get_int("errno").value_or(0));
        if (version != control_protocol_version || code == -EPROTO) {
            err = {
                RequestError::protocol, code,
                version_mismatch_message(path_, version != control_protocol_version ? version : 0)};
            return false;
        }
        if (reply->get_uint("id").value_or(0) != id) {
            continue;  // not ours
        }
        if (!reply->get_bool("ok").value_or(false)) {
            err = {RequestError::refused, code != 0 ? code : -EIO,
                   std::string(reply->get_string("error").value_or("request failed"))};
            return false;
        }
        if (const json::Value* r = reply->find("result")) {
            merge_chunk(result, *r);
        }
        if (!reply->get_bool("more").value_or(false)) {
            return true;
        }
    }
}

}  // namespace ogw::cli
