// SPDX-License-Identifier: BSD-3-Clause
#include "control/connection.hpp"

#include <flowlib/log.hpp>
#include <flowlib/version.hpp>

namespace ogw::gw {
namespace {

constexpr std::size_t chunk_items = 256;
// A client that stops reading its answers is cut off rather than let grow ogwd's memory: far
// more than a listing of 100,000 sessions.
constexpr std::size_t max_queued_bytes = 64 * 1024 * 1024;

json::Value envelope(std::uint64_t request, bool ok) {
    return json::Object{{"v", control_protocol_version}, {"id", request}, {"ok", ok}};
}

}  // namespace

bool Connection::send(const json::Value& msg, UniqueFd attached) {
    if (failed_) {
        return false;
    }
    std::string text = json::dump(msg);
    if (queued_bytes_ + text.size() > max_queued_bytes) {
        OGW_LOG_RATELIMITED(warn, "control")
            << "a client (pid " << pid() << ") does not read its answers: "
            << queued_bytes_ << " bytes queued; closing its connection";
        failed_ = true;
        out_.clear();
        queued_bytes_ = 0;
        return false;
    }
    queued_bytes_ += text.size();
    out_.emplace_back(std::move(text), std::move(attached));
    return flush();
}

bool Connection::flush() {
    while (!failed_ && !out_.empty()) {
        auto& [text, fd] = out_.front();
        const int fds[1] = {fd.get()};
        auto sent = send_with_fds(fd_.get(),
                                  {reinterpret_cast<const std::byte*>(text.data()), text.size()},
                                  fd ? std::span<const int>(fds) : std::span<const int>());
        if (!sent) {
            const int err = sent.error().code.value();
            if (err == EAGAIN || err == EWOULDBLOCK) {
                return true;
            }
            failed_ = true;
            out_.clear();
            queued_bytes_ = 0;
            return false;
        }
        queued_bytes_ -= text.size();
        out_.pop_front();
    }
    return !failed_;
}

void Connection::reply_ok(std::uint64_t request, json::Value result, UniqueFd attached) {
    json::Value msg = envelope(request, true);
    msg["result"] = std::move(result);
    send(msg, std::move(attached));
}

void Connection::reply_error(std::uint64_t request, int error, const std::string& text) {
    json::Value msg = envelope(request, false);
    msg["errno"] = error;
    msg["error"] = text;
    send(msg);
}

void Connection::reply_list(std::uint64_t request, const std::string& key, json::Array items) {
    std::size_t start = 0;
    do {
        const std::size_t end = std::min(items.size(), start + chunk_items);
        json::Array chunk(std::make_move_iterator(items.begin() + static_cast<long>(start)),
                          std::make_move_iterator(items.begin() + static_cast<long>(end)));
        json::Value msg = envelope(request, true);
        json::Value result = json::Object{};
        result[key] = std::move(chunk);
        msg["result"] = std::move(result);
        if (end < items.size()) {
            msg["more"] = true;
        }
        if (!send(msg)) {
            return;
        }
        start = end;
    } while (start < items.size());
}

}  // namespace ogw::gw
