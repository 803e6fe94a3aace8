// SPDX-License-Identifier: BSD-3-Clause
// The library's per-flow state, shared by the C API, the C++ API and the event sets.
#pragma once

#include <flowlib/api/flow.hpp>
#include <flowlib/flow_end.hpp>
#include <ogw/fccntl.h>
#include <ogw/fqueue.h>
#include <ogw/qos.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ogw::flow::detail {

inline Unexpected<Error> fail(int negative) { return unexpected(make_flow_error(negative, {})); }

// Everything the library knows about one flow descriptor. The mutex is never held while
// waiting: blocking calls poll with it released.
struct FlowEntry {
    FlowEntry(int flow_fd, const qosspec_t& granted, std::size_t sdu_limit)
        : fd(flow_fd), qos(granted), max_sdu(sdu_limit), overflow(sdu_limit) {}

    const int fd;
    std::mutex mutex;  // guards every member below

    FlowEnd end;
    std::uint32_t flags = FLOWFDEFAULT;
    std::optional<Duration> rcv_timeo;
    std::optional<Duration> snd_timeo;
    qosspec_t qos;
    std::size_t max_sdu;
    std::string name;
    std::uint64_t flow_id = 0;

    // recvmsg scatters the part of an SDU that does not fit the caller's buffer here; the
    // next reads return it from part_off.
    std::vector<std::byte> overflow;
    std::size_t part_off = 0;
    std::size_t part_len = 0;
    bool part_done = false;  // the last read ended an SDU at exactly count: next returns 0

    // Events of state changes that a read took off the queue (behind the data it was after):
    // the next fevent reports them.
    std::vector<int> unreported_events;

    bool closed = false;        // deallocated; a thread still holding the entry must stop
    bool eof_reported = false;  // fevent reported FLOW_DEALLOC for the daemon's end of file
    fset_t* set = nullptr;
};

using EntryPtr = std::shared_ptr<FlowEntry>;

void add_flow(EntryPtr entry);
// nullptr for fds the library does not know.
EntryPtr find_flow(int fd);
EntryPtr remove_flow(int fd);

// Removes fd from the set it is in (fset_del without the membership check).
void leave_set(fset_t* set, int fd);

// The shared implementations; the C functions add argument checks.
Result<int> alloc_flow(const char* name, qosspec_t* qs, std::optional<Duration> timeout);
Result<int> accept_flow(qosspec_t* qs, std::optional<Duration> timeout);

}  // namespace ogw::flow::detail
