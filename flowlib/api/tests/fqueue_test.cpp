// SPDX-License-Identifier: BSD-3-Clause
#include "flow_test_support.hpp"

#include <ogw/fqueue.h>

#include <memory>
#include <utility>

extern "C" int c_api_fset_roundtrip(int fd);

namespace ogw::test {
namespace {

using flow::FlowState;

struct SetDeleter {
    void operator()(fset_t* set) const { fset_destroy(set); }
};
struct QueueDeleter {
    void operator()(fqueue_t* fq) const { fqueue_destroy(fq); }
};

class Fevent : public FlowTest {
protected:
    void SetUp() override {
        FlowTest::SetUp();
        ASSERT_TRUE(set_ && fq_);
        ASSERT_EQ(fset_add(set_.get(), fd_), 0);
    }

    // The events of one fevent call, as (fd, event) pairs.
    std::vector<std::pair<int, int>> wait(long timeout_ms = 2000) {
        const timespec timeo = ms_timespec(timeout_ms);
        std::vector<std::pair<int, int>> events;
        const int rc = fevent(set_.get(), fq_.get(), &timeo);
        if (rc != 1) {
            events.emplace_back(rc, 0);
            return events;
        }
        for (int fd = fqueue_next(fq_.get()); fd >= 0; fd = fqueue_next(fq_.get())) {
            events.emplace_back(fd, fqueue_type(fq_.get()));
        }
        return events;
    }

    std::unique_ptr<fset_t, SetDeleter> set_{fset_create()};
    std::unique_ptr<fqueue_t, QueueDeleter> fq_{fqueue_create()};
};

using Events = std::vector<std::pair<int, int>>;

TEST_F(Fevent, TimesOutWithoutEvents) {
    EXPECT_EQ(wait(10), (Events{{-ETIMEDOUT, 0}}));
    EXPECT_EQ(fqueue_next(fq_.get()), -EPERM);
}

TEST_F(Fevent, DataIsReportedAndLeftForFlowRead) {
    send_data(peer_.get(), "ping");
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_PKT}}));
    // Level-triggered: still there until read.
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_PKT}}));
    EXPECT_EQ(read_string(fd_, 16), "ping");
    EXPECT_EQ(wait(10), (Events{{-ETIMEDOUT, 0}}));
}

TEST_F(Fevent, PeerGoneIsReportedOnce) {
    send_state(peer_.get(), FlowState::peer_deallocated);
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_PEER}}));
    EXPECT_EQ(wait(10), (Events{{-ETIMEDOUT, 0}}));
    ssize_t rc = 0;
    read_string(fd_, 8, &rc);
    EXPECT_EQ(rc, -EFLOWPEER);
}

TEST_F(Fevent, DataBeforeStateComesFirst) {
    send_data(peer_.get(), "last words");
    send_state(peer_.get(), FlowState::peer_timed_out);
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_PKT}}));
    EXPECT_EQ(read_string(fd_, 16), "last words");
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_PEER}}));
}

TEST_F(Fevent, DownAndUp) {
    send_state(peer_.get(), FlowState::down);
    send_state(peer_.get(), FlowState::allocated);
    send_data(peer_.get(), "back");
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_DOWN}, {fd_, FLOW_UP}, {fd_, FLOW_PKT}}));
}

TEST_F(Fevent, DaemonEndOfFileIsDeallocOnce) {
    peer_.reset();
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_DEALLOC}}));
    EXPECT_EQ(wait(10), (Events{{-ETIMEDOUT, 0}}));
    EXPECT_TRUE(fset_has(set_.get(), fd_));
}

TEST_F(Fevent, UnreadEventsAreReturnedFirst) {
    send_data(peer_.get(), "x");
    const timespec timeo = ms_timespec(2000);
    ASSERT_EQ(fevent(set_.get(), fq_.get(), &timeo), 1);
    EXPECT_EQ(fqueue_type(fq_.get()), -EPERM);  // nothing taken yet
    EXPECT_EQ(fevent(set_.get(), fq_.get(), &timeo), 1);
    EXPECT_EQ(fqueue_next(fq_.get()), fd_);
    EXPECT_EQ(fqueue_type(fq_.get()), FLOW_PKT);
    EXPECT_EQ(fqueue_next(fq_.get()), -EPERM);
}

TEST_F(Fevent, WakesWaiterWhenStateArrives) {
    auto waiter = std::async(std::launch::async, [this] { return wait(2000); });
    EXPECT_EQ(waiter.wait_for(5ms), std::future_status::timeout);
    send_state(peer_.get(), FlowState::peer_deallocated);
    EXPECT_EQ(await(waiter), (Events{{fd_, FLOW_PEER}}));
}

TEST_F(Fevent, SeveralFlows) {
    daemon_.serve("second");
    const int second = flow_alloc("second", nullptr, nullptr);
    ASSERT_GE(second, 0);
    auto second_peer = daemon_.next_flow();
    ASSERT_TRUE(second_peer.has_value());
    ASSERT_EQ(fset_add(set_.get(), second), 0);
    send_data(second_peer->fd.get(), "2");
    EXPECT_EQ(wait(), (Events{{second, FLOW_PKT}}));
    send_data(peer_.get(), "1");
    ASSERT_EQ(read_string(second, 4), "2");
    EXPECT_EQ(wait(), (Events{{fd_, FLOW_PKT}}));
    EXPECT_EQ(flow_dealloc(second), 0);
    EXPECT_FALSE(fset_has(set_.get(), second));
}

TEST_F(Fevent, FlowIsInAtMostOneSet) {
    std::unique_ptr<fset_t, SetDeleter> other(fset_create());
    EXPECT_EQ(fset_add(set_.get(), fd_), 0);  // again: no change
    EXPECT_EQ(fset_add(other.get(), fd_), -EPERM);
    fset_del(set_.get(), fd_);
    EXPECT_FALSE(fset_has(set_.get(), fd_));
    EXPECT_EQ(fset_add(other.get(), fd_), 0);
    EXPECT_TRUE(fset_has(other.get(), fd_));
    fset_zero(other.get());
    EXPECT_FALSE(fset_has(other.get(), fd_));
    EXPECT_EQ(fset_add(set_.get(), fd_), 0);
}

TEST_F(Fevent, DeallocLeavesTheSet) {
    EXPECT_EQ(flow_dealloc(fd_), 0);
    EXPECT_FALSE(fset_has(set_.get(), fd_));
    fd_ = -1;
    EXPECT_EQ(wait(10), (Events{{-ETIMEDOUT, 0}}));
}

TEST_F(Fevent, InvalidArguments) {
    const timespec timeo = ms_timespec(0);
    EXPECT_EQ(fevent(nullptr, fq_.get(), &timeo), -EINVAL);
    EXPECT_EQ(fevent(set_.get(), nullptr, &timeo), -EINVAL);
    EXPECT_EQ(fset_add(set_.get(), -1), -EBADF);
    EXPECT_EQ(fset_add(set_.get(), peer_.get()), -ENOTALLOC);
    EXPECT_EQ(fset_add(nullptr, fd_), -EINVAL);
    EXPECT_FALSE(fset_has(nullptr, fd_));
}

TEST_F(Fevent, CallableFromC) {
    fset_del(set_.get(), fd_);
    send_data(peer_.get(), "c");
    EXPECT_EQ(c_api_fset_roundtrip(fd_), 1);
    // fset_destroy released the flow: it may join another set.
    EXPECT_EQ(fset_add(set_.get(), fd_), 0);
}

}  // namespace
}  // namespace ogw::test
