// SPDX-License-Identifier: BSD-3-Clause
#include "daemon/sd_notify.hpp"

#include <flowlib/sys/unique_fd.hpp>

#include <sys/socket.h>
#include <sys/un.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace ogw::gw {

void sd_notify(std::string_view state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || path[0] == '\0') {
        return;
    }
    const std::size_t len = std::strlen(path);
    sockaddr_un addr{};
    if (len >= sizeof addr.sun_path) {
        return;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path, len);
    if (addr.sun_path[0] == '@') {
        addr.sun_path[0] = '\0';  // abstract namespace
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        return;
    }
    const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
    (void)::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                   reinterpret_cast<const sockaddr*>(&addr), addr_len);
}

namespace {

template <class T>
std::optional<T> parse_number(const char* text) {
    if (text == nullptr || *text == '\0') {
        return std::nullopt;
    }
    const char* end = text + std::strlen(text);
    T value{};
    const auto [at, ec] = std::from_chars(text, end, value);
    if (ec != std::errc() || at != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<Duration> sd_watchdog_interval(const char* usec, const char* pid, pid_t self) {
    const auto us = parse_number<std::uint64_t>(usec);
    if (!us || *us == 0) {
        return std::nullopt;
    }
    if (pid != nullptr && *pid != '\0') {
        const auto target = parse_number<pid_t>(pid);
        if (!target || *target != self) {
            return std::nullopt;  // meant for another process
        }
    }
    return std::chrono::duration_cast<Duration>(std::chrono::microseconds(*us / 2));
}

}  // namespace ogw::gw
