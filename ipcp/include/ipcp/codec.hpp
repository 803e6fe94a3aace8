// SPDX-License-Identifier: BSD-3-Clause
// The shim's message format, behind an interface: protocol v1 is ogw's own; a codec speaking
// upstream Ouroboros 0.23's formats can sit beside it.
#pragma once

#include <ipcp/message.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace ogw::ipcp {

class Codec {
public:
    virtual ~Codec() = default;
    virtual std::string_view name() const = 0;

    // Data packets are an SDU behind a fixed header that the sender writes in place, in front
    // of the SDU, so sending copies nothing.
    virtual std::size_t data_header_size() const = 0;
    // Fills header (data_header_size() bytes). False if the SDU cannot be carried.
    virtual bool write_data_header(std::span<std::byte> header, Eid dst,
                                   std::size_t sdu_size) const = 0;

    // Writes a message other than data. Returns its size, or 0 if `out` is too small.
    virtual std::size_t encode(const Message& m, std::span<std::byte> out) const = 0;

    // `padded`: the underlay may pad short messages (Ethernet), so bytes beyond the
    // message's own length are ignored instead of rejected.
    virtual Decoded decode(std::span<const std::byte> in, bool padded) const = 0;
};

// Protocol v1 (docs/protocol.md).
class CodecV1 final : public Codec {
public:
    std::string_view name() const override { return "ogw-v1"; }
    std::size_t data_header_size() const override;
    bool write_data_header(std::span<std::byte> header, Eid dst,
                           std::size_t sdu_size) const override;
    std::size_t encode(const Message& m, std::span<std::byte> out) const override;
    Decoded decode(std::span<const std::byte> in, bool padded) const override;
};

}  // namespace ogw::ipcp
