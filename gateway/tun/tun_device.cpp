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
    if (options.multi_queue || (options.offload_flags != 0 && !options.vnet_hdr) ||
        (options.vnet_hdr && mode != Mode::tun)) {
        return unexpected(
            Error{std::make_error_code(std::errc::not_supported),
                  "creating " + device_text(kind, name) +
                      ": IFF_MULTI_QUEUE is not implemented; offloads need IFF_VNET_HDR and TUN"});
    }

    UniqueFd fd(::open(tun_path, O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
        return unexpected(open_error(errno, kind, name));
    }
    ifreq request{};
    std::memcpy(request.ifr_name, name.data(), name.size());
    const int type = mode == Mode::tun ? IFF_TUN : IFF_TAP;
    request.ifr_flags =
        static_cast<short>(type | IFF_NO_PI | (options.vnet_hdr ? IFF_VNET_HDR : 0));
    if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) {
        return unexpected(create_error(errno, kind, name));
    }
    std::string actual(request.ifr_name, ::strnlen(request.ifr_name, IFNAMSIZ));
    if (options.offload_flags != 0 &&
        ::ioctl(fd.get(), TUNSETOFFLOAD, static_cast<unsigned long>(options.offload_flags)) != 0) {
        return unexpected(Error::last("TUNSETOFFLOAD on " + device_text(kind, actual)));
    }

    // The flags the device has, which include IFF_PERSIST when we attached to a persistent one.
    unsigned int flags = 0;
    if (::ioctl(fd.get(), TUNGETIFF, &request) == 0) {
        flags = static_cast<unsigned short>(request.ifr_flags);
    }
    const unsigned index = ::if_nametoindex(actual.c_str());
    if (index == 0) {
        return unexpected(Error::last("look up the index of " + device_text(kind, actual)));
    }
    return std::unique_ptr<TunDevice>(new TunDevice(std::move(fd), std::move(actual),
                                                    static_cast<int>(index), mode,
                                                    (flags & IFF_PERSIST) != 0));
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
