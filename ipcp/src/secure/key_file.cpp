// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/key_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <array>
#include <cerrno>
#include <cstdio>

namespace ogw::ipcp::secure {

namespace {

// A key file is one line; anything much longer is not a key file.
constexpr std::size_t max_key_file_size = 256;

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::string_view trim_key_text(std::string_view text) {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    };
    while (!text.empty() && space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

Result<SecretKey> load_private_key(const std::string& path) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        return unexpected(Error::last("private key file " + path));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return unexpected(Error::last("private key file " + path));
    }
    if (!S_ISREG(st.st_mode)) {
        return unexpected(Error{std::make_error_code(std::errc::invalid_argument),
                                "private key file " + path + " is not a regular file"});
    }
    if ((st.st_mode & 077) != 0) {
        return unexpected(Error{std::make_error_code(std::errc::permission_denied),
                                "private key file " + path + " has mode " +
                                    mode_text(st.st_mode) +
                                    ", open to group or others; run chmod 600 " + path});
    }
    std::array<char, max_key_file_size + 1> buf{};
    std::size_t n = 0;
    while (n < buf.size()) {
        const ssize_t r = ::read(fd.get(), buf.data() + n, buf.size() - n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            sodium_memzero(buf.data(), buf.size());
            return unexpected(Error::last("private key file " + path));
        }
        if (r == 0) {
            break;
        }
        n += static_cast<std::size_t>(r);
    }
    Result<SecretKey> key =
        n > max_key_file_size
            ? Result<SecretKey>(unexpected(Error{}))
            : secret_from_base64(trim_key_text(std::string_view(buf.data(), n)));
    sodium_memzero(buf.data(), buf.size());
    if (!key) {
        return unexpected(Error{make_error_code(errc::parse_error),
                                "private key file " + path +
                                    ": not a key (one line of 44 base64 characters, as written "
                                    "by ogw genkey)"});
    }
    return key;
}

std::string genkey(Rng& rng) { return secret_to_base64(generate_secret(rng)); }

Result<std::string> pubkey(std::string_view private_base64) {
    Result<SecretKey> key = secret_from_base64(trim_key_text(private_base64));
    if (!key) {
        return unexpected(key.error());
    }
    return public_key_of(*key).base64();
}

}  // namespace ogw::ipcp::secure
