// SPDX-License-Identifier: BSD-3-Clause
// Endpoint ids: a slot in the IPCP's flow table plus a generation, so that a packet meant for
// an earlier flow in the same slot never reaches the new one.
#pragma once

#include <cstdint>

namespace ogw::ipcp {

using Eid = std::uint32_t;

inline constexpr Eid no_eid = 0;
inline constexpr unsigned eid_slot_bits = 20;
inline constexpr std::uint32_t eid_max_slots = (1U << eid_slot_bits) - 1;  // slot 0 unused
inline constexpr std::uint32_t eid_generations = 1U << (32 - eid_slot_bits);

constexpr std::uint32_t eid_slot(Eid e) { return e & eid_max_slots; }
constexpr std::uint32_t eid_generation(Eid e) { return e >> eid_slot_bits; }
constexpr Eid make_eid(std::uint32_t slot, std::uint32_t generation) {
    return (generation % eid_generations) << eid_slot_bits | (slot & eid_max_slots);
}

}  // namespace ogw::ipcp
