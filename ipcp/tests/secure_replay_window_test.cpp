// SPDX-License-Identifier: BSD-3-Clause
// The anti-replay window: a numbered table of (counter, verdict) on one window, written for
// ogw from RFC 6479's description, and a comparison with a plain set-based model.
#include <ipcp/secure/replay_window.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace ogw::ipcp::secure {
namespace {

constexpr auto ok = SecureError::ok;
constexpr auto replay = SecureError::replay;
constexpr auto stale = SecureError::stale;

struct Step {
    std::uint64_t counter;
    SecureError verdict;
};

TEST(SecureReplayWindow, Table) {
    static_assert(ReplayWindow::window_size == 1984);
    constexpr std::uint64_t big = 1'000'000;
    const Step steps[] = {
        /*  1 */ {0, ok},
        /*  2 */ {1, ok},
        /*  3 */ {1, replay},          // duplicate
        /*  4 */ {9, ok},
        /*  5 */ {8, ok},              // out of order within the window
        /*  6 */ {7, ok},
        /*  7 */ {7, replay},
        /*  8 */ {0, replay},
        /*  9 */ {1983, ok},
        /* 10 */ {0, replay},          // 1983 behind: still inside, still remembered
        /* 11 */ {2, ok},
        /* 12 */ {1984, ok},
        /* 13 */ {0, stale},           // 1984 behind: outside
        /* 14 */ {1, replay},          // 1983 behind
        /* 15 */ {3, ok},
        /* 16 */ {2047, ok},
        /* 17 */ {63, stale},
        /* 18 */ {64, ok},
        /* 19 */ {2048, ok},           // the word that held 0..63 is reused
        /* 20 */ {64, stale},
        /* 21 */ {65, ok},
        /* 22 */ {65, replay},
        /* 23 */ {big, ok},            // far ahead: the whole window slides
        /* 24 */ {big - 1, ok},
        /* 25 */ {big, replay},
        /* 26 */ {2048, stale},
        /* 27 */ {big - 1983, ok},
        /* 28 */ {big - 1984, stale},
        /* 29 */ {big + 64 * 32, ok},  // exactly one ring ahead
        /* 30 */ {big + 64 * 32 - 1, ok},
        /* 31 */ {big, stale},
        /* 32 */ {(1ULL << 62), ok},
        /* 33 */ {(1ULL << 62), replay},
        /* 34 */ {(1ULL << 62) - 1, ok},
    };
    ReplayWindow w;
    int n = 0;
    for (const Step& s : steps) {
        ++n;
        EXPECT_EQ(w.check_and_update(s.counter), s.verdict)
            << "step " << n << " counter " << s.counter;
    }
}

TEST(SecureReplayWindow, CheckChangesNothing) {
    ReplayWindow w;
    EXPECT_EQ(w.check(5), ok);
    EXPECT_EQ(w.check(5), ok);
    EXPECT_EQ(w.next_expected(), 0U);
    w.update(5);
    EXPECT_EQ(w.next_expected(), 6U);
    EXPECT_EQ(w.check(5), replay);
}

// Random walks that mostly move forward, with reordering, duplicates and jumps, against a
// model that remembers every accepted counter.
TEST(SecureReplayWindow, MatchesAModel) {
    std::mt19937_64 rng(42);
    for (int run = 0; run < 20; ++run) {
        ReplayWindow w;
        std::set<std::uint64_t> seen;
        std::uint64_t highest = 0;
        bool any = false;
        for (int i = 0; i < 5000; ++i) {
            std::uint64_t c = 0;
            const auto r = rng() % 100;
            if (r < 60) {
                c = highest + rng() % 4;
            } else if (r < 90) {
                c = highest > 2100 ? highest - rng() % 2100 : rng() % (highest + 1);
            } else if (r < 97) {
                c = highest + rng() % 3000;
            } else {
                c = highest + rng() % 100000;
            }
            SecureError expect = ok;
            if (any && c <= highest && highest - c >= ReplayWindow::window_size) {
                expect = stale;
            } else if (seen.contains(c)) {
                expect = replay;
            }
            ASSERT_EQ(w.check_and_update(c), expect) << "run " << run << " step " << i;
            if (expect == ok) {
                seen.insert(c);
                if (!any || c > highest) {
                    highest = c;
                }
                any = true;
            }
        }
    }
}

}  // namespace
}  // namespace ogw::ipcp::secure
