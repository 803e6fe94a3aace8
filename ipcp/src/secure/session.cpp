// SPDX-License-Identifier: BSD-3-Clause
#include <ipcp/secure/session.hpp>

#include "primitives.hpp"

#include <flowlib/bytes.hpp>

namespace ogw::ipcp::secure {

namespace {

constexpr std::size_t min_sealed_size = sealed_prefix_size + sealed_suffix_size;

}  // namespace

std::optional<bool> sealed_phase(std::span<const std::byte> frame) {
    if (frame.size() < min_sealed_size) {
        return std::nullopt;
    }
    return (be::load64(frame.data() + clear_header_size) & counter_phase_bit) != 0;
}

Session::Session(SecretKey send_key, SecretKey recv_key, Instant created, SessionLimits limits,
                 bool phase)
    : send_key_(std::move(send_key)), recv_key_(std::move(recv_key)), created_(created),
      limits_(limits), phase_(phase) {}

bool Session::rekey_due(Instant now) const {
    return send_counter_ >= limits_.rekey_after_messages ||
           now - created_ >= limits_.rekey_after_time;
}

bool Session::send_exhausted(Instant now) const {
    return send_counter_ >= limits_.reject_after_messages ||
           send_counter_ > counter_value_mask || now - created_ >= limits_.reject_after_time;
}

RekeyChain Session::rekey_chain(bool initiator) const {
    const SecretKey& i2r = initiator ? send_key_ : recv_key_;
    const SecretKey& r2i = initiator ? recv_key_ : send_key_;
    std::array<std::byte, hash_size> h = detail::hash({detail::as_bytes("ogw rekey"), i2r.bytes(),
                                                       r2i.bytes()});
    RekeyChain out = RekeyChain::from(h);
    secure_wipe(h.data(), h.size());
    return out;
}

bool Session::expired(Instant now) const { return now - created_ >= limits_.reject_after_time; }

SealResult Session::seal(Instant now, std::span<std::byte> frame) {
    if (frame.size() < min_sealed_size) {
        return {SecureError::buffer_too_small, false};
    }
    if (send_exhausted(now)) {
        return {SecureError::rekey_needed, true};
    }
    const std::uint64_t counter = send_counter_++;
    be::store64(frame.data() + clear_header_size, counter | (phase_ ? counter_phase_bit : 0));
    const std::size_t text_end = frame.size() - sealed_suffix_size;
    detail::aead_seal(send_key_.bytes(), counter,
                      frame.subspan(sealed_prefix_size, text_end - sealed_prefix_size),
                      frame.subspan(text_end).first<tag_size>(),
                      frame.first(sealed_prefix_size));
    return {SecureError::ok, rekey_due(now)};
}

OpenResult Session::open(Instant now, std::span<std::byte> frame) {
    if (frame.size() < min_sealed_size) {
        return {SecureError::malformed, {}, 0};
    }
    if (expired(now)) {
        return {SecureError::expired, {}, 0};
    }
    const std::uint64_t counter = be::load64(frame.data() + clear_header_size) & counter_value_mask;
    const std::size_t text_end = frame.size() - sealed_suffix_size;
    const std::span<std::byte> text =
        frame.subspan(sealed_prefix_size, text_end - sealed_prefix_size);
    // Authenticate first: only an authentic message can be a replay or move the window.
    if (!detail::aead_open(recv_key_.bytes(), counter, text,
                           std::span<const std::byte>(frame).subspan(text_end).first<tag_size>(),
                           frame.first(sealed_prefix_size))) {
        return {SecureError::bad_mac, {}, counter};
    }
    if (counter >= limits_.reject_after_messages) {
        return {SecureError::stale, {}, counter};
    }
    if (const SecureError e = window_.check_and_update(counter); e != SecureError::ok) {
        return {e, {}, counter};
    }
    return {SecureError::ok, text, counter};
}

// ------------------------------------------------------------------------------- KeyRing

void KeyRing::install_confirmed(Session s) {
    s.set_phase(next_phase());
    if (current_) {
        previous_ = std::move(current_);
    }
    current_ = std::move(s);
    next_.reset();
}

void KeyRing::install_unconfirmed(Session s) {
    if (!current_) {
        s.set_phase(false);
        current_ = std::move(s);
        return;
    }
    s.set_phase(next_phase());
    next_ = std::move(s);
    previous_.reset();  // previous and next would share a phase
}

void KeyRing::clear() {
    current_.reset();
    previous_.reset();
    next_.reset();
}

const Session* KeyRing::with_phase(bool phase) const {
    for (const auto* s : {&current_, &next_, &previous_}) {
        if (*s && (*s)->phase() == phase) {
            return &**s;
        }
    }
    return nullptr;
}

bool KeyRing::rekey_due(Instant now) const { return current_ && current_->rekey_due(now); }

SealResult KeyRing::seal(Instant now, std::span<std::byte> frame) {
    if (!current_) {
        return {SecureError::no_session, false};
    }
    return current_->seal(now, frame);
}

OpenResult KeyRing::open(Instant now, std::span<std::byte> frame) {
    const std::optional<bool> phase = sealed_phase(frame);
    if (!phase) {
        return {SecureError::malformed, {}, 0};
    }
    if (current_ && current_->phase() == *phase) {
        return current_->open(now, frame);
    }
    if (next_ && next_->phase() == *phase) {
        OpenResult r = next_->open(now, frame);
        if (r.ok()) {
            // The peer uses the new key: it is confirmed.
            previous_ = std::move(current_);
            current_ = std::move(next_);
            next_.reset();
        }
        return r;
    }
    if (previous_ && previous_->phase() == *phase) {
        return previous_->open(now, frame);
    }
    return {SecureError::no_session, {}, 0};
}

}  // namespace ogw::ipcp::secure
