// SPDX-License-Identifier: BSD-3-Clause
#include "packet/tcp_options.hpp"

#include <flowlib/bytes.hpp>

namespace ogw::gw {

bool TcpOptionReader::next(TcpOption& option) {
    if (position_ >= options_.size()) {
        return false;
    }
    const std::uint8_t kind = be::load8(options_.data() + position_);
    if (kind == tcp_option::end) {
        position_ = options_.size();
        return false;
    }
    if (kind == tcp_option::nop) {
        option = {kind, position_, 1};
        ++position_;
        return true;
    }
    const std::size_t remaining = options_.size() - position_;
    if (remaining < 2) {
        malformed_ = true;
        position_ = options_.size();
        return false;
    }
    const std::size_t length = be::load8(options_.data() + position_ + 1);
    if (length < 2 || length > remaining) {
        malformed_ = true;
        position_ = options_.size();
        return false;
    }
    option = {kind, position_, length};
    position_ += length;
    return true;
}

}  // namespace ogw::gw
