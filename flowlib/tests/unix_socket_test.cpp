// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/sys/unix_socket.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace ogw {
namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = "/tmp/ogw-sys-test-XXXXXX";
        if (::mkdtemp(pattern.data()) != nullptr) {
            path_ = pattern;
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
    bool valid() const { return !path_.empty(); }

private:
    std::string path_;
};

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Pipe make_pipe() {
    std::array<int, 2> fds{-1, -1};
    EXPECT_EQ(::pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK), 0);
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::span<const std::byte> bytes(std::string_view s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

std::string_view text(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::pair<UniqueFd, UniqueFd> make_pair() {
    auto pair = socketpair_seqpacket(Blocking::yes);
    EXPECT_TRUE(pair.has_value());
    return std::move(pair).value();
}

// 0 at end of file (every write end closed), -1 with EAGAIN while a write end is open.
ssize_t read_some(const UniqueFd& fd) {
    char c = 0;
    return ::read(fd.get(), &c, 1);
}

mode_t file_mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0);
    return st.st_mode;
}

TEST(UnixSocket, SocketpairCarriesMessages) {
    auto [a, b] = make_pair();
    auto sent = send_with_fds(a.get(), bytes("hello"));
    ASSERT_TRUE(sent);
    EXPECT_EQ(*sent, 5U);
    std::array<std::byte, 64> buffer{};
    auto got = recv_with_fds(b.get(), buffer, 0);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(text(std::span(buffer).first(got->size)), "hello");
    EXPECT_TRUE(got->fds.empty());
}

TEST(UnixSocket, SocketsAreCloseOnExecAndNonBlockingByDefault) {
    auto pair = socketpair_seqpacket();
    ASSERT_TRUE(pair);
    const int fd = pair->first.get();
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_NE(::fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    std::array<std::byte, 8> buffer{};
    const auto got = recv_with_fds(fd, buffer, 0);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, std::errc::resource_unavailable_try_again);
}

TEST(UnixSocket, PassesPipeEndWithScmRights) {
    auto [a, b] = make_pair();
    Pipe pipe = make_pipe();
    const std::array<int, 1> fds{pipe.write.get()};
    ASSERT_TRUE(send_with_fds(a.get(), bytes("fd"), fds));
    pipe.write.reset();

    std::array<std::byte, 16> buffer{};
    auto got = recv_with_fds(b.get(), buffer, 1);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->size, 2U);
    ASSERT_EQ(got->fds.size(), 1U);
    const int passed = got->fds[0].get();
    EXPECT_NE(::fcntl(passed, F_GETFD) & FD_CLOEXEC, 0);
    ASSERT_EQ(::write(passed, "ok", 2), 2);
    std::array<char, 4> out{};
    ASSERT_EQ(::read(pipe.read.get(), out.data(), out.size()), 2);
    EXPECT_EQ(std::string_view(out.data(), 2), "ok");
    got->fds.clear();
    EXPECT_EQ(read_some(pipe.read), 0);
}

TEST(UnixSocket, PassesSeveralFdsInOneMessage) {
    auto [a, b] = make_pair();
    Pipe first = make_pipe();
    Pipe second = make_pipe();
    const std::array<int, 2> fds{first.write.get(), second.write.get()};
    ASSERT_TRUE(send_with_fds(a.get(), bytes("two"), fds));
    std::array<std::byte, 16> buffer{};
    auto got = recv_with_fds(b.get(), buffer, 2);
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(got->fds.size(), 2U);
    ASSERT_EQ(::write(got->fds[1].get(), "2", 1), 1);
    char c = 0;
    ASSERT_EQ(::read(second.read.get(), &c, 1), 1);
    EXPECT_EQ(c, '2');
}

TEST(UnixSocket, TruncatedMessageIsAnErrorAndClosesFds) {
    auto [a, b] = make_pair();
    Pipe pipe = make_pipe();
    const std::array<int, 1> fds{pipe.write.get()};
    const std::string big(64, 'm');
    ASSERT_TRUE(send_with_fds(a.get(), bytes(big), fds));
    pipe.write.reset();

    std::array<std::byte, 8> small{};
    const auto got = recv_with_fds(b.get(), small, 1);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, std::errc::message_size);
    EXPECT_EQ(read_some(pipe.read), 0);
}

TEST(UnixSocket, TooManyFdsIsAnErrorAndClosesFds) {
    auto [a, b] = make_pair();
    Pipe pipe = make_pipe();
    std::vector<UniqueFd> copies;
    for (int i = 0; i < 3; ++i) {
        copies.emplace_back(::fcntl(pipe.write.get(), F_DUPFD_CLOEXEC, 0));
    }
    const std::array<int, 3> fds{copies[0].get(), copies[1].get(), copies[2].get()};
    ASSERT_TRUE(send_with_fds(a.get(), bytes("three"), fds));
    copies.clear();
    pipe.write.reset();

    std::array<std::byte, 16> buffer{};
    const auto got = recv_with_fds(b.get(), buffer, 1);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, std::errc::message_size);
    EXPECT_EQ(read_some(pipe.read), 0);
}

TEST(UnixSocket, FdsSentToReceiverAcceptingNoneAreAnError) {
    auto [a, b] = make_pair();
    Pipe pipe = make_pipe();
    const std::array<int, 1> fds{pipe.write.get()};
    ASSERT_TRUE(send_with_fds(a.get(), bytes("x"), fds));
    pipe.write.reset();
    std::array<std::byte, 16> buffer{};
    const auto got = recv_with_fds(b.get(), buffer, 0);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, std::errc::message_size);
    EXPECT_EQ(read_some(pipe.read), 0);
}

TEST(UnixSocket, SendRejectsMoreThanMaxPassedFds) {
    auto [a, b] = make_pair();
    const std::vector<int> fds(max_passed_fds + 1, a.get());
    const auto sent = send_with_fds(a.get(), bytes("x"), fds);
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code, errc::too_big);
}

// A SOCK_STREAM peer: SOCK_SEQPACKET sends report EPIPE without raising SIGPIPE anyway.
TEST(UnixSocket, SendToClosedPeerIsEpipeNotSigpipe) {
    std::array<int, 2> sv{-1, -1};
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv.data()), 0);
    const UniqueFd a(sv[0]);
    UniqueFd b(sv[1]);
    b.reset();

    sigset_t sigpipe;
    ::sigemptyset(&sigpipe);
    ::sigaddset(&sigpipe, SIGPIPE);
    sigset_t saved;
    ::pthread_sigmask(SIG_BLOCK, &sigpipe, &saved);
    const auto sent = send_with_fds(a.get(), bytes("x"));
    sigset_t pending;
    ::sigpending(&pending);
    const bool raised = ::sigismember(&pending, SIGPIPE) == 1;
    if (raised) {
        const timespec no_wait{};
        ::sigtimedwait(&sigpipe, nullptr, &no_wait);
    }
    ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);

    EXPECT_FALSE(raised);
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code, std::errc::broken_pipe);
}

TEST(UnixSocket, RecvReturnsZeroWhenPeerCloses) {
    auto [a, b] = make_pair();
    a.reset();
    std::array<std::byte, 8> buffer{};
    const auto got = recv_with_fds(b.get(), buffer, 1);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->size, 0U);
    EXPECT_TRUE(got->fds.empty());
}

TEST(UnixSocket, PeerCredentialsNameThisProcess) {
    auto [a, b] = make_pair();
    const auto cred = peer_credentials(a.get());
    ASSERT_TRUE(cred);
    EXPECT_EQ(cred->pid, ::getpid());
    EXPECT_EQ(cred->uid, ::getuid());
    EXPECT_EQ(cred->gid, ::getgid());
}

TEST(UnixSocket, ListensConnectsAndAccepts) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    const std::string path = dir.file("ogwd.sock");
    auto listener = listen_unix(path, 0600);
    ASSERT_TRUE(listener) << listener.error().message();
    auto client = connect_unix(path, Blocking::yes);
    ASSERT_TRUE(client) << client.error().message();
    auto server = accept_unix(listener->get(), Blocking::yes);
    ASSERT_TRUE(server) << server.error().message();
    ASSERT_TRUE(send_with_fds(client->get(), bytes("ping")));
    std::array<std::byte, 16> buffer{};
    const auto got = recv_with_fds(server->get(), buffer, 0);
    ASSERT_TRUE(got);
    EXPECT_EQ(text(std::span(buffer).first(got->size)), "ping");
    const auto cred = peer_credentials(server->get());
    ASSERT_TRUE(cred);
    EXPECT_EQ(cred->pid, ::getpid());
}

TEST(UnixSocket, AcceptWithoutPendingConnectionIsEagain) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    auto listener = listen_unix(dir.file("s"), 0600);
    ASSERT_TRUE(listener);
    const auto accepted = accept_unix(listener->get());
    ASSERT_FALSE(accepted);
    EXPECT_EQ(accepted.error().code, std::errc::resource_unavailable_try_again);
}

TEST(UnixSocket, ListenSetsTheFileMode) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    for (const mode_t mode : {mode_t{0660}, mode_t{0600}}) {
        const std::string path = dir.file("mode-" + std::to_string(mode));
        const auto listener = listen_unix(path, mode);
        ASSERT_TRUE(listener) << listener.error().message();
        const mode_t st_mode = file_mode(path);
        EXPECT_TRUE(S_ISSOCK(st_mode));
        EXPECT_EQ(st_mode & 07777, mode);
    }
}

TEST(UnixSocket, ListenReplacesStaleSocketFile) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    const std::string path = dir.file("stale.sock");
    {
        const UniqueFd old(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        ASSERT_EQ(::bind(old.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    }
    ASSERT_TRUE(S_ISSOCK(file_mode(path)));
    auto listener = listen_unix(path, 0660);
    ASSERT_TRUE(listener) << listener.error().message();
    EXPECT_TRUE(connect_unix(path));
}

TEST(UnixSocket, ListenRefusesPathInUse) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    const std::string path = dir.file("busy.sock");
    auto first = listen_unix(path, 0660);
    ASSERT_TRUE(first);
    const auto second = listen_unix(path, 0660);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, std::errc::address_in_use);
    EXPECT_NE(second.error().where.find(path), std::string::npos);
    auto client = connect_unix(path);
    ASSERT_TRUE(client) << client.error().message();
    EXPECT_TRUE(accept_unix(first->get()));
}

TEST(UnixSocket, ListenRefusesToRemoveNonSocketFile) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    const std::string path = dir.file("config.toml");
    std::ofstream(path) << "keep me";
    const auto listener = listen_unix(path, 0660);
    ASSERT_FALSE(listener);
    EXPECT_EQ(listener.error().code, std::errc::address_in_use);
    std::ifstream in(path);
    std::string content;
    std::getline(in, content);
    EXPECT_EQ(content, "keep me");
}

TEST(UnixSocket, ConnectErrorNamesThePath) {
    const TempDir dir;
    ASSERT_TRUE(dir.valid());
    const std::string path = dir.file("missing.sock");
    const auto client = connect_unix(path);
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().code, std::errc::no_such_file_or_directory);
    EXPECT_EQ(client.error().where, "connect " + path);
}

TEST(UnixSocket, RejectsOverlongPath) {
    const std::string path = "/tmp/" + std::string(200, 'p');
    const auto listener = listen_unix(path, 0660);
    ASSERT_FALSE(listener);
    EXPECT_EQ(listener.error().code, std::errc::filename_too_long);
    EXPECT_FALSE(connect_unix(path));
}

}  // namespace
}  // namespace ogw
