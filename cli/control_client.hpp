// SPDX-License-Identifier: BSD-3-Clause
// A blocking client of ogwd's control socket (docs/control-protocol.md) for the CLI.
#pragma once

#include <flowlib/json.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <cstdint>
#include <string>

namespace ogw::cli {

// Why a request failed, mapped to the CLI's exit codes.
struct RequestError {
    enum Kind { unreachable, protocol, refused } kind = refused;
    int error = 0;  // the daemon's negative errno for `refused`
    std::string message;
};

class ControlClient {
public:
    // Connects and says `hello`: fails with `protocol` when the daemon speaks another control
    // protocol version, with `unreachable` when nobody answers at `path`.
    static bool open(const std::string& path, ControlClient& out, RequestError& err);

    // Sends one request and collects the response; chunked lists are concatenated.
    // On failure returns false and fills `err`.
    bool request(const std::string& op, json::Value args, json::Value& result, RequestError& err);

    // The daemon's answer to `hello` ({"daemon", "version", "protocol", "node", "pid"}).
    const json::Value& hello() const { return hello_; }
    const std::string& path() const { return path_; }

    ControlClient() = default;

private:
    ControlClient(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

    bool receive_reply(std::uint64_t id, json::Value& result, RequestError& err);

    UniqueFd fd_;
    std::string path_;
    std::uint64_t next_id_ = 1;
    json::Value hello_;
};

}  // namespace ogw::cli
