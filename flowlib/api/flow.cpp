// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/api/flow.hpp>

#include "internal.hpp"
#include "wait.hpp"

#include <ogw/dev.h>
#include <ogw/fccntl.h>

namespace ogw::flow {
namespace {

class FlowCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "ogw.flow"; }
    std::string message(int ev) const override { return ogw_strerror(ev); }
    std::error_condition default_error_condition(int ev) const noexcept override {
        // Linux errno values compare equal to std::errc; the flow errors stay in this category.
        if (ev > 0 && ev < ENOTALLOC) {
            return {ev, std::generic_category()};
        }
        return {ev, *this};
    }
};

Result<void> check(int rc, const char* where) {
    if (rc < 0) {
        return unexpected(make_flow_error(rc, where));
    }
    return {};
}

}  // namespace

const std::error_category& flow_category() {
    static const FlowCategory category;
    return category;
}

Error make_flow_error(int negative, std::string where) {
    return Error{std::error_code(negative < 0 ? -negative : negative, flow_category()),
                 std::move(where)};
}

int negative_errno(const Error& error) {
    if (error.code.category() == flow_category() ||
        error.code.category() == std::system_category() ||
        error.code.category() == std::generic_category()) {
        return -error.code.value();
    }
    return -EIO;
}

Result<Flow> Flow::alloc(std::string_view name, const qosspec_t& qos,
                         std::optional<Duration> timeout) {
    qosspec_t granted = qos;
    const std::string dst(name);
    auto fd = detail::alloc_flow(dst.c_str(), &granted, timeout);
    if (!fd) {
        return unexpected(make_flow_error(negative_errno(fd.error()), "flow_alloc " + dst));
    }
    return Flow(*fd);
}

Result<Flow> Flow::accept(std::optional<Duration> timeout) {
    auto fd = detail::accept_flow(nullptr, timeout);
    if (!fd) {
        return unexpected(make_flow_error(negative_errno(fd.error()), "flow_accept"));
    }
    return Flow(*fd);
}

Result<Flow> Flow::adopt(int fd) {
    if (fd < 0) {
        return unexpected(make_flow_error(-EBADF, "adopt flow"));
    }
    if (!detail::find_flow(fd)) {
        return unexpected(make_flow_error(-ENOTALLOC, "adopt flow"));
    }
    return Flow(fd);
}

Flow& Flow::operator=(Flow&& other) noexcept {
    if (this != &other) {
        (void)dealloc();
        fd_ = other.release();
    }
    return *this;
}

Flow::~Flow() { (void)dealloc(); }

Result<std::size_t> Flow::read(std::span<std::byte> buffer) {
    const ssize_t n = flow_read(fd_, buffer.data(), buffer.size());
    if (n < 0) {
        return unexpected(make_flow_error(static_cast<int>(n), "flow_read"));
    }
    return static_cast<std::size_t>(n);
}

Result<void> Flow::write(std::span<const std::byte> sdu) {
    const ssize_t n = flow_write(fd_, sdu.data(), sdu.size());
    return check(n < 0 ? static_cast<int>(n) : 0, "flow_write");
}

Result<void> Flow::dealloc() {
    if (fd_ < 0) {
        return {};
    }
    return check(flow_dealloc(release()), "flow_dealloc");
}

Result<void> Flow::set_read_timeout(std::optional<Duration> timeout) {
    if (!timeout) {
        return check(fccntl(fd_, FLOWSRCVTIMEO, nullptr), "FLOWSRCVTIMEO");
    }
    const timespec ts = detail::to_timespec(*timeout);
    return check(fccntl(fd_, FLOWSRCVTIMEO, &ts), "FLOWSRCVTIMEO");
}

Result<void> Flow::set_write_timeout(std::optional<Duration> timeout) {
    if (!timeout) {
        return check(fccntl(fd_, FLOWSSNDTIMEO, nullptr), "FLOWSSNDTIMEO");
    }
    const timespec ts = detail::to_timespec(*timeout);
    return check(fccntl(fd_, FLOWSSNDTIMEO, &ts), "FLOWSSNDTIMEO");
}

Result<void> Flow::set_flags(std::uint32_t flags) {
    return check(fccntl(fd_, FLOWSFLAGS, flags), "FLOWSFLAGS");
}

std::uint32_t Flow::flags() const {
    std::uint32_t flags = 0;
    (void)fccntl(fd_, FLOWGFLAGS, &flags);
    return flags;
}

qosspec_t Flow::qos() const {
    qosspec_t qos{};
    (void)fccntl(fd_, FLOWGQOSSPEC, &qos);
    return qos;
}

std::size_t Flow::max_sdu() const {
    const detail::EntryPtr entry = detail::find_flow(fd_);
    if (!entry) {
        return 0;
    }
    const std::lock_guard lock(entry->mutex);
    return entry->max_sdu;
}

std::string Flow::name() const {
    const detail::EntryPtr entry = detail::find_flow(fd_);
    if (!entry) {
        return {};
    }
    const std::lock_guard lock(entry->mutex);
    return entry->name;
}

Result<void> register_name(std::string_view name) {
    const std::string n(name);
    return check(ogw_register(n.c_str()), "register");
}

Result<void> unregister_name(std::string_view name) {
    const std::string n(name);
    return check(ogw_unregister(n.c_str()), "unregister");
}

}  // namespace ogw::flow
