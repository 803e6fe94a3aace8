// SPDX-License-Identifier: BSD-3-Clause
// A small strict JSON (RFC 8259) value type, parser and printer for the control protocol and
// the CLI's --json output.
//
//   json::Value v = json::Object{{"schema", 1}, {"flows", json::Array{}}};
//   v["flows"].push_back(json::Object{{"id", 7}, {"name", "ogw.test"}});
//   std::string text = json::dump(v, true);
//   auto parsed = json::parse(text);
//   if (parsed) { std::optional<std::int64_t> schema = parsed->get_int("schema"); }
//
// Objects keep their keys in insertion order, and dump prints them in that order. Integers are
// kept exactly in the range [INT64_MIN, UINT64_MAX]; anything else numeric is a double.
// Brace pitfall: Array{Array{1, 2}} copies the inner array (it is [1,2], not [[1,2]]); write
// Array{Value(Array{1, 2})} for nesting.
#pragma once

#include <flowlib/result.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ogw::json {

class Value;
using Array = std::vector<Value>;

namespace detail {
class Parser;
}

// Object members in insertion order. Lookups are linear: objects in ogw have few keys.
// As with std::vector, adding a member invalidates references to members: v["a"] = v["b"] is
// only safe when "a" already exists.
class Object {
public:
    using Member = std::pair<std::string, Value>;
    using const_iterator = std::vector<Member>::const_iterator;

    Object() = default;
    // A key given twice keeps its first position and its last value.
    Object(std::initializer_list<Member> members);

    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    bool contains(std::string_view key) const { return find(key) != nullptr; }

    // Returns the member's value, appending a null member if the key is new.
    Value& operator[](std::string_view key);
    // Replaces the value of an existing key in place, or appends a new member.
    Value& set(std::string key, Value value);
    bool erase(std::string_view key);

    std::size_t size() const;
    bool empty() const;
    const_iterator begin() const;
    const_iterator end() const;

    friend bool operator==(const Object& a, const Object& b);

private:
    friend class detail::Parser;

    std::vector<Member> members_;
};

enum class Type : std::uint8_t { null, boolean, integer, floating, string, array, object };

// "null", "boolean", "integer", "number", "string", "array", "object": for error messages.
std::string_view type_name(Type type);

class Value {
public:
    Value() = default;
    Value(std::nullptr_t) {}  // NOLINT(implicit)
    Value(bool b) : v_(b) {}  // NOLINT(implicit)
    template <std::integral T>
        requires(!std::same_as<T, bool> && !std::same_as<T, char>)
    Value(T i) : v_(from_integer(i)) {}  // NOLINT(implicit)
    template <std::floating_point T>
    Value(T d) : v_(static_cast<double>(d)) {}  // NOLINT(implicit)
    // A null const char* is JSON null.
    Value(const char* s) : v_(s != nullptr ? Storage(std::string(s)) : Storage()) {}  // NOLINT
    Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT(implicit)
    Value(std::string s) : v_(std::move(s)) {}  // NOLINT(implicit)
    Value(Array a) : v_(std::move(a)) {}  // NOLINT(implicit)
    Value(Object o) : v_(std::move(o)) {}  // NOLINT(implicit)

    Type type() const;
    bool is_null() const { return holds<std::nullptr_t>(); }
    bool is_bool() const { return holds<bool>(); }
    // An integer that fits std::int64_t.
    bool is_int() const { return holds<std::int64_t>(); }
    // An integer that fits std::uint64_t (so also every non-negative is_int()).
    bool is_uint() const;
    bool is_integer() const { return holds<std::int64_t>() || holds<std::uint64_t>(); }
    // A number that is not an integer: it had a fraction or exponent, or overflowed 64 bits.
    bool is_double() const { return holds<double>(); }
    bool is_number() const { return is_integer() || is_double(); }
    bool is_string() const { return holds<std::string>(); }
    bool is_array() const { return holds<Array>(); }
    bool is_object() const { return holds<Object>(); }

    // Preconditions: the matching is_*() (as_double: is_number()). A violation asserts, and in
    // release builds returns false, 0 or an empty value.
    bool as_bool() const;
    std::int64_t as_int() const;
    std::uint64_t as_uint() const;
    double as_double() const;
    const std::string& as_string() const;
    const Array& as_array() const;
    const Object& as_object() const;

    // nullptr unless this is an object with that key.
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);

    // Typed member lookups for validating input: nullopt / nullptr if this is not an object,
    // the key is missing, or the member has another type. get_int and get_uint also return
    // nullopt for integers out of their range and for doubles; get_double accepts integers.
    // get_string views the member's storage: it is valid while this value is unchanged.
    std::optional<bool> get_bool(std::string_view key) const;
    std::optional<std::int64_t> get_int(std::string_view key) const;
    std::optional<std::uint64_t> get_uint(std::string_view key) const;
    std::optional<double> get_double(std::string_view key) const;
    std::optional<std::string_view> get_string(std::string_view key) const;
    const Array* get_array(std::string_view key) const;
    const Object* get_object(std::string_view key) const;

    // Builders. A null value first becomes an empty object (operator[]) or array (push_back);
    // any other type asserts, and in release builds is replaced.
    Value& operator[](std::string_view key);
    Value& push_back(Value v);

    // Structural equality: same type and value, object members in the same order, and
    // -0.0 differs from 0.0 (so a document equals its round trip exactly).
    friend bool operator==(const Value& a, const Value& b);

private:
    using Storage = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double,
                                 std::string, Array, Object>;

    template <class T>
    bool holds() const {
        return std::holds_alternative<T>(v_);
    }

    // The alternative T, or fallback after a failed assert.
    template <class T>
    const T& checked(const T& fallback) const;
    template <class T, class Is, class As>
    std::optional<T> get(std::string_view key, Is is, As as) const;

    // Unsigned values that fit int64 are stored signed, so each integer has one representation.
    template <class T>
    static Storage from_integer(T i) {
        if constexpr (std::is_signed_v<T>) {
            return Storage(static_cast<std::int64_t>(i));
        } else if (static_cast<std::uint64_t>(i) <=
                   static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return Storage(static_cast<std::int64_t>(i));
        } else {
            return Storage(static_cast<std::uint64_t>(i));
        }
    }

    Storage v_;
};

// Value is complete from here on, so std::vector<Object::Member> may be used.
inline std::size_t Object::size() const { return members_.size(); }
inline bool Object::empty() const { return members_.empty(); }
inline Object::const_iterator Object::begin() const { return members_.begin(); }
inline Object::const_iterator Object::end() const { return members_.end(); }

// Compact (no whitespace) or pretty (2-space indent, "key": value, like jq). Non-finite
// doubles print as null and invalid UTF-8 in strings as U+FFFD, so the output is always valid
// JSON. dump, == and the destructor recurse as deep as the value is nested.
std::string dump(const Value& value, bool pretty = false);

struct ParseLimits {
    std::size_t max_depth = 64;          // nested arrays/objects; 0 allows only scalars
    std::size_t max_size = 1024 * 1024;  // bytes of input
    std::size_t max_string = 64 * 1024;  // bytes of one decoded string or key
};

// Strict RFC 8259: one value surrounded by optional whitespace; no comments, trailing commas,
// leading zeros, lone surrogates, invalid UTF-8 or duplicate keys. Integers beyond 64 bits
// become doubles; numbers a double cannot hold (1e400, and 1e-400, which would round to 0)
// are rejected. Errors are errc::parse_error with where = "json: line L column C: <what>"
// (columns count bytes from 1). Iterative: the nesting depth only grows a heap stack.
Result<Value> parse(std::string_view text, ParseLimits limits = {});

}  // namespace ogw::json
