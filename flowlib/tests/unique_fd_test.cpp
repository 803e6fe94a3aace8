// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/sys/unique_fd.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <type_traits>
#include <utility>

namespace ogw {
namespace {

static_assert(!std::is_copy_constructible_v<UniqueFd>);
static_assert(!std::is_copy_assignable_v<UniqueFd>);
static_assert(std::is_nothrow_move_constructible_v<UniqueFd>);
static_assert(std::is_nothrow_move_assignable_v<UniqueFd>);

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

std::array<int, 2> make_pipe() {
    std::array<int, 2> fds{-1, -1};
    EXPECT_EQ(::pipe2(fds.data(), O_CLOEXEC), 0);
    return fds;
}

TEST(UniqueFd, DefaultIsInvalid) {
    const UniqueFd fd;
    EXPECT_EQ(fd.get(), -1);
    EXPECT_FALSE(fd.valid());
    EXPECT_FALSE(fd);
}

TEST(UniqueFd, ClosesOnDestruction) {
    const auto fds = make_pipe();
    {
        const UniqueFd read_end(fds[0]);
        const UniqueFd write_end(fds[1]);
        EXPECT_TRUE(read_end);
        EXPECT_EQ(read_end.get(), fds[0]);
        EXPECT_TRUE(is_open(fds[0]));
    }
    EXPECT_FALSE(is_open(fds[0]));
    EXPECT_FALSE(is_open(fds[1]));
}

TEST(UniqueFd, MoveConstructionLeavesSourceInvalid) {
    const auto fds = make_pipe();
    const UniqueFd write_end(fds[1]);
    UniqueFd a(fds[0]);
    const UniqueFd b(std::move(a));
    EXPECT_EQ(a.get(), -1);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(b.get(), fds[0]);
    EXPECT_TRUE(is_open(fds[0]));
}

TEST(UniqueFd, MoveAssignmentClosesThePreviousFd) {
    const auto fds = make_pipe();
    UniqueFd a(fds[0]);
    UniqueFd b(fds[1]);
    a = std::move(b);
    EXPECT_FALSE(is_open(fds[0]));
    EXPECT_EQ(a.get(), fds[1]);
    EXPECT_EQ(b.get(), -1);  // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(is_open(fds[1]));
}

TEST(UniqueFd, SelfMoveAssignmentKeepsTheFd) {
    const auto fds = make_pipe();
    const UniqueFd write_end(fds[1]);
    UniqueFd a(fds[0]);
    UniqueFd& alias = a;
    a = std::move(alias);
    EXPECT_EQ(a.get(), fds[0]);
    EXPECT_TRUE(is_open(fds[0]));
}

TEST(UniqueFd, ReleaseGivesUpOwnership) {
    const auto fds = make_pipe();
    const UniqueFd write_end(fds[1]);
    int released = -1;
    {
        UniqueFd a(fds[0]);
        released = a.release();
        EXPECT_EQ(a.get(), -1);
    }
    EXPECT_EQ(released, fds[0]);
    EXPECT_TRUE(is_open(fds[0]));
    ::close(released);
}

TEST(UniqueFd, ResetClosesAndAdopts) {
    const auto fds = make_pipe();
    UniqueFd a(fds[0]);
    a.reset(fds[1]);
    EXPECT_FALSE(is_open(fds[0]));
    EXPECT_EQ(a.get(), fds[1]);
    a.reset();
    EXPECT_FALSE(is_open(fds[1]));
    EXPECT_FALSE(a.valid());
}

TEST(UniqueFd, ResetToTheOwnedFdKeepsItOpen) {
    const auto fds = make_pipe();
    const UniqueFd write_end(fds[1]);
    UniqueFd a(fds[0]);
    a.reset(fds[0]);
    EXPECT_TRUE(is_open(fds[0]));
    EXPECT_EQ(a.get(), fds[0]);
}

}  // namespace
}  // namespace ogw
