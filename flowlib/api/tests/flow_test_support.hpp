// SPDX-License-Identifier: BSD-3-Clause
// Shared test fixture: a fake ogwd and one allocated flow whose daemon end the test drives.
#pragma once

#include "fake_ogwd.hpp"

#include <flowlib/qos.hpp>
#include <ogw/dev.h>
#include <ogw/fccntl.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>

namespace ogw::test {

inline timespec ms_timespec(long ms) { return timespec{ms / 1000, (ms % 1000) * 1'000'000}; }

// A future's value within a bounded wait (a hung call fails the test instead of hanging it).
template <class T>
T await(std::future<T>& f, Duration timeout = 2s) {
    EXPECT_EQ(f.wait_for(timeout), std::future_status::ready);
    return f.get();
}

inline std::string read_string(int fd, std::size_t count, ssize_t* rc = nullptr) {
    std::string buf(count, '\0');
    const ssize_t n = flow_read(fd, buf.data(), buf.size());
    if (rc != nullptr) {
        *rc = n;
    }
    buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return buf;
}

inline ssize_t write_string(int fd, std::string_view s) {
    return flow_write(fd, s.data(), s.size());
}

class FlowTest : public ::testing::Test {
protected:
    void SetUp() override {
        daemon_.serve("oecho");
        fd_ = flow_alloc("oecho", nullptr, nullptr);
        ASSERT_GE(fd_, 0);
        auto peer = daemon_.next_flow();
        ASSERT_TRUE(peer.has_value());
        peer_ = std::move(peer->fd);
    }
    void TearDown() override {
        if (fd_ >= 0) {
            flow_dealloc(fd_);
        }
    }

    FakeOgwd daemon_;
    int fd_ = -1;
    UniqueFd peer_;  // the daemon's end
};

}  // namespace ogw::test
