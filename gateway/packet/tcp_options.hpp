// SPDX-License-Identifier: BSD-3-Clause
// A bounded walk over a TCP option list (RFC 9293 §3.2). The walk stops at End of Option List,
// at the end of the list, or at the first option whose length byte is missing, below 2 or runs
// past the end; every step advances, so it takes at most options.size() steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ogw::gw {

namespace tcp_option {
inline constexpr std::uint8_t end = 0;
inline constexpr std::uint8_t nop = 1;
inline constexpr std::uint8_t mss = 2;
inline constexpr std::size_t mss_length = 4;
}  // namespace tcp_option

struct TcpOption {
    std::uint8_t kind = 0;
    std::size_t offset = 0;  // of the kind byte, within the option list
    std::size_t length = 0;  // whole option; 1 for NOP
};

class TcpOptionReader {
public:
    explicit TcpOptionReader(std::span<const std::byte> options) : options_(options) {}

    // The next option, or false when the walk is over.
    bool next(TcpOption& option);
    // The walk stopped at a malformed option rather than at the end or End of Option List.
    bool malformed() const { return malformed_; }

private:
    std::span<const std::byte> options_;
    std::size_t position_ = 0;
    bool malformed_ = false;
};

}  // namespace ogw::gw
