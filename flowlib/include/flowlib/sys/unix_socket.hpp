// SPDX-License-Identifier: BSD-3-Clause
// AF_UNIX SOCK_SEQPACKET sockets: listen, connect, socketpair, messages carrying fds
// (SCM_RIGHTS) and peer credentials. Every socket returned is close-on-exec.
#pragma once

#include <flowlib/result.hpp>
#include <flowlib/sys/unique_fd.hpp>

#include <sys/types.h>

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ogw {

enum class Blocking { no, yes };

// Upper bound on fds per message, on both sides.
inline constexpr std::size_t max_passed_fds = 16;

struct PeerCredentials {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

struct ReceivedMessage {
    std::size_t size = 0;  // 0 without fds: the peer closed the connection
    std::vector<UniqueFd> fds;
};

// Binds and listens at path, then sets the file's mode (e.g. 0660) before anyone can connect.
// An existing socket file at path is removed only if nothing accepts connections on it; any
// other existing file is an error (EADDRINUSE).
Result<UniqueFd> listen_unix(const std::string& path, mode_t mode,
                             Blocking blocking = Blocking::no, int backlog = 64);
// EAGAIN (non-blocking, no pending connection) is returned as an error.
Result<UniqueFd> accept_unix(int listen_fd, Blocking blocking = Blocking::no);
// Connects in blocking mode (waiting if the listener's backlog is full), then switches the
// socket to the requested mode.
Result<UniqueFd> connect_unix(const std::string& path, Blocking blocking = Blocking::no);
Result<std::pair<UniqueFd, UniqueFd>> socketpair_seqpacket(Blocking blocking = Blocking::no);

// Sends one message, with fds (at most max_passed_fds) attached when non-empty. data should not
// be empty: the receiver reads an empty message as end of connection. Never raises SIGPIPE
// (EPIPE is returned instead).
Result<std::size_t> send_with_fds(int fd, std::span<const std::byte> data,
                                  std::span<const int> fds = {});
// Receives one message into buffer, accepting at most max_fds (<= max_passed_fds) fds. A message
// longer than buffer, or carrying more fds than accepted, is an EMSGSIZE error: it is consumed,
// and the fds that came with it are closed. EAGAIN on a non-blocking socket is an error.
Result<ReceivedMessage> recv_with_fds(int fd, std::span<std::byte> buffer, std::size_t max_fds);

// The credentials of the peer process as of connect() / socketpair().
Result<PeerCredentials> peer_credentials(int fd);

}  // namespace ogw
