// SPDX-License-Identifier: BSD-3-Clause
// What a shim engine needs to authenticate and encrypt its flows (docs/security.md §9): this
// node's identity, the allowed peers, the policy, and the injected clock and randomness. The
// daemon builds one from [security] and hands it to every IPCP's engine.
#pragma once

#include <ipcp/peer_address.hpp>
#include <ipcp/secure/handshake.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ogw::ipcp {

enum class EncryptionMode : std::uint8_t {
    off,       // protocol v1 as without security: secure messages are unknown types
    optional,  // flows to peers with a key are sealed; plain requests are accepted
    required,  // every flow is sealed; plain requests are refused with -ECRYPT
};

// How long a key outlives its rekey time at least (docs/security.md §6.1); a flow's keys
// last its peer timeout longer if that is more.
inline constexpr Duration rekey_grace = std::chrono::seconds(60);

struct EngineSecurity {
    EncryptionMode mode = EncryptionMode::off;
    std::shared_ptr<const secure::Identity> identity;  // needed unless mode is off
    // `peer-key` lines in file order: a node name and its key.
    std::vector<std::pair<std::string, secure::PublicKey>> peers;
    // The directory: the address serving a name now, if known. The key for an allocation is
    // the first listed for the name allocated to, else the first listed for a node whose
    // directory address is the destination.
    std::function<std::optional<PeerAddress>(std::string_view)> lookup;
    // Per flow, reject_after_time becomes rekey_after_time plus the larger of their difference
    // and the flow's peer timeout.
    secure::SessionLimits limits;
    secure::FreshnessConfig freshness;
    // Wall clock, ns since the Unix epoch (initiation timestamps); must be set unless off.
    std::function<std::uint64_t()> unix_ns;
    std::shared_ptr<secure::Rng> rng;  // default: libsodium's CSPRNG

    bool enabled() const { return mode != EncryptionMode::off; }
};

}  // namespace ogw::ipcp
