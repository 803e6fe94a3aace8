// SPDX-License-Identifier: BSD-3-Clause
// flow_read, flow_write and flow_dealloc on a flow whose daemon end the test drives.
#include "flow_test_support.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace ogw::test {
namespace {

using flow::FlowState;

using FlowIo = FlowTest;

TEST_F(FlowIo, DataBothWays) {
    EXPECT_EQ(write_string(fd_, "Client says hi!"), 15);
    EXPECT_EQ(recv_sdu(peer_.get()), "Client says hi!");
    send_data(peer_.get(), "Server says hi!");
    EXPECT_EQ(read_string(fd_, 256), "Server says hi!");
}

TEST_F(FlowIo, EachWriteIsOneSdu) {
    EXPECT_EQ(write_string(fd_, "one"), 3);
    EXPECT_EQ(write_string(fd_, "two"), 3);
    EXPECT_EQ(recv_sdu(peer_.get()), "one");
    EXPECT_EQ(recv_sdu(peer_.get()), "two");
    send_data(peer_.get(), "a");
    send_data(peer_.get(), "bc");
    EXPECT_EQ(read_string(fd_, 256), "a");
    EXPECT_EQ(read_string(fd_, 256), "bc");
}

TEST_F(FlowIo, ZeroLengthSdusAreSdus) {
    send_data(peer_.get(), "");
    send_data(peer_.get(), "after");
    ssize_t rc = -1;
    EXPECT_EQ(read_string(fd_, 16, &rc), "");
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(read_string(fd_, 16), "after");
    EXPECT_EQ(flow_write(fd_, nullptr, 0), 0);
    EXPECT_EQ(recv_sdu(peer_.get()), "");
}

TEST_F(FlowIo, PartialReadsContinueTheSdu) {
    send_data(peer_.get(), "0123456789");
    send_data(peer_.get(), "next");
    EXPECT_EQ(read_string(fd_, 4), "0123");
    EXPECT_EQ(read_string(fd_, 4), "4567");
    EXPECT_EQ(read_string(fd_, 4), "89");
    EXPECT_EQ(read_string(fd_, 4), "next");  // a first read that fits exactly needs no marker
}

TEST_F(FlowIo, PartialReadEndingAtCountIsFollowedByZero) {
    send_data(peer_.get(), "abcdefgh");
    send_data(peer_.get(), "xy");
    EXPECT_EQ(read_string(fd_, 4), "abcd");
    EXPECT_EQ(read_string(fd_, 4), "efgh");
    ssize_t rc = -1;
    EXPECT_EQ(read_string(fd_, 4, &rc), "");
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(read_string(fd_, 4), "xy");
}

TEST_F(FlowIo, NoPartialReadsDropsOversizedSdu) {
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFRDWR | FLOWFRNOPART), 0);
    send_data(peer_.get(), "0123456789");
    send_data(peer_.get(), "ok");
    ssize_t rc = 0;
    read_string(fd_, 4, &rc);
    EXPECT_EQ(rc, -EMSGSIZE);
    EXPECT_EQ(read_string(fd_, 4), "ok");
}

TEST_F(FlowIo, SduOfMaxSizeIsReadWhole) {
    const std::string big(1500, 'z');
    send_data(peer_.get(), big);
    EXPECT_EQ(read_string(fd_, 1500), big);
}

TEST_F(FlowIo, WriteLargerThanMaxSduIsEmsgsize) {
    EXPECT_EQ(write_string(fd_, std::string(1501, 'a')), -EMSGSIZE);
    EXPECT_EQ(write_string(fd_, std::string(1500, 'a')), 1500);
    EXPECT_EQ(recv_sdu(peer_.get())->size(), 1500U);
}

TEST_F(FlowIo, InvalidArguments) {
    EXPECT_EQ(flow_read(fd_, nullptr, 1), -EINVAL);
    EXPECT_EQ(flow_write(fd_, nullptr, 1), -EINVAL);
    std::array<char, 4> buf{};
    EXPECT_EQ(flow_read(-1, buf.data(), buf.size()), -EBADF);
    EXPECT_EQ(flow_write(-1, buf.data(), buf.size()), -EBADF);
    EXPECT_EQ(flow_read(peer_.get(), buf.data(), buf.size()), -ENOTALLOC);
    EXPECT_EQ(flow_write(peer_.get(), buf.data(), buf.size()), -ENOTALLOC);
}

TEST_F(FlowIo, PeerDeallocatedAfterQueuedDataIsEflowpeer) {
    send_data(peer_.get(), "a");
    send_data(peer_.get(), "b");
    send_state(peer_.get(), FlowState::peer_deallocated);
    EXPECT_EQ(read_string(fd_, 8), "a");
    EXPECT_EQ(read_string(fd_, 8), "b");
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EFLOWPEER);
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EFLOWPEER);
    EXPECT_EQ(write_string(fd_, "late"), -EFLOWPEER);
}

TEST_F(FlowIo, PeerTimedOutIsEflowpeer) {
    send_state(peer_.get(), FlowState::peer_timed_out);
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EFLOWPEER);
}

TEST_F(FlowIo, PartialSduIsFinishedBeforeTheFailure) {
    send_data(peer_.get(), "abcdef");
    send_state(peer_.get(), FlowState::peer_deallocated);
    EXPECT_EQ(read_string(fd_, 3), "abc");
    EXPECT_EQ(read_string(fd_, 2), "de");
    EXPECT_EQ(read_string(fd_, 2), "f");
    ssize_t rc = 0;
    read_string(fd_, 2, &rc);
    EXPECT_EQ(rc, -EFLOWPEER);
}

TEST_F(FlowIo, BlockedReaderIsWokenByStateChange) {
    auto reader = std::async(std::launch::async, [fd = fd_] {
        ssize_t rc = 0;
        read_string(fd, 64, &rc);
        return rc;
    });
    EXPECT_EQ(reader.wait_for(5ms), std::future_status::timeout);
    send_state(peer_.get(), FlowState::peer_deallocated);
    EXPECT_EQ(await(reader), -EFLOWPEER);
}

TEST_F(FlowIo, BlockedReaderGetsData) {
    auto reader = std::async(std::launch::async, [fd = fd_] { return read_string(fd, 64); });
    EXPECT_EQ(reader.wait_for(5ms), std::future_status::timeout);
    send_data(peer_.get(), "late data");
    EXPECT_EQ(await(reader), "late data");
}

TEST_F(FlowIo, DownThenUp) {
    send_state(peer_.get(), FlowState::down);
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EFLOWDOWN);
    EXPECT_EQ(write_string(fd_, "queued"), 6);  // sent when the link returns
    send_state(peer_.get(), FlowState::allocated);
    send_data(peer_.get(), "up");
    EXPECT_EQ(read_string(fd_, 8), "up");
}

TEST_F(FlowIo, WriteToStoppedReadingDaemonIsEflowpeer) {
    // What ogwd does when the peer is gone; the state message may not have been read yet.
    ASSERT_EQ(::shutdown(peer_.get(), SHUT_RD), 0);
    EXPECT_EQ(write_string(fd_, "hello?"), -EFLOWPEER);
}

TEST_F(FlowIo, DaemonEndOfFileIsEirmd) {
    send_data(peer_.get(), "last");
    peer_.reset();
    EXPECT_EQ(read_string(fd_, 8), "last");
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EIRMD);
    EXPECT_EQ(write_string(fd_, "x"), -EIRMD);
}

TEST_F(FlowIo, DaemonEndOfFileWakesBlockedReader) {
    auto reader = std::async(std::launch::async, [fd = fd_] {
        ssize_t rc = 0;
        read_string(fd, 64, &rc);
        return rc;
    });
    EXPECT_EQ(reader.wait_for(5ms), std::future_status::timeout);
    peer_.reset();
    EXPECT_EQ(await(reader), -EIRMD);
}

TEST_F(FlowIo, EndOfFileAfterPeerGoneKeepsEflowpeer) {
    send_state(peer_.get(), FlowState::peer_deallocated);
    peer_.reset();
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EFLOWPEER);
}

TEST_F(FlowIo, NonBlockingReadIsEagain) {
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFRDWR | FLOWFRNOBLOCK), 0);
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EAGAIN);
    send_data(peer_.get(), "now");
    EXPECT_EQ(read_string(fd_, 8), "now");
    // Reads only are non-blocking; writes still work (no accidental read-only flow).
    EXPECT_EQ(write_string(fd_, "w"), 1);
}

TEST_F(FlowIo, ReadTimeoutIsEtimedout) {
    const timespec timeo = ms_timespec(20);
    ASSERT_EQ(fccntl(fd_, FLOWSRCVTIMEO, &timeo), 0);
    const auto start = std::chrono::steady_clock::now();
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(rc, -ETIMEDOUT);
    EXPECT_GE(took, 20ms);
    EXPECT_LT(took, 1s);
}

// Fills the daemon end's receive queue until a non-blocking write would block.
void fill(int fd) {
    ASSERT_EQ(fccntl(fd, FLOWSFLAGS, FLOWFRDWR | FLOWFWNOBLOCK), 0);
    const std::string sdu(1000, 'f');
    for (int i = 0; i < 100000; ++i) {
        const ssize_t rc = write_string(fd, sdu);
        if (rc == -EAGAIN) {
            return;
        }
        ASSERT_EQ(rc, 1000);
    }
    FAIL() << "the flow socket never filled";
}

TEST_F(FlowIo, NonBlockingWriteToFullFlowIsEagain) {
    fill(fd_);
    EXPECT_EQ(write_string(fd_, "more"), -EAGAIN);
}

TEST_F(FlowIo, WriteTimeoutIsEtimedout) {
    fill(fd_);
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFDEFAULT), 0);
    const timespec timeo = ms_timespec(20);
    ASSERT_EQ(fccntl(fd_, FLOWSSNDTIMEO, &timeo), 0);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(write_string(fd_, "more"), -ETIMEDOUT);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(FlowIo, BlockedWriterContinuesWhenDaemonReads) {
    fill(fd_);
    ASSERT_EQ(fccntl(fd_, FLOWSFLAGS, FLOWFDEFAULT), 0);
    auto writer = std::async(std::launch::async, [fd = fd_] { return write_string(fd, "more"); });
    EXPECT_EQ(writer.wait_for(5ms), std::future_status::timeout);
    while (writer.wait_for(0s) != std::future_status::ready) {
        if (!recv_sdu(peer_.get(), 100ms)) {
            break;
        }
    }
    EXPECT_EQ(await(writer), 4);
}

TEST_F(FlowIo, DeallocClosesTheFlowAndForgetsIt) {
    EXPECT_EQ(flow_dealloc(fd_), 0);
    EXPECT_TRUE(closed_by_app(peer_.get()));
    std::array<char, 4> buf{};
    EXPECT_EQ(flow_dealloc(fd_), -ENOTALLOC);
    EXPECT_EQ(flow_read(fd_, buf.data(), buf.size()), -ENOTALLOC);
    EXPECT_EQ(flow_write(fd_, buf.data(), buf.size()), -ENOTALLOC);
    EXPECT_EQ(flow_dealloc(-1), -EBADF);
    fd_ = -1;
}

TEST_F(FlowIo, DeallocWakesBlockedReader) {
    auto reader = std::async(std::launch::async, [fd = fd_] {
        ssize_t rc = 0;
        read_string(fd, 64, &rc);
        return rc;
    });
    EXPECT_EQ(reader.wait_for(5ms), std::future_status::timeout);
    EXPECT_EQ(flow_dealloc(fd_), 0);
    fd_ = -1;
    EXPECT_EQ(await(reader), -ENOTALLOC);
}

TEST_F(FlowIo, ConcurrentWritersKeepSdusWhole) {
    constexpr int per_thread = 200;
    std::vector<std::thread> writers;
    for (char c : {'a', 'b', 'c', 'd'}) {
        writers.emplace_back([fd = fd_, c] {
            for (int i = 0; i < per_thread; ++i) {
                EXPECT_EQ(write_string(fd, std::string(100, c)), 100);
            }
        });
    }
    int received = 0;
    while (received < 4 * per_thread) {
        auto sdu = recv_sdu(peer_.get());
        ASSERT_TRUE(sdu.has_value());
        ASSERT_EQ(sdu->size(), 100U);
        EXPECT_EQ(sdu->find_first_not_of(sdu->front()), std::string::npos);
        ++received;
    }
    for (auto& t : writers) {
        t.join();
    }
}

}  // namespace
}  // namespace ogw::test
