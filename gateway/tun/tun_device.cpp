// SPDX-License-Identifier: BSD-3-Clause
#include "tun/tun_device.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ogw::gw {
namespace {

constexpr const char* tun_path = "/dev/net/tun";

std::string device_text(std::string_view kind, const std::string& name) {
    return std::string(kind) + " device " + name;
}

Error open_error(int err, std::string_view kind, const std::string& name) {
    switch (err) {
        case ENOENT:
        case ENODEV:
        case ENXIO:
            return Error::from_errno(err, std::string(tun_path) + " is missing: creating " +
                                              device_text(kind, name) +
                                              " needs the tun driver (modprobe tun)");
        case EACCES:
        case EPERM:
            return Error::from_errno(err, std::string("cannot open ") + tun_path + ": creating " +
                                              device_text(kind, name) + " needs CAP_NET_ADMIN");
        default:
            return Error::from_errno(
                err, std::string("open ") + tun_path + " for " + device_text(kind, name));
    }
}

Error create_error(int err, std::string_view kind, const std::string& name) {
    switch (err) {
        case EPERM:
            return Error::from_errno(
                err, "creating " + device_text(kind, name) + " needs CAP_NET_ADMIN");
        case EBUSY:
            return Error::from_errno(err, "device " + name + " exists and is in use");
        case EINVAL:
            if (::if_nametoindex(name.c_str()) != 0) {
                return Error::from_errno(err, "device " + name + " exists and is not a " +
                                                  std::string(kind) + " device");
            }
            return Error::from_errno(
                err, "invalid " + std::string(kind) + " device name '" + name + "'");
        default:
            return Error::from_errno(err, "creating " + device_text(kind, name));
    }
}

// One fd on the device `request` names, with the request's flags, and the offloads.
Result<UniqueFd> open_queue(ifreq& request, const TunOptions& options, std::string_view kind,
                            const std::string& name) {
    UniqueFd fd(::open(tun_path, O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
        return unexpected(open_error(errno, kind, name));
    }
    if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) {
        const int err = errno;
        if (err == EINVAL && options.queues > 1 && ::if_nametoindex(name.c_str()) != 0) {
            return unexpected(Error::from_errno(
                err, "device " + name + " exists and is not a multi-queue " + std::string(kind) +
                         " device (IFF_MULTI_QUEUE); [gateway] queues = 1 attaches to it"));
        }
        return unexpected(create_error(err, kind, name));
    }
    if (options.offload_flags != 0 &&
        ::ioctl(fd.get(), TUNSETOFFLOAD, static_cast<unsigned long>(options.offload_flags)) != 0) {
        return unexpected(Error::last("TUNSETOFFLOAD on " + device_text(kind, name)));
    }
    return fd;
}

}  // namespace

std::string_view tun_mode_name(TunMode mode) {
    return mode == TunMode::tun ? "TUN" : "TAP";
}

Result<std::unique_ptr<TunDevice>> TunDevice::open(const std::string& name, Mode mode,
                                                   const Options& options) {
    const std::string_view kind = tun_mode_name(mode);
    if (name.empty() || name.size() >= IFNAMSIZ) {
        return unexpected(Error{make_error_code(errc::bad_value),
                                "invalid " + std::string(kind) + " device name '" + name +
                                    "': 1 to " + std::to_string(IFNAMSIZ - 1) + " characters"});
    }
    if ((options.offload_flags != 0 && !options.vnet_hdr) ||
        (options.vnet_hdr && mode != Mode::tun)) {
        return unexpected(Error{std::make_error_code(std::errc::not_supported),
                                "creating " + device_text(kind, name) +
                                    ": offloads need IFF_VNET_HDR and TUN"});
    }
    if (options.queues == 0 || options.queues > max_tun_queues) {
        return unexpected(Error{make_error_code(errc::bad_value),
                                "creating " + device_text(kind, name) + " with " +
                                    std::to_string(options.queues) + " queues: 1 to " +
                                    std::to_string(max_tun_queues)});
    }

    const bool multi = options.queues > 1;
    const int type = mode == Mode::tun ? IFF_TUN : IFF_TAP;
    ifreq request{};
    std::memcpy(request.ifr_name, name.data(), name.size());
    request.ifr_flags = static_cast<short>(type | IFF_NO_PI |
                                           (options.vnet_hdr ? IFF_VNET_HDR : 0) |
                                           (multi ? IFF_MULTI_QUEUE : 0));
    auto fd = open_queue(request, options, kind, name);
    if (!fd) {
        return unexpected(fd.error());
    }
    std::string actual(request.ifr_name, ::strnlen(request.ifr_name, IFNAMSIZ));
    std::vector<UniqueFd> more_queues;
    for (std::size_t i = 1; i < options.queues; ++i) {
        // The name the kernel chose, so that a %d template attaches to the same device.
        std::memcpy(request.ifr_name, actual.data(), actual.size());
        auto queue = open_queue(request, options, kind, actual);
        if (!queue) {
            return unexpected(Error{queue.error().code,
                                    "attaching queue " + std::to_string(i) + " of " +
                                        std::to_string(options.queues) + ": " +
                                        queue.error().message()});
        }
        more_queues.push_back(std::move(*queue));
    }

    // The flags the device has, which include IFF_PERSIST when we attached to a persistent one.
    unsigned int flags = 0;
    if (::ioctl(fd->get(), TUNGETIFF, &request) == 0) {
        flags = static_cast<unsigned short>(request.ifr_flags);
    }
    const unsigned index = ::if_nametoindex(actual.c_str());
    if (index == 0) {
        return unexpected(Error::last("look up the index of " + device_text(kind, actual)));
    }
    auto device = std::unique_ptr<TunDevice>(new TunDevice(std::move(*fd), std::move(actual),
                                                           static_cast<int>(index), mode,
                                                           (flags & IFF_PERSIST) != 0));
    device->more_queues_ = std::move(more_queues);
    return device;
}

std::vector<int> TunDevice::queue_fds() const {
    std::vector<int> fds{fd_.get()};
    for (const auto& q : more_queues_) {
        fds.push_back(q.get());
    }
    return fds;
}

Result<std::size_t> TunDevice::read_batch(std::span<const std::span<std::byte>> bufs,
                                          std::span<std::size_t> lens) {
    const std::size_t batch = std::min(bufs.size(), lens.size());
    std::size_t n = 0;
    while (n < batch) {
        const ssize_t r = ::read(fd_.get(), bufs[n].data(), bufs[n].size());
        if (r >= 0) {
            lens[n++] = static_cast<std::size_t>(r);
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || n > 0) {
            break;
        }
        return unexpected(Error::last("read from " + name_));
    }
    return n;
}

Result<void> TunDevice::write(std::span<const std::byte> packet) {
    for (;;) {
        if (::write(fd_.get(), packet.data(), packet.size()) >= 0) {
            return {};
        }
        const int err = errno;
        if (err != EINTR) {
            // name_ fits the short-string buffer (IFNAMSIZ): the error does not allocate.
            return unexpected(Error::from_errno(err, name_));
        }
    }
}

}  // namespace ogw::gw
