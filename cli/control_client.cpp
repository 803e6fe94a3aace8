// SPDX-License-Identifier: BSD-3-Clause
#include "control_client.hpp"

#include <flowlib/sys/unix_socket.hpp>
#include <flowlib/version.hpp>

#include <poll.h>

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

Result<ControlClient> ControlClient::connect(const std::string& path) {
    auto fd = connect_unix(path, Blocking::yes);
    if (!fd) {
        return unexpected(fd.error());
    }
    return ControlClient(std::move(*fd), path);
}

bool ControlClient::request(const std::string& op, json::Value args, json::Value& result,
                            RequestError& err) {
    const std::uint64_t id = next_id_++;
    json::Value req = args.is_object() ? std::move(args) : json::Value(json::Object{});
    req["v"] = control_protocol_version;
    req["id"] = id;
    req["op"] = op;
    const std::string text = json::dump(req);
    if (auto r = send_with_fds(fd_.get(), {reinterpret_cast<const std::byte*>(text.data()),
                                            text.size()});
        !r) {
        err = {RequestError::unreachable, 0, "ogwd at " + path_ + ": " + r.error().message()};
        return false;
    }
    result = json::Object{};
    std::vector<std::byte> buf(max_reply);
    while (true) {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, reply_timeout_ms) <= 0) {
            err = {RequestError::unreachable, 0, "ogwd at " + path_ + " did not answer"};
            return false;
        }
        auto msg = recv_with_fds(fd_.get(), buf, 0);
        if (!msg || msg->size == 0) {
            err = {RequestError::unreachable, 0,
                   "ogwd at " + path_ + " closed the connection"};
            return false;
        }
        auto reply = json::parse({reinterpret_cast<const char*>(buf.data()), msg->size});
        if (!reply || !reply->is_object()) {
            err = {RequestError::protocol, 0, "ogwd sent an unreadable reply"};
            return false;
        }
        if (reply->get_int("v").value_or(0) != control_protocol_version) {
            err = {RequestError::protocol, 0,
                   "control protocol version mismatch: ogw speaks " +
                       std::to_string(control_protocol_version) + ", ogwd answered version " +
                       std::to_string(reply->get_int("v").value_or(0))};
            return false;
        }
        if (reply->get_uint("id").value_or(0) != id) {
            continue;  // not ours
        }
        if (!reply->get_bool("ok").value_or(false)) {
            const int code = static_cast<int>(reply->get_int("errno").value_or(-1));
            const std::string message(reply->get_string("error").value_or("request failed"));
            err = {code == -EPROTO ? RequestError::protocol : RequestError::refused, code,
                   message};
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
