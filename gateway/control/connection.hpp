// SPDX-License-Identifier: BSD-3-Clause
// One client of the control socket: buffered output of JSON messages (each may carry a file
// descriptor), and the state of its blocking request.
#pragma once

#include <flowlib/json.hpp>
#include <flowlib/sys/unique_fd.hpp>
#include <flowlib/sys/unix_socket.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace ogw::gw {

class Connection {
public:
    Connection(std::uint64_t id, UniqueFd fd, PeerCredentials cred)
        : id_(id), fd_(std::move(fd)), cred_(cred) {}

    std::uint64_t id() const { return id_; }
    int fd() const { return fd_.get(); }
    pid_t pid() const { return cred_.pid; }
    uid_t uid() const { return cred_.uid; }
    gid_t gid() const { return cred_.gid; }

    // Queues a message; sends what the socket takes now. False if the client is gone.
    bool send(const json::Value& msg, UniqueFd attached = {});
    bool flush();
    bool wants_write() const { return !out_.empty(); }

    void reply_ok(std::uint64_t request, json::Value result, UniqueFd attached = {});
    void reply_error(std::uint64_t request, int error, const std::string& text);
    // A list in chunks of at most 256 items under result[key], "more": true on all but the last.
    void reply_list(std::uint64_t request, const std::string& key, json::Array items);

    // A blocking request (flow_alloc, flow_accept) is in progress: later requests wait.
    bool busy = false;
    std::uint64_t busy_request = 0;
    std::uint64_t pending_alloc = 0;  // node flow id of an allocation in progress
    std::deque<json::Value> deferred;
    // The client's supplementary groups (SO_PEERGROUPS), for control/access.hpp.
    std::vector<gid_t> groups;

private:
    std::uint64_t id_;
    UniqueFd fd_;
    PeerCredentials cred_;
    std::deque<std::pair<std::string, UniqueFd>> out_;
    std::size_t queued_bytes_ = 0;
    bool failed_ = false;
};

}  // namespace ogw::gw
