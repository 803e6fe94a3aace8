// SPDX-License-Identifier: BSD-3-Clause
// The flow API for C++: the same flows as <ogw/dev.h>, owned by a move-only RAII class.
//
//   auto flow = ogw::flow::Flow::alloc("oecho", qos_raw, std::chrono::seconds(5));
//   if (!flow) { std::cerr << flow.error().message() << '\n'; return 1; }
//   auto sent = flow->write(std::as_bytes(std::span(text)));
//
// Errors carry flow_category(): code.value() is the positive errno (Linux or <ogw/errno.h>),
// and Linux values compare equal to std::errc (code == std::errc::timed_out).
#pragma once

#include <flowlib/clock.hpp>
#include <flowlib/result.hpp>
#include <ogw/qos.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace ogw::flow {

const std::error_category& flow_category();

// An Error from a negative errno as the C API returns it.
Error make_flow_error(int negative_errno, std::string where);

// The negative errno an Error of this API stands for (-EIO for foreign categories).
int negative_errno(const Error& error);

class Flow {
public:
    // timeout: nullopt means 20 s.
    static Result<Flow> alloc(std::string_view name, const qosspec_t& qos = qos_raw,
                              std::optional<Duration> timeout = std::nullopt);
    // timeout: nullopt waits forever.
    static Result<Flow> accept(std::optional<Duration> timeout = std::nullopt);
    // Takes ownership of a flow descriptor returned by flow_alloc or flow_accept.
    static Result<Flow> adopt(int fd);

    Flow() = default;
    Flow(const Flow&) = delete;
    Flow& operator=(const Flow&) = delete;
    Flow(Flow&& other) noexcept : fd_(other.release()) {}
    Flow& operator=(Flow&& other) noexcept;
    ~Flow();

    // As flow_read: a partial read returns buffer.size() and continues the same SDU next time.
    Result<std::size_t> read(std::span<std::byte> buffer);
    // One SDU per call.
    Result<void> write(std::span<const std::byte> sdu);
    // Releases the flow (the destructor does it too); the object is left empty.
    Result<void> dealloc();

    // nullopt disables the timeout.
    Result<void> set_read_timeout(std::optional<Duration> timeout);
    Result<void> set_write_timeout(std::optional<Duration> timeout);
    // FLOWF* flags as fccntl(FLOWSFLAGS) / fccntl(FLOWGFLAGS).
    Result<void> set_flags(std::uint32_t flags);
    std::uint32_t flags() const;

    qosspec_t qos() const;
    std::size_t max_sdu() const;
    // The name the requester allocated the flow to.
    std::string name() const;

    int fd() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }
    // Gives up ownership without deallocating.
    [[nodiscard]] int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    explicit Flow(int fd) : fd_(fd) {}

    int fd_ = -1;
};

// ogw_register / ogw_unregister.
Result<void> register_name(std::string_view name);
Result<void> unregister_name(std::string_view name);

}  // namespace ogw::flow
