// SPDX-License-Identifier: BSD-3-Clause
// The library's side of the ogwd control protocol (docs/control-protocol.md): JSON requests
// over AF_UNIX SOCK_SEQPACKET, answers that may carry one fd.
#pragma once

#include "wait.hpp"

#include <flowlib/json.hpp>
#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <string>

namespace ogw::flow::detail {

inline constexpr const char* default_socket_path = "/run/ogw/ogwd.sock";

// $OGW_SOCKET, or the default path.
std::string daemon_socket_path();

struct Reply {
    json::Value result;  // the response's "result" object
    UniqueFd fd;         // the fd attached to the response, if any
};

// A new connection to ogwd. Errors: -EIRMD.
Result<UniqueFd> connect_daemon();

enum class Interruptible { no, yes };

// Sends request (v and id are added) on conn and waits for its response until deadline.
// Errors: the response's errno, -EIRMD (connection lost), -EPROTO (malformed response),
// -ETIMEDOUT, and -EINTR when a signal handler ran during an interruptible wait.
Result<Reply> transact(int conn, json::Object request, const Deadline& deadline,
                       Interruptible interruptible);

// A request that may block (flow_alloc, flow_accept): on a connection of its own, so that
// other threads are not held up; closing it cancels the request.
Result<Reply> blocking_request(json::Object request, const Deadline& deadline);

// A request on the process's persistent connection, which holds its registrations. Created on
// first use, and again when ogwd has closed it. Signals do not interrupt it: the request may
// have taken effect, and ogwd answers at once.
Result<Reply> main_request(json::Object request);

}  // namespace ogw::flow::detail
