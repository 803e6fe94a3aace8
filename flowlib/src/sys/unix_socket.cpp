// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/sys/unix_socket.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace ogw {
namespace {

// The CMSG_* macros are written with C casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wcast-align"
constexpr std::size_t control_space(std::size_t n_fds) {
    return CMSG_SPACE(n_fds * sizeof(int));
}
constexpr std::size_t control_len(std::size_t n_fds) {
    return CMSG_LEN(n_fds * sizeof(int));
}
cmsghdr* first_header(msghdr* msg) {
    return CMSG_FIRSTHDR(msg);
}
cmsghdr* next_header(msghdr* msg, cmsghdr* header) {
    return CMSG_NXTHDR(msg, header);
}
unsigned char* header_data(cmsghdr* header) {
    return CMSG_DATA(header);
}
#pragma GCC diagnostic pop

struct alignas(cmsghdr) ControlBuffer {
    std::array<std::byte, control_space(max_passed_fds)> bytes{};
};

int socket_flags(Blocking blocking) {
    return SOCK_CLOEXEC | (blocking == Blocking::no ? SOCK_NONBLOCK : 0);
}

std::string fd_where(const char* what, int fd) {
    return std::string(what) + " fd " + std::to_string(fd);
}

Result<sockaddr_un> make_address(const std::string& path, const std::string& where) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.find('\0') != std::string::npos) {
        return unexpected(Error::from_errno(EINVAL, where));
    }
    if (path.size() >= sizeof addr.sun_path) {
        return unexpected(Error::from_errno(ENAMETOOLONG, where));
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    return addr;
}

const sockaddr* as_sockaddr(const sockaddr_un& addr) {
    return reinterpret_cast<const sockaddr*>(&addr);
}

Result<void> set_blocking(int fd, Blocking blocking, const std::string& where) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) {
        return unexpected(Error::last(where));
    }
    const int wanted = blocking == Blocking::no ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) != 0) {
        return unexpected(Error::last(where));
    }
    return {};
}

// bind() failed with EADDRINUSE. Removes the socket file at path if nothing listens on it.
Result<void> remove_stale_socket(const std::string& path, const sockaddr_un& addr) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return {};
        }
        return unexpected(Error::last("stat " + path));
    }
    if (!S_ISSOCK(st.st_mode)) {
        return unexpected(Error::from_errno(EADDRINUSE, "listen " + path + " (not a socket)"));
    }
    const UniqueFd probe(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!probe) {
        return unexpected(Error::last("socket for " + path));
    }
    if (::connect(probe.get(), as_sockaddr(addr), sizeof addr) == 0 || errno == EAGAIN ||
        errno == EPROTOTYPE) {
        return unexpected(Error::from_errno(EADDRINUSE, "listen " + path + " (in use)"));
    }
    if (errno == ENOENT) {
        return {};
    }
    if (errno != ECONNREFUSED) {
        return unexpected(Error::last("probe " + path));
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return unexpected(Error::last("unlink stale " + path));
    }
    return {};
}

}  // namespace

Result<UniqueFd> listen_unix(const std::string& path, mode_t mode, Blocking blocking,
                             int backlog) {
    auto addr = make_address(path, "listen " + path);
    if (!addr) {
        return unexpected(addr.error());
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | socket_flags(blocking), 0));
    if (!fd) {
        return unexpected(Error::last("socket for " + path));
    }
    if (::bind(fd.get(), as_sockaddr(*addr), sizeof *addr) != 0) {
        if (errno != EADDRINUSE) {
            return unexpected(Error::last("bind " + path));
        }
        if (auto r = remove_stale_socket(path, *addr); !r) {
            return unexpected(r.error());
        }
        if (::bind(fd.get(), as_sockaddr(*addr), sizeof *addr) != 0) {
            return unexpected(Error::last("bind " + path));
        }
    }
    // Connecting fails until listen(), so the mode is in place before the first client.
    if (::chmod(path.c_str(), mode) != 0) {
        Error error = Error::last("chmod " + path);
        ::unlink(path.c_str());
        return unexpected(std::move(error));
    }
    if (::listen(fd.get(), backlog) != 0) {
        Error error = Error::last("listen " + path);
        ::unlink(path.c_str());
        return unexpected(std::move(error));
    }
    return fd;
}

Result<UniqueFd> accept_unix(int listen_fd, Blocking blocking) {
    int fd = -1;
    do {
        fd = ::accept4(listen_fd, nullptr, nullptr, socket_flags(blocking));
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return unexpected(Error::last(fd_where("accept", listen_fd)));
    }
    return UniqueFd(fd);
}

Result<UniqueFd> connect_unix(const std::string& path, Blocking blocking) {
    const std::string where = "connect " + path;
    auto addr = make_address(path, where);
    if (!addr) {
        return unexpected(addr.error());
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd) {
        return unexpected(Error::last("socket for " + path));
    }
    int rc = 0;
    do {
        rc = ::connect(fd.get(), as_sockaddr(*addr), sizeof *addr);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        return unexpected(Error::last(where));
    }
    if (auto r = set_blocking(fd.get(), blocking, where); !r) {
        return unexpected(r.error());
    }
    return fd;
}

Result<std::pair<UniqueFd, UniqueFd>> socketpair_seqpacket(Blocking blocking) {
    std::array<int, 2> fds{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | socket_flags(blocking), 0, fds.data()) != 0) {
        return unexpected(Error::last("socketpair"));
    }
    return std::pair<UniqueFd, UniqueFd>{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<std::size_t> send_with_fds(int fd, std::span<const std::byte> data,
                                  std::span<const int> fds) {
    if (fds.size() > max_passed_fds) {
        return unexpected(Error{make_error_code(errc::too_big), fd_where("sendmsg", fd)});
    }
    iovec iov{};
    iov.iov_base = const_cast<std::byte*>(data.data());
    iov.iov_len = data.size();
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ControlBuffer control;
    if (!fds.empty()) {
        msg.msg_control = control.bytes.data();
        msg.msg_controllen = control_space(fds.size());
        cmsghdr* header = first_header(&msg);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = control_len(fds.size());
        std::memcpy(header_data(header), fds.data(), fds.size_bytes());
    }
    ssize_t n = 0;
    do {
        n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return unexpected(Error::last(fd_where("sendmsg", fd)));
    }
    return static_cast<std::size_t>(n);
}

Result<ReceivedMessage> recv_with_fds(int fd, std::span<std::byte> buffer, std::size_t max_fds) {
    if (max_fds > max_passed_fds) {
        return unexpected(Error::from_errno(EINVAL, fd_where("recvmsg", fd)));
    }
    iovec iov{};
    iov.iov_base = buffer.data();
    iov.iov_len = buffer.size();
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ControlBuffer control;
    if (max_fds > 0) {
        msg.msg_control = control.bytes.data();
        msg.msg_controllen = control_space(max_fds);
    }
    ssize_t n = 0;
    do {
        n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return unexpected(Error::last(fd_where("recvmsg", fd)));
    }

    ReceivedMessage received;
    received.size = static_cast<std::size_t>(n);
    for (cmsghdr* h = first_header(&msg); h != nullptr; h = next_header(&msg, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        const std::size_t count = (h->cmsg_len - control_len(0)) / sizeof(int);
        const unsigned char* data = header_data(h);
        for (std::size_t i = 0; i < count; ++i) {
            int passed = -1;
            std::memcpy(&passed, data + i * sizeof(int), sizeof passed);
            received.fds.emplace_back(passed);
        }
    }
    // Returning an error drops received, which closes every fd that arrived.
    if ((msg.msg_flags & MSG_TRUNC) != 0) {
        return unexpected(Error::from_errno(EMSGSIZE, fd_where("recvmsg", fd) + " (truncated)"));
    }
    if ((msg.msg_flags & MSG_CTRUNC) != 0 || received.fds.size() > max_fds) {
        return unexpected(
            Error::from_errno(EMSGSIZE, fd_where("recvmsg", fd) + " (too many fds)"));
    }
    return received;
}

Result<PeerCredentials> peer_credentials(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        return unexpected(Error::last(fd_where("SO_PEERCRED", fd)));
    }
    return PeerCredentials{cred.pid, cred.uid, cred.gid};
}

}  // namespace ogw
