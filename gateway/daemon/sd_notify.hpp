// SPDX-License-Identifier: BSD-3-Clause
// The systemd readiness protocol: a datagram to $NOTIFY_SOCKET. No-op when it is not set.
#pragma once

#include <string_view>

namespace ogw::gw {

void sd_notify(std::string_view state);

}  // namespace ogw::gw
