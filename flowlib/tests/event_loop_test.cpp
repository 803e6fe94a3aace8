// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/sys/event_loop.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ogw {
namespace {

using std::chrono::milliseconds;

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Pipe make_pipe() {
    std::array<int, 2> fds{-1, -1};
    EXPECT_EQ(::pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK), 0);
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void write_byte(const UniqueFd& fd, char c = 'x') {
    ASSERT_EQ(::write(fd.get(), &c, 1), 1);
}

std::unique_ptr<EventLoop> make_loop(const Clock& clock) {
    auto loop = EventLoop::create(clock);
    EXPECT_TRUE(loop.has_value());
    return std::move(loop).value();
}

std::unique_ptr<EventLoop> make_loop() {
    auto loop = EventLoop::create();
    EXPECT_TRUE(loop.has_value());
    return std::move(loop).value();
}

// Restores the thread's signal mask on scope exit.
class SignalMaskGuard {
public:
    SignalMaskGuard() { ::pthread_sigmask(SIG_SETMASK, nullptr, &saved_); }
    SignalMaskGuard(const SignalMaskGuard&) = delete;
    SignalMaskGuard& operator=(const SignalMaskGuard&) = delete;
    ~SignalMaskGuard() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

private:
    sigset_t saved_{};
};

// Stops a run() that outlives limit, from another thread, so a broken loop fails the test
// instead of hanging it.
class Watchdog {
public:
    explicit Watchdog(EventLoop& loop, Duration limit = milliseconds(800))
        : thread_([this, &loop, limit] {
              std::unique_lock lock(mutex_);
              if (!done_cv_.wait_for(lock, limit, [this] { return done_; })) {
                  fired_ = true;
                  (void)loop.post([&loop] { loop.stop(); });
              }
          }) {}
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    ~Watchdog() {
        {
            const std::lock_guard lock(mutex_);
            done_ = true;
        }
        done_cv_.notify_one();
        thread_.join();
    }
    bool fired() const { return fired_.load(); }

private:
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::atomic<bool> fired_{false};
    std::thread thread_;
};

bool is_blocked(int signo) {
    sigset_t current;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &current);
    return ::sigismember(&current, signo) == 1;
}

void set_blocked(int signo, bool blocked) {
    sigset_t set;
    ::sigemptyset(&set);
    ::sigaddset(&set, signo);
    ::pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &set, nullptr);
}

TEST(EventLoop, CreatesWithItsOwnSystemClock) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.has_value());
    const SystemClock clock;
    const Instant before = clock.now();
    const Instant seen = (*loop)->now();
    EXPECT_LE(before, seen);
    EXPECT_LE(seen, clock.now());
    EXPECT_TRUE((*loop)->run_once(Duration::zero()));
}

TEST(EventLoop, DispatchesReadableFd) {
    auto loop = make_loop();
    Pipe pipe = make_pipe();
    int calls = 0;
    char seen = 0;
    ASSERT_TRUE(loop->add(pipe.read.get(), EPOLLIN, [&](std::uint32_t events) {
        ++calls;
        EXPECT_NE(events & EPOLLIN, 0U);
        EXPECT_EQ(::read(pipe.read.get(), &seen, 1), 1);
    }));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(calls, 0);
    write_byte(pipe.write, 'q');
    ASSERT_TRUE(loop->run_once(milliseconds(100)));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen, 'q');
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(calls, 1);
}

TEST(EventLoop, WakeTimeIsTheWakeupsTimeInsideHandlersAndNowElsewhere) {
    FakeClock clock;
    auto loop = make_loop(clock);
    Pipe a = make_pipe();
    Pipe b = make_pipe();
    const Instant woke = clock.now();
    std::vector<Instant> seen;
    const auto handler = [&](const Pipe& p) {
        return [&](std::uint32_t) {
            char c = 0;
            EXPECT_EQ(::read(p.read.get(), &c, 1), 1);
            seen.push_back(loop->wake_time());
            clock.advance(milliseconds(5));  // work in the handler takes time
            EXPECT_EQ(loop->now(), clock.now());
        };
    };
    ASSERT_TRUE(loop->add(a.read.get(), EPOLLIN, handler(a)));
    ASSERT_TRUE(loop->add(b.read.get(), EPOLLIN, handler(b)));
    write_byte(a.write);
    write_byte(b.write);
    ASSERT_TRUE(loop->run_once(milliseconds(100)));
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[0], woke);  // both handlers of one wakeup see its time
    EXPECT_EQ(seen[1], woke);
    EXPECT_EQ(loop->wake_time(), clock.now());  // outside a handler: now()
}

TEST(EventLoop, ModifyChangesReportedEvents) {
    auto loop = make_loop();
    std::array<int, 2> sv{-1, -1};
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv.data()), 0);
    const UniqueFd a(sv[0]);
    const UniqueFd b(sv[1]);
    std::vector<std::uint32_t> seen;
    ASSERT_TRUE(loop->add(a.get(), EPOLLIN, [&](std::uint32_t events) { seen.push_back(events); }));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_TRUE(seen.empty());
    ASSERT_TRUE(loop->modify(a.get(), EPOLLOUT));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_NE(seen[0] & EPOLLOUT, 0U);
}

TEST(EventLoop, AddingAnFdTwiceFails) {
    auto loop = make_loop();
    Pipe pipe = make_pipe();
    ASSERT_TRUE(loop->add(pipe.read.get(), EPOLLIN, [](std::uint32_t) {}));
    const auto again = loop->add(pipe.read.get(), EPOLLIN, [](std::uint32_t) {});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, std::errc::file_exists);
}

TEST(EventLoop, RemovingOrModifyingAnUnknownFdFails) {
    auto loop = make_loop();
    Pipe pipe = make_pipe();
    const auto removed = loop->remove(pipe.read.get());
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, std::errc::no_such_file_or_directory);
    EXPECT_FALSE(loop->modify(pipe.read.get(), EPOLLIN));
}

TEST(EventLoop, RemovesFdInsideOwnHandler) {
    auto loop = make_loop();
    Pipe pipe = make_pipe();
    write_byte(pipe.write);  // never drained: stays readable
    int calls = 0;
    std::string seen;
    const std::string captured(64, 'c');  // heap-allocated: ASan sees a use after free
    ASSERT_TRUE(loop->add(pipe.read.get(), EPOLLIN, [&, captured](std::uint32_t) {
        ++calls;
        EXPECT_TRUE(loop->remove(pipe.read.get()));
        seen = captured;
    }));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen, captured);
}

TEST(EventLoop, RemovesOtherFdInsideHandlerOfSameBatch) {
    auto loop = make_loop();
    Pipe first = make_pipe();
    Pipe second = make_pipe();
    write_byte(first.write);
    write_byte(second.write);
    int first_calls = 0;
    int second_calls = 0;
    ASSERT_TRUE(loop->add(first.read.get(), EPOLLIN, [&](std::uint32_t) {
        ++first_calls;
        (void)loop->remove(second.read.get());
    }));
    ASSERT_TRUE(loop->add(second.read.get(), EPOLLIN, [&](std::uint32_t) {
        ++second_calls;
        (void)loop->remove(first.read.get());
    }));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(first_calls + second_calls, 1);
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(first_calls * second_calls, 0);
    EXPECT_EQ(first_calls + second_calls, 2);
}

TEST(EventLoop, ReaddedFdGetsNoStaleEventOfSameBatch) {
    auto loop = make_loop();
    Pipe first = make_pipe();
    Pipe second = make_pipe();
    write_byte(first.write);
    write_byte(second.write);
    int winner_calls = 0;
    int fresh_calls = 0;
    auto readd_other = [&](int other) {
        return [&, other](std::uint32_t) {
            if (winner_calls++ > 0) {
                return;
            }
            EXPECT_TRUE(loop->remove(other));
            EXPECT_TRUE(loop->add(other, EPOLLIN, [&](std::uint32_t) { ++fresh_calls; }));
        };
    };
    ASSERT_TRUE(loop->add(first.read.get(), EPOLLIN, readd_other(second.read.get())));
    ASSERT_TRUE(loop->add(second.read.get(), EPOLLIN, readd_other(first.read.get())));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(winner_calls, 1);
    EXPECT_EQ(fresh_calls, 0);
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(fresh_calls, 1);
}

TEST(EventLoop, ReaddsFdInsideOwnHandler) {
    auto loop = make_loop();
    Pipe pipe = make_pipe();
    write_byte(pipe.write);
    int old_calls = 0;
    int new_calls = 0;
    ASSERT_TRUE(loop->add(pipe.read.get(), EPOLLIN, [&](std::uint32_t) {
        ++old_calls;
        EXPECT_TRUE(loop->remove(pipe.read.get()));
        EXPECT_TRUE(loop->add(pipe.read.get(), EPOLLIN, [&](std::uint32_t) { ++new_calls; }));
    }));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(old_calls, 1);
    EXPECT_EQ(new_calls, 1);
}

TEST(EventLoop, TimersFireInDeadlineOrder) {
    FakeClock clock;
    auto loop = make_loop(clock);
    const Instant t0 = clock.now();
    std::vector<std::string> fired;
    (void)loop->add_timer(t0 + milliseconds(30), [&] { fired.emplace_back("30"); });
    (void)loop->add_timer(t0 + milliseconds(10), [&] { fired.emplace_back("10a"); });
    (void)loop->add_timer(t0 + milliseconds(20), [&] { fired.emplace_back("20"); });
    (void)loop->add_timer(t0 + milliseconds(10), [&] { fired.emplace_back("10b"); });
    EXPECT_EQ(loop->timer_count(), 4U);
    clock.advance(milliseconds(30));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(fired, (std::vector<std::string>{"10a", "10b", "20", "30"}));
    EXPECT_EQ(loop->timer_count(), 0U);
}

TEST(EventLoop, TimerFiresAtItsDeadlineNotBefore) {
    FakeClock clock;
    auto loop = make_loop(clock);
    bool fired = false;
    (void)loop->add_timer(clock.now() + milliseconds(10), [&] { fired = true; });
    clock.advance(milliseconds(9));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_FALSE(fired);
    clock.advance(milliseconds(1));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_TRUE(fired);
}

TEST(EventLoop, CancelledTimerDoesNotFire) {
    FakeClock clock;
    auto loop = make_loop(clock);
    bool fired = false;
    const TimerId id = loop->add_timer(clock.now() + milliseconds(5), [&] { fired = true; });
    EXPECT_TRUE(loop->cancel_timer(id));
    EXPECT_FALSE(loop->cancel_timer(id));
    EXPECT_EQ(loop->timer_count(), 0U);
    clock.advance(milliseconds(10));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_FALSE(fired);
}

TEST(EventLoop, RescheduleMovesTheDeadline) {
    FakeClock clock;
    auto loop = make_loop(clock);
    const Instant t0 = clock.now();
    std::vector<int> fired;
    const TimerId later = loop->add_timer(t0 + milliseconds(10), [&] { fired.push_back(1); });
    const TimerId sooner = loop->add_timer(t0 + milliseconds(40), [&] { fired.push_back(2); });
    EXPECT_TRUE(loop->reschedule(later, t0 + milliseconds(30)));
    EXPECT_TRUE(loop->reschedule(sooner, t0 + milliseconds(20)));
    clock.advance(milliseconds(20));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(fired, (std::vector<int>{2}));
    clock.advance(milliseconds(10));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(fired, (std::vector<int>{2, 1}));
    EXPECT_FALSE(loop->reschedule(later, t0 + milliseconds(50)));
}

TEST(EventLoop, TimerAddedFromCallbackFiresOnNextIteration) {
    FakeClock clock;
    auto loop = make_loop(clock);
    int inner_fired = 0;
    (void)loop->add_timer(clock.now(), [&] {
        (void)loop->add_timer(clock.now(), [&] { ++inner_fired; });
    });
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(inner_fired, 0);
    EXPECT_EQ(loop->timer_count(), 1U);
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(inner_fired, 1);
}

TEST(EventLoop, CallbackCancelsTimerDueInSamePass) {
    FakeClock clock;
    auto loop = make_loop(clock);
    bool second_fired = false;
    TimerId second = TimerId::none;
    (void)loop->add_timer(clock.now() + milliseconds(1),
                          [&] { EXPECT_TRUE(loop->cancel_timer(second)); });
    second = loop->add_timer(clock.now() + milliseconds(2), [&] { second_fired = true; });
    clock.advance(milliseconds(5));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_FALSE(second_fired);
    EXPECT_EQ(loop->timer_count(), 0U);
}

TEST(EventLoop, CallbackPostponesTimerDueInSamePass) {
    FakeClock clock;
    auto loop = make_loop(clock);
    int second_fired = 0;
    TimerId second = TimerId::none;
    (void)loop->add_timer(clock.now() + milliseconds(1), [&] {
        EXPECT_TRUE(loop->reschedule(second, clock.now() + milliseconds(10)));
    });
    second = loop->add_timer(clock.now() + milliseconds(2), [&] { ++second_fired; });
    clock.advance(milliseconds(5));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(second_fired, 0);
    clock.advance(milliseconds(10));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(second_fired, 1);
}

TEST(EventLoop, TimerRescheduledFromOwnCallbackFiresAgain) {
    FakeClock clock;
    auto loop = make_loop(clock);
    int fired = 0;
    TimerId id = TimerId::none;
    id = loop->add_timer(clock.now() + milliseconds(10), [&] {
        ++fired;
        EXPECT_TRUE(loop->reschedule(id, clock.now() + milliseconds(10)));
    });
    for (int i = 0; i < 3; ++i) {
        clock.advance(milliseconds(10));
        ASSERT_TRUE(loop->run_once(Duration::zero()));
    }
    EXPECT_EQ(fired, 3);
    EXPECT_EQ(loop->timer_count(), 1U);
}

TEST(EventLoop, ThousandsOfTimersFireSorted) {
    FakeClock clock;
    auto loop = make_loop(clock);
    const Instant t0 = clock.now();
    std::vector<Instant> fired;
    std::uint32_t seed = 12345;
    int expected = 0;
    for (int i = 0; i < 5000; ++i) {
        seed = seed * 1664525U + 1013904223U;
        const Instant deadline = t0 + milliseconds(seed % 1000U);
        const TimerId id = loop->add_timer(deadline, [&fired, deadline] {
            fired.push_back(deadline);
        });
        if (i % 3 == 0) {
            EXPECT_TRUE(loop->cancel_timer(id));
        } else {
            ++expected;
        }
    }
    clock.advance(milliseconds(1000));
    ASSERT_TRUE(loop->run_once(Duration::zero()));
    EXPECT_EQ(static_cast<int>(fired.size()), expected);
    EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

TEST(EventLoop, RealTimerfdWakesTheLoop) {
    auto loop = make_loop();
    const Instant start = loop->now();
    Instant fired_at{};
    (void)loop->add_timer(start + milliseconds(5), [&] { fired_at = loop->now(); });
    while (fired_at == Instant{} && loop->now() - start < milliseconds(500)) {
        ASSERT_TRUE(loop->run_once(milliseconds(500)));
    }
    ASSERT_NE(fired_at, Instant{});
    EXPECT_GE(fired_at - start, milliseconds(5));
    EXPECT_LT(fired_at - start, milliseconds(400));
}

TEST(EventLoop, RunOnceReturnsAfterMaxWait) {
    auto loop = make_loop();
    const Instant start = loop->now();
    ASSERT_TRUE(loop->run_once(milliseconds(10)));
    const Duration waited = loop->now() - start;
    EXPECT_GE(waited, milliseconds(10));
    EXPECT_LT(waited, milliseconds(400));
}

TEST(EventLoop, StopFromHandlerEndsRun) {
    auto loop = make_loop();
    const Watchdog watchdog(*loop);
    Pipe pipe = make_pipe();
    write_byte(pipe.write);
    int calls = 0;
    ASSERT_TRUE(loop->add(pipe.read.get(), EPOLLIN, [&](std::uint32_t) {
        ++calls;
        loop->stop();
    }));
    ASSERT_TRUE(loop->run());
    EXPECT_FALSE(watchdog.fired());
    EXPECT_EQ(calls, 1);
}

TEST(EventLoop, StopFromTimerEndsRun) {
    auto loop = make_loop();
    const Watchdog watchdog(*loop);
    const Instant start = loop->now();
    (void)loop->add_timer(start + milliseconds(10), [&] { loop->stop(); });
    ASSERT_TRUE(loop->run());
    EXPECT_FALSE(watchdog.fired());
    EXPECT_GE(loop->now() - start, milliseconds(10));
}

TEST(EventLoop, StopRequestedBeforeRunEndsItAtOnce) {
    auto loop = make_loop();
    const Watchdog watchdog(*loop);
    loop->stop();
    ASSERT_TRUE(loop->run());
    EXPECT_FALSE(watchdog.fired());
}

TEST(EventLoop, RunCanBeRestartedAfterStop) {
    auto loop = make_loop();
    const Watchdog watchdog(*loop);
    int runs = 0;
    const auto count_and_stop = [&] {
        ++runs;
        loop->stop();
    };
    ASSERT_TRUE(loop->post(count_and_stop));
    ASSERT_TRUE(loop->run());
    ASSERT_TRUE(loop->post(count_and_stop));
    ASSERT_TRUE(loop->run());
    EXPECT_FALSE(watchdog.fired());
    EXPECT_EQ(runs, 2);
}

TEST(EventLoop, PostFromAnotherThreadRunsOnLoopThread) {
    auto loop = make_loop();
    const Watchdog watchdog(*loop);
    std::thread::id ran_on;
    std::thread poster([&] {
        EXPECT_TRUE(loop->post([&] {
            ran_on = std::this_thread::get_id();
            loop->stop();
        }));
    });
    ASSERT_TRUE(loop->run());
    poster.join();
    EXPECT_FALSE(watchdog.fired());
    EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(EventLoop, PostsFromManyThreadsAllRun) {
    constexpr int threads = 4;
    constexpr int posts_per_thread = 1000;
    auto loop = make_loop();
    const Watchdog watchdog(*loop);
    int ran = 0;
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t) {
        posters.emplace_back([&] {
            for (int i = 0; i < posts_per_thread; ++i) {
                EXPECT_TRUE(loop->post([&] {
                    if (++ran == threads * posts_per_thread) {
                        loop->stop();
                    }
                }));
            }
        });
    }
    ASSERT_TRUE(loop->run());
    for (std::thread& poster : posters) {
        poster.join();
    }
    EXPECT_FALSE(watchdog.fired());
    EXPECT_EQ(ran, threads * posts_per_thread);
}

TEST(EventLoop, DeliversSignalThroughSignalfd) {
    const SignalMaskGuard guard;
    set_blocked(SIGUSR1, true);
    auto loop = make_loop();
    int delivered = 0;
    ASSERT_TRUE(loop->on_signal(SIGUSR1, [&] { ++delivered; }));
    ASSERT_EQ(::raise(SIGUSR1), 0);
    for (int i = 0; i < 10 && delivered == 0; ++i) {
        ASSERT_TRUE(loop->run_once(milliseconds(50)));
    }
    EXPECT_EQ(delivered, 1);
}

TEST(EventLoop, OnSignalBlocksTheSignal) {
    const SignalMaskGuard guard;
    set_blocked(SIGUSR2, false);
    auto loop = make_loop();
    ASSERT_TRUE(loop->on_signal(SIGUSR2, [] {}));
    EXPECT_TRUE(is_blocked(SIGUSR2));
}

TEST(EventLoop, RejectsUnblockableSignal) {
    auto loop = make_loop();
    const auto r = loop->on_signal(SIGKILL, [] {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::invalid_argument);
}

}  // namespace
}  // namespace ogw

namespace ogw {
namespace {

TEST(EventLoopHooks, BeforeWaitRunsEveryIterationAndCanArmTimers) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop);
    int hooks = 0;
    bool fired = false;
    (*loop)->add_before_wait([&] {
        if (++hooks == 1) {
            (*loop)->add_timer((*loop)->now(), [&] { fired = true; });
        }
    });
    ASSERT_TRUE((*loop)->run_once(std::chrono::milliseconds(50)));
    ASSERT_TRUE((*loop)->run_once(std::chrono::milliseconds(0)));
    EXPECT_EQ(hooks, 2);
    EXPECT_TRUE(fired);
}

}  // namespace
}  // namespace ogw
