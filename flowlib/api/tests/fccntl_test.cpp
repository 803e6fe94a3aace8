// SPDX-License-Identifier: BSD-3-Clause
#include "flow_test_support.hpp"

#include <cstdint>

extern "C" int c_api_fccntl_flags(int fd, uint32_t* flags);

namespace ogw::test {
namespace {

using flow::FlowState;

using Fccntl = FlowTest;

TEST_F(Fccntl, ReceiveTimeoutIsStoredAndCleared) {
    timespec got{};
    EXPECT_EQ(fccntl(fd_, FLOWGRCVTIMEO, &got), -EPERM);
    const timespec timeo{1, 500'000'000};
    ASSERT_EQ(fccntl(fd_, FLOWSRCVTIMEO, &timeo), 0);
    ASSERT_EQ(fccntl(fd_, FLOWGRCVTIMEO, &got), 0);
    EXPECT_EQ(got.tv_sec, 1);
    EXPECT_EQ(got.tv_nsec, 500'000'000);
    ASSERT_EQ(fccntl(fd_, FLOWSRCVTIMEO, nullptr), 0);
    EXPECT_EQ(fccntl(fd_, FLOWGRCVTIMEO, &got), -EPERM);
    const timespec bad{0, -1};
    EXPECT_EQ(fccntl(fd_, FLOWSRCVTIMEO, &bad), -EINVAL);
    EXPECT_EQ(fccntl(fd_, FLOWGRCVTIMEO, nullptr), -EINVAL);
}

TEST_F(Fccntl, SendTimeoutIsStoredAndCleared) {
    timespec got{};
    EXPECT_EQ(fccntl(fd_, FLOWGSNDTIMEO, &got), -EPERM);
    const timespec timeo{0, 20'000'000};
    ASSERT_EQ(fccntl(fd_, FLOWSSNDTIMEO, &timeo), 0);
    ASSERT_EQ(fccntl(fd_, FLOWGSNDTIMEO, &got), 0);
    EXPECT_EQ(got.tv_sec, 0);
    EXPECT_EQ(got.tv_nsec, 20'000'000);
    ASSERT_EQ(fccntl(fd_, FLOWSSNDTIMEO, nullptr), 0);
    EXPECT_EQ(fccntl(fd_, FLOWGSNDTIMEO, &got), -EPERM);
}

TEST_F(Fccntl, QosSpecIsTheGrantedOne) {
    qosspec_t qs{};
    ASSERT_EQ(fccntl(fd_, FLOWGQOSSPEC, &qs), 0);
    EXPECT_TRUE(flow::operator==(qs, qos_raw));
    EXPECT_EQ(fccntl(fd_, FLOWGQOSSPEC, nullptr), -EINVAL);
}

TEST_F(Fccntl, DefaultFlags) {
    std::uint32_t flags = 0;
    ASSERT_EQ(fccntl(fd_, FLOWGFLAGS, &flags), 0);
    EXPECT_EQ(flags, static_cast<std::uint32_t>(FLOWFDEFAULT));
}

TEST_F(Fccntl, SetFlagsReplacesThemButNeverTheAccessMode) {
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFRNOBLOCK), 0);
    std::uint32_t flags = 0;
    ASSERT_EQ(fccntl(fd_, FLOWGFLAGS, &flags), 0);
    EXPECT_EQ(flags, static_cast<std::uint32_t>(FLOWFRNOBLOCK | FLOWFRDWR));
    EXPECT_EQ(write_string(fd_, "still writable"), 14);
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFWRONLY), 0);
    send_data(peer_.get(), "still readable");
    EXPECT_EQ(read_string(fd_, 64), "still readable");
}

TEST_F(Fccntl, DownFlagFollowsTheFlowState) {
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFRDWR | FLOWFDOWN), 0);
    std::uint32_t flags = 0;
    ASSERT_EQ(fccntl(fd_, FLOWGFLAGS, &flags), 0);
    EXPECT_EQ(flags & FLOWFDOWN, 0U);
    send_state(peer_.get(), FlowState::down);
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    ASSERT_EQ(rc, -EFLOWDOWN);
    ASSERT_EQ(fccntl(fd_, FLOWGFLAGS, &flags), 0);
    EXPECT_NE(flags & FLOWFDOWN, 0U);
}

TEST_F(Fccntl, UnknownFlagsAreRejected) {
    EXPECT_EQ(fccntl(fd_, FLOWSFLAGS, 0x40000000U), -EINVAL);
    EXPECT_EQ(fccntl(fd_, FLOWGFLAGS, nullptr), -EINVAL);
}

TEST_F(Fccntl, QueueLengthsAreBytes) {
    std::size_t len = 99;
    ASSERT_EQ(fccntl(fd_, FLOWGRXQLEN, &len), 0);
    EXPECT_EQ(len, 0U);
    send_data(peer_.get(), "abc");
    send_data(peer_.get(), "de");
    ASSERT_EQ(fccntl(fd_, FLOWGRXQLEN, &len), 0);
    EXPECT_EQ(len, 7U);  // one framing byte per message
    EXPECT_EQ(read_string(fd_, 2), "ab");
    ASSERT_EQ(fccntl(fd_, FLOWGRXQLEN, &len), 0);
    EXPECT_EQ(len, 4U);  // the rest of "abc" plus the queued "de"

    ASSERT_EQ(fccntl(fd_, FLOWGTXQLEN, &len), 0);
    EXPECT_EQ(len, 0U);
    EXPECT_EQ(write_string(fd_, "xyz"), 3);
    ASSERT_EQ(fccntl(fd_, FLOWGTXQLEN, &len), 0);
    EXPECT_GT(len, 0U);
    EXPECT_EQ(recv_sdu(peer_.get()), "xyz");
    ASSERT_EQ(fccntl(fd_, FLOWGTXQLEN, &len), 0);
    EXPECT_EQ(len, 0U);
}

TEST_F(Fccntl, MaxSdu) {
    std::size_t max_sdu = 0;
    ASSERT_EQ(fccntl(fd_, FLOWGMAXSDU, &max_sdu), 0);
    EXPECT_EQ(max_sdu, 1500U);
    EXPECT_EQ(fccntl(fd_, FLOWGMAXSDU, nullptr), -EINVAL);
}

TEST_F(Fccntl, FrctAndUnknownCommands) {
    EXPECT_EQ(fccntl(fd_, FRCTSFLAGS, 0U), -EPERM);
    std::uint16_t frct = 0;
    EXPECT_EQ(fccntl(fd_, FRCTGFLAGS, &frct), -EPERM);
    EXPECT_EQ(fccntl(fd_, 0777), -ENOTSUP);
}

TEST_F(Fccntl, UnknownFds) {
    std::uint32_t flags = 0;
    EXPECT_EQ(fccntl(-1, FLOWGFLAGS, &flags), -EBADF);
    EXPECT_EQ(fccntl(peer_.get(), FLOWGFLAGS, &flags), -ENOTALLOC);
}

TEST_F(Fccntl, CallableFromC) {
    std::uint32_t flags = 0;
    ASSERT_EQ(c_api_fccntl_flags(fd_, &flags), 0);
    EXPECT_EQ(flags, static_cast<std::uint32_t>(FLOWFRNOBLOCK | FLOWFRDWR | FLOWFRNOPART));
}

TEST(OgwStrerror, NamesFlowErrorsAndSystemErrors) {
    EXPECT_STREQ(ogw_strerror(-EFLOWPEER), "flow peer gone");
    EXPECT_STREQ(ogw_strerror(EFLOWPEER), "flow peer gone");
    EXPECT_STREQ(ogw_strerror(-EFLOWDOWN), "flow down");
    EXPECT_STREQ(ogw_strerror(-ENAME), "no such name");
    EXPECT_STREQ(ogw_strerror(-EIRMD), "ogwd unreachable");
    EXPECT_STREQ(ogw_strerror(-ENOTALLOC), "flow not allocated");
    EXPECT_STREQ(ogw_strerror(-ETIMEDOUT), "Connection timed out");
    EXPECT_STREQ(ogw_strerror(-123456), "unknown error");
    EXPECT_STREQ(ogw_strerror(-2147483647 - 1), "unknown error");
    EXPECT_STREQ(ogw_strerror(0), "success");
}

}  // namespace
}  // namespace ogw::test
