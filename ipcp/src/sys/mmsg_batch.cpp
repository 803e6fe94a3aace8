// SPDX-License-Identifier: BSD-3-Clause
#include "mmsg_batch.hpp"

#include <netinet/udp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace ogw::ipcp {
namespace {

constexpr std::size_t buffer_alignment = 64;

}  // namespace

bool BatchBuffers::resize(std::size_t count, std::size_t size) {
    if (size == size_ && count == count_ && storage_) {
        return false;
    }
    count_ = count;
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

void RxBatch::resize(std::size_t buffer_size, std::size_t count) {
    count = std::clamp<std::size_t>(count, 1, mmsg_batch_size);
    count_ = count;
    if (!buffers_.resize(count, buffer_size)) {
        return;
    }
    for (std::size_t i = 0; i < count_; ++i) {
        iov_[i].iov_base = buffers_.get(i);
        iov_[i].iov_len = buffer_size;
    }
}

int RxBatch::receive(int fd) {
    for (std::size_t i = 0; i < count_; ++i) {
        mmsghdr& m = msgs_[i];
        m.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        m.msg_hdr.msg_flags = 0;
        m.msg_len = 0;
        m.msg_hdr.msg_control = gro_ ? control_[i].bytes.data() : nullptr;
        m.msg_hdr.msg_controllen = gro_ ? control_[i].bytes.size() : 0;
    }
    // With MSG_TRUNC, msg_len is a message's real size even when it did not fit.
    const int n = ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(count_),
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
    if (gro_ && m.msg_hdr.msg_controllen != 0) {
        msghdr h = m.msg_hdr;  // CMSG_NXTHDR takes a non-const header
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
                c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                int size = 0;
                std::memcpy(&size, CMSG_DATA(c), sizeof size);
                d.segment_size = size > 0 ? static_cast<std::size_t>(size) : 0;
            }
        }
    }
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

bool TxBatch::same_destination(std::size_t a, std::size_t b) const {
    const msghdr& x = msgs_[a].msg_hdr;
    const msghdr& y = msgs_[b].msg_hdr;
    return x.msg_namelen == y.msg_namelen &&
           (x.msg_namelen == 0 || std::memcmp(x.msg_name, y.msg_name, x.msg_namelen) == 0);
}

void TxBatch::send_plain(int fd, std::size_t begin, std::size_t end, BatchSendResult& r) {
    std::size_t i = begin;
    while (i < end) {
        const int n = ::sendmmsg(fd, &msgs_[i], static_cast<unsigned>(end - i), MSG_DONTWAIT);
        if (n > 0) {
            const std::size_t stop = i + static_cast<std::size_t>(n);
            for (; i < stop; ++i) {
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
            r.dropped += end - i;
            break;
        }
        // sendmmsg reports the first message it could not send: skip just that one.
        ++r.errors;
        r.last_error = err;
        r.last_error_index = i;
        ++i;
    }
}

void TxBatch::send_gso(int fd, BatchSendResult& r) {
    // Group the entries into runs, one message each.
    std::size_t runs = 0;
    for (std::size_t i = 0; i < count_;) {
        const std::size_t segment = iov_[i].iov_len;
        std::size_t total = segment;
        std::size_t j = i + 1;
        while (j < count_ && iov_[j].iov_len <= segment &&
               total + iov_[j].iov_len <= max_gso_bytes && same_destination(i, j)) {
            total += iov_[j].iov_len;
            ++j;
            if (iov_[j - 1].iov_len < segment) {
                break;  // a shorter one ends the run
            }
        }
        mmsghdr& w = wire_[runs];
        w = msgs_[i];
        w.msg_hdr.msg_iov = &iov_[i];
        w.msg_hdr.msg_iovlen = j - i;
        if (j - i > 1) {
            auto& space = gso_control_[runs].bytes;
            w.msg_hdr.msg_control = space.data();
            w.msg_hdr.msg_controllen = CMSG_SPACE(sizeof(std::uint16_t));
            cmsghdr* c = CMSG_FIRSTHDR(&w.msg_hdr);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
            const auto size16 = static_cast<std::uint16_t>(segment);
            std::memcpy(CMSG_DATA(c), &size16, sizeof size16);
        }
        runs_[runs++] = Run{i, j - i};
        i = j;
    }
    std::size_t k = 0;
    while (k < runs) {
        const int n = ::sendmmsg(fd, &wire_[k], static_cast<unsigned>(runs - k), MSG_DONTWAIT);
        if (n > 0) {
            const std::size_t stop = k + static_cast<std::size_t>(n);
            for (; k < stop; ++k) {
                r.datagrams += runs_[k].count;
                r.bytes += wire_[k].msg_len;
            }
            continue;
        }
        const int err = n < 0 ? errno : EAGAIN;
        if (err == EINTR) {
            continue;
        }
        const Run run = runs_[k];
        if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
            r.dropped += count_ - run.begin;
            break;
        }
        if (run.count > 1 && (err == EIO || err == EOPNOTSUPP || err == EINVAL)) {
            // Segmentation refused: this run again, one datagram each. EIO and EOPNOTSUPP
            // mean the path cannot do it at all (no checksum offload, no GSO).
            if (err != EINVAL) {
                gso_ = false;
            }
            send_plain(fd, run.begin, run.begin + run.count, r);
            ++k;
            continue;
        }
        r.errors += run.count;
        r.last_error = err;
        r.last_error_index = run.begin;
        ++k;
    }
}

BatchSendResult TxBatch::send(int fd) {
    BatchSendResult r;
    if (gso_ && count_ > 1) {
        send_gso(fd, r);
    } else {
        send_plain(fd, 0, count_, r);
    }
    const std::size_t queued = count_;
    count_ = 0;
    if (queued < mmsg_batch_size) {
        std::swap(slots_[0], slots_[queued]);  // keep the free slot free
    }
    return r;
}

}  // namespace ogw::ipcp
