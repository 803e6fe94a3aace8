// SPDX-License-Identifier: BSD-3-Clause
// A blocking client of ogwd's control socket (docs/control-protocol.md) for the CLI.
#pragma once

#include <flowlib/json.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <chrono>
#include <string>

namespace ogw::cli {

// Why a request failed, mapped to the CLI's exit codes.
struct RequestError {
    enum Kind { unreachable, protocol, refused } kind;
    int error = 0;  // the daemon's negative errno for `refused`
    std::string message;
};

class ControlClient {
public:
    static Result<ControlClient> connect(const std::string& path);

    // Sends one request and collects the response; chunked lists are concatenated.
    // On failure returns false and fills `err`.
    bool request(const std::string& op, json::Value args, json::Value& result,
                 RequestError& err);

private:
    explicit ControlClient(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

    UniqueFd fd_;
    std::string path_;
    std::uint64_t next_id_ = 1;
};

}  // namespace ogw::cli
