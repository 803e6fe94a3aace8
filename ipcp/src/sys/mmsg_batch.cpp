// SPDX-License-Identifier: BSD-3-Clause
#include "mmsg_batch.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

namespace ogw::ipcp {
namespace {

constexpr std::size_t buffer_alignment = 64;

}  // namespace

bool BatchBuffers::resize(std::size_t count, std::size_t size) {
    if (size == size_ && storage_) {
        return false;
    }
    stride_ = (size + buffer_alignment - 1) / buffer_alignment * buffer_alignment;
    storage_ = std::make_unique_for_overwrite<std::byte[]>(stride_ * count);
    size_ = size;
    return true;
}

// ------------------------------------------------------------------------- receive

RxBatch::RxBatch() {
    for (std::size_t i = 0; i < mmsg_batch_size; ++i) {
        msgs_[i].msg_hdr.msg_iov = &iov_[i];
        msgs_[i].msg_hdr.msg_iovlen = 1;
        msgs_[i].msg_hdr.msg_name = &names_[i];
    }
}

void RxBatch::resize(std::size_t buffer_size) {
    if (!buffers_.resize(mmsg_batch_size, buffer_size)) {
        return;
    }
    for (std::size_t i = 0; i < mmsg_batch_size; ++i) {
        iov_[i].iov_base = buffers_.get(i);
        iov_[i].iov_len = buffer_size;
    }
}

int RxBatch::receive(int fd) {
    for (auto& m : msgs_) {
        m.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        m.msg_hdr.msg_flags = 0;
        m.msg_len = 0;
    }
    // With MSG_TRUNC, msg_len is a message's real size even when it did not fit.
    const int n = ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(mmsg_batch_size),
                             MSG_DONTWAIT | MSG_TRUNC, nullptr);
    return n < 0 ? -errno : n;
}

RxBatch::Message RxBatch::get(std::size_t i) {
    const mmsghdr& m = msgs_[i];
    Message d;
    d.size = m.msg_len;
    d.truncated = (m.msg_hdr.msg_flags & MSG_TRUNC) != 0 || d.size > buffers_.size();
    if (!d.truncated) {
        d.bytes = {static_cast<std::byte*>(iov_[i].iov_base), d.size};
    }
    d.from = reinterpret_cast<const sockaddr*>(&names_[i]);
    d.from_length = m.msg_hdr.msg_namelen;
    return d;
}

// ------------------------------------------------------------------------- send

TxBatch::TxBatch() {
    for (std::size_t i = 0; i < mmsg_batch_size; ++i) {
        msgs_[i].msg_hdr.msg_iov = &iov_[i];
        msgs_[i].msg_hdr.msg_iovlen = 1;
    }
}

void TxBatch::resize(std::size_t slot_size) {
    count_ = 0;
    if (!buffers_.resize(mmsg_batch_size, slot_size)) {
        return;
    }
    for (std::size_t i = 0; i < mmsg_batch_size; ++i) {
        slots_[i] = buffers_.get(i);
    }
}

void TxBatch::record(std::size_t i, std::size_t size) {
    iov_[i].iov_base = slots_[i];
    iov_[i].iov_len = size;
    msghdr& h = msgs_[i].msg_hdr;
    h.msg_name = nullptr;
    h.msg_namelen = 0;
    h.msg_control = nullptr;
    h.msg_controllen = 0;
    h.msg_flags = 0;
}

std::optional<std::size_t> TxBatch::queue(std::size_t size) {
    if (full() || size == 0 || size > slot_size()) {
        return std::nullopt;
    }
    record(count_, size);
    return count_++;
}

std::optional<std::size_t> TxBatch::queue_copy(std::span<const std::byte> bytes, std::size_t at) {
    if (count_ + 2 > mmsg_batch_size || bytes.empty() || at > slot_size() ||
        bytes.size() > slot_size() - at) {
        return std::nullopt;
    }
    // The free slot, possibly handed out and being filled, moves one entry on.
    std::swap(slots_[count_], slots_[count_ + 1]);
    std::memmove(slots_[count_] + at, bytes.data(), bytes.size());
    record(count_, at + bytes.size());
    return count_++;
}

std::span<std::byte> TxBatch::entry(std::size_t i) {
    return {slots_[i], iov_[i].iov_len};
}

void TxBatch::set_destination(std::size_t i, const void* name, socklen_t length) {
    msgs_[i].msg_hdr.msg_name = const_cast<void*>(name);
    msgs_[i].msg_hdr.msg_namelen = length;
}

BatchSendResult TxBatch::send(int fd) {
    BatchSendResult r;
    std::size_t i = 0;
    while (i < count_) {
        const int n = ::sendmmsg(fd, &msgs_[i], static_cast<unsigned>(count_ - i), MSG_DONTWAIT);
        if (n > 0) {
            const std::size_t end = i + static_cast<std::size_t>(n);
            for (; i < end; ++i) {
                ++r.datagrams;
                r.bytes += msgs_[i].msg_len;
            }
            continue;
        }
        const int err = n < 0 ? errno : EAGAIN;
        if (err == EINTR) {
            continue;
        }
        if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
            r.dropped += count_ - i;
            break;
        }
        // sendmmsg reports the first message it could not send: skip just that one.
        ++r.errors;
        r.last_error = err;
        r.last_error_index = i;
        ++i;
    }
    const std::size_t queued = count_;
    count_ = 0;
    if (queued < mmsg_batch_size) {
        std::swap(slots_[0], slots_[queued]);  // keep the free slot free
    }
    return r;
}

}  // namespace ogw::ipcp
