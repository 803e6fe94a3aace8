// SPDX-License-Identifier: BSD-3-Clause
// Allocation, acceptance, deallocation and names: <ogw/dev.h> minus reading and writing.
#include "control.hpp"
#include "internal.hpp"

#include <flowlib/qos_json.hpp>

#include <ogw/dev.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <unordered_map>

namespace ogw::flow::detail {
namespace {

// Upstream's FLOW_ALLOC_TIMEOUT.
constexpr auto default_alloc_timeout = std::chrono::seconds(20);
// ogwd enforces the timeout it is given; the library waits this much longer for its answer.
constexpr auto answer_grace = std::chrono::seconds(5);
// Largest SDU the library accepts from a daemon's answer (its per-flow buffer is this big).
constexpr std::uint64_t max_sdu_limit = 16 * 1024 * 1024;

struct FlowTable {
    std::mutex mutex;
    std::unordered_map<int, EntryPtr> flows;
};

FlowTable& table() {
    // Never destroyed: threads may still use flows while the process exits.
    static auto* flows = new FlowTable;
    return *flows;
}

std::uint64_t timeout_ms(Duration d) {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return ms < 0 ? 0 : static_cast<std::uint64_t>(ms);
}

bool is_seqpacket_socket(int fd) {
    int type = 0;
    socklen_t len = sizeof type;
    return ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET;
}

// Enters the flow a flow_alloc/flow_accept answer carries into the table.
Result<int> install_flow(Reply reply, qosspec_t qos, qosspec_t* qs) {
    const json::Value& result = reply.result;
    const auto max_sdu = result.get_uint("max_sdu");
    if (!reply.fd || !is_seqpacket_socket(reply.fd.get()) || !max_sdu || *max_sdu == 0 ||
        *max_sdu > max_sdu_limit) {
        return fail(-EPROTO);
    }
    if (const json::Value* granted = result.find("qos"); granted != nullptr) {
        auto parsed = qos_from_json(*granted);
        if (!parsed) {
            return fail(-EPROTO);
        }
        qos = *parsed;
    }
    auto entry = std::make_shared<FlowEntry>(reply.fd.get(), qos,
                                             static_cast<std::size_t>(*max_sdu));
    entry->flow_id = result.get_uint("flow_id").value_or(0);
    entry->name = std::string(result.get_string("name").value_or(""));
    add_flow(std::move(entry));
    if (qs != nullptr) {
        *qs = qos;
    }
    return reply.fd.release();
}

int name_request(const char* op, const char* name) {
    if (name == nullptr || *name == '\0') {
        return -EINVAL;
    }
    auto reply = main_request(json::Object{{"op", op}, {"name", name}});
    return reply ? 0 : negative_errno(reply.error());
}

}  // namespace

void add_flow(EntryPtr entry) {
    FlowTable& t = table();
    const std::lock_guard lock(t.mutex);
    // A stale entry for the same number means the fd was closed without flow_dealloc.
    const int fd = entry->fd;
    t.flows.insert_or_assign(fd, std::move(entry));
}

EntryPtr find_flow(int fd) {
    FlowTable& t = table();
    const std::lock_guard lock(t.mutex);
    const auto it = t.flows.find(fd);
    return it == t.flows.end() ? nullptr : it->second;
}

EntryPtr remove_flow(int fd) {
    FlowTable& t = table();
    const std::lock_guard lock(t.mutex);
    const auto it = t.flows.find(fd);
    if (it == t.flows.end()) {
        return nullptr;
    }
    EntryPtr entry = std::move(it->second);
    t.flows.erase(it);
    return entry;
}

Result<int> alloc_flow(const char* name, qosspec_t* qs, std::optional<Duration> timeout) {
    if (name == nullptr) {
        return fail(-EINVAL);
    }
    const qosspec_t requested = qs != nullptr ? *qs : qos_raw;
    const Duration limit = timeout.value_or(default_alloc_timeout);
    json::Object request{
        {"op", "flow_alloc"},
        {"name", name},
        {"qos", qos_to_json(requested)},
        {"timeout_ms", timeout_ms(limit)},
    };
    auto reply = blocking_request(std::move(request), now() + limit + answer_grace);
    if (!reply) {
        return unexpected(reply.error());
    }
    return install_flow(std::move(*reply), requested, qs);
}

Result<int> accept_flow(qosspec_t* qs, std::optional<Duration> timeout) {
    json::Object request{{"op", "flow_accept"}};
    Deadline deadline;
    if (timeout) {
        request.set("timeout_ms", timeout_ms(*timeout));
        deadline = now() + *timeout + answer_grace;
    }
    auto reply = blocking_request(std::move(request), deadline);
    if (!reply) {
        return unexpected(reply.error());
    }
    return install_flow(std::move(*reply), qos_raw, qs);
}

}  // namespace ogw::flow::detail

using ogw::flow::detail::accept_flow;
using ogw::flow::detail::alloc_flow;
using ogw::flow::detail::EntryPtr;
using ogw::flow::detail::leave_set;
using ogw::flow::detail::name_request;
using ogw::flow::detail::remove_flow;
using ogw::flow::detail::to_duration;

extern "C" {

int flow_alloc(const char* dst_name, qosspec_t* qs, const struct timespec* timeo) {
    std::optional<ogw::Duration> timeout;
    if (const int rc = to_duration(timeo, timeout); rc != 0) {
        return rc;
    }
    auto fd = alloc_flow(dst_name, qs, timeout);
    return fd ? *fd : ogw::flow::negative_errno(fd.error());
}

int flow_accept(qosspec_t* qs, const struct timespec* timeo) {
    std::optional<ogw::Duration> timeout;
    if (const int rc = to_duration(timeo, timeout); rc != 0) {
        return rc;
    }
    auto fd = accept_flow(qs, timeout);
    return fd ? *fd : ogw::flow::negative_errno(fd.error());
}

int flow_join(const char* /*bc_layer*/, const struct timespec* /*timeo*/) { return -ENOTSUP; }

int flow_dealloc(int fd) {
    if (fd < 0) {
        return -EBADF;
    }
    const EntryPtr entry = remove_flow(fd);
    if (!entry) {
        return -ENOTALLOC;
    }
    fset_t* set = nullptr;
    {
        const std::lock_guard lock(entry->mutex);
        entry->closed = true;
        set = entry->set;
        entry->set = nullptr;
    }
    if (set != nullptr) {
        leave_set(set, fd);
    }
    // shutdown() wakes threads polling this fd; close() alone would not.
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    return 0;
}

int ogw_register(const char* name) { return name_request("register", name); }

int ogw_unregister(const char* name) { return name_request("unregister", name); }

}  // extern "C"
