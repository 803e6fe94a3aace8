// SPDX-License-Identifier: BSD-3-Clause
// Result<T>: the subset of std::expected<T, Error> that ogw uses, so the type can become
// std::expected once the toolchain has it (g++ 12 in C++20 mode does not).
#pragma once

#include <flowlib/error.hpp>

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ogw {

template <class E>
class Unexpected {
public:
    explicit Unexpected(E e) : error_(std::move(e)) {}
    const E& error() const& { return error_; }
    E&& error() && { return std::move(error_); }

private:
    E error_;
};

inline Unexpected<Error> unexpected(Error e) { return Unexpected<Error>(std::move(e)); }

template <class T>
class [[nodiscard]] Result {
public:
    using value_type = T;

    Result()
        requires std::is_default_constructible_v<T>
        : v_(std::in_place_index<0>) {}
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(implicit)
    Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e).error()) {}  // NOLINT

    bool has_value() const { return v_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { assert(has_value()); return std::get<0>(v_); }
    const T& value() const& { assert(has_value()); return std::get<0>(v_); }
    T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { assert(!has_value()); return std::get<1>(v_); }

    template <class U>
    T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    using value_type = void;

    Result() = default;
    Result(Unexpected<Error> e) : error_(std::move(e).error()), ok_(false) {}  // NOLINT

    bool has_value() const { return ok_; }
    explicit operator bool() const { return ok_; }
    void value() const { assert(ok_); }
    const Error& error() const { assert(!ok_); return error_; }

private:
    Error error_{};
    bool ok_ = true;
};

}  // namespace ogw
