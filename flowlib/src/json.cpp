// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/json.hpp>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>
#include <system_error>

namespace ogw::json {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0x100U;
    };
    const unsigned b0 = at(0);
    if (b0 < 0x80) {
        return 1;
    }
    const std::size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
    const unsigned lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
    if (b0 < 0xC2 || b0 > 0xF4 || at(1) < lo || at(1) > hi) {
        return 0;
    }
    for (std::size_t k = 2; k < n; ++k) {
        if (at(k) < 0x80 || at(k) > 0xBF) {
            return 0;
        }
    }
    return n;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    constexpr std::uint32_t lead[] = {0x00, 0xC0, 0xE0, 0xF0};
    const int extra = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
    out.push_back(static_cast<char>(lead[extra] | (cp >> (6 * extra))));
    for (int k = extra - 1; k >= 0; --k) {
        out.push_back(static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F)));
    }
}

// The two-character escapes, in the same order on both sides.
constexpr std::string_view escape_letters = "\"\\/bfnrt";
constexpr std::string_view escaped_chars = "\"\\/\b\f\n\r\t";

const std::string empty_string;
const Array empty_array;
const Object empty_object;

}  // namespace

// ---- Object ----

Object::Object(std::initializer_list<Member> members) {
    members_.reserve(members.size());
    for (const Member& m : members) {
        set(m.first, m.second);
    }
}

const Value* Object::find(std::string_view key) const {
    const auto it = std::find_if(members_.begin(), members_.end(),
                                 [&](const Member& m) { return m.first == key; });
    return it != members_.end() ? &it->second : nullptr;
}

Value* Object::find(std::string_view key) {
    return const_cast<Value*>(std::as_const(*this).find(key));
}

Value& Object::operator[](std::string_view key) {
    Value* v = find(key);
    return v != nullptr ? *v : members_.emplace_back(std::string(key), Value()).second;
}

Value& Object::set(std::string key, Value value) {
    if (Value* v = find(key)) {
        return *v = std::move(value);
    }
    return members_.emplace_back(std::move(key), std::move(value)).second;
}

bool Object::erase(std::string_view key) {
    return std::erase_if(members_, [&](const Member& m) { return m.first == key; }) != 0;
}

bool operator==(const Object& a, const Object& b) { return a.members_ == b.members_; }

// ---- Value ----

std::string_view type_name(Type type) {
    switch (type) {
    case Type::null: return "null";
    case Type::boolean: return "boolean";
    case Type::integer: return "integer";
    case Type::floating: return "number";
    case Type::string: return "string";
    case Type::array: return "array";
    case Type::object: return "object";
    }
    return "unknown";
}

Type Value::type() const {
    constexpr Type by_index[] = {Type::null,     Type::boolean, Type::integer, Type::integer,
                                 Type::floating, Type::string,  Type::array,   Type::object};
    static_assert(std::size(by_index) == std::variant_size_v<Storage>);
    return by_index[v_.index()];
}

bool Value::is_uint() const {
    const auto* i = std::get_if<std::int64_t>(&v_);
    return holds<std::uint64_t>() || (i != nullptr && *i >= 0);
}

template <class T>
const T& Value::checked(const T& fallback) const {
    const T* p = std::get_if<T>(&v_);
    assert(p != nullptr);
    return p != nullptr ? *p : fallback;
}

bool Value::as_bool() const { return checked(false); }
std::int64_t Value::as_int() const { return checked(std::int64_t{0}); }
const std::string& Value::as_string() const { return checked(empty_string); }
const Array& Value::as_array() const { return checked(empty_array); }
const Object& Value::as_object() const { return checked(empty_object); }

std::uint64_t Value::as_uint() const {
    assert(is_uint());
    if (const auto* u = std::get_if<std::uint64_t>(&v_)) {
        return *u;
    }
    return is_uint() ? static_cast<std::uint64_t>(std::get<std::int64_t>(v_)) : 0;
}

double Value::as_double() const {
    assert(is_number());
    if (const auto* u = std::get_if<std::uint64_t>(&v_)) {
        return static_cast<double>(*u);
    }
    if (const auto* i = std::get_if<std::int64_t>(&v_)) {
        return static_cast<double>(*i);
    }
    return is_double() ? std::get<double>(v_) : 0.0;
}

const Value* Value::find(std::string_view key) const {
    const auto* o = std::get_if<Object>(&v_);
    return o != nullptr ? o->find(key) : nullptr;
}

Value* Value::find(std::string_view key) {
    return const_cast<Value*>(std::as_const(*this).find(key));
}

template <class T, class Is, class As>
std::optional<T> Value::get(std::string_view key, Is is, As as) const {
    const Value* v = find(key);
    return v != nullptr && (v->*is)() ? std::optional<T>((v->*as)()) : std::nullopt;
}

std::optional<bool> Value::get_bool(std::string_view key) const {
    return get<bool>(key, &Value::is_bool, &Value::as_bool);
}
std::optional<std::int64_t> Value::get_int(std::string_view key) const {
    return get<std::int64_t>(key, &Value::is_int, &Value::as_int);
}
std::optional<std::uint64_t> Value::get_uint(std::string_view key) const {
    return get<std::uint64_t>(key, &Value::is_uint, &Value::as_uint);
}
std::optional<double> Value::get_double(std::string_view key) const {
    return get<double>(key, &Value::is_number, &Value::as_double);
}
std::optional<std::string_view> Value::get_string(std::string_view key) const {
    return get<std::string_view>(key, &Value::is_string, &Value::as_string);
}

const Array* Value::get_array(std::string_view key) const {
    const Value* v = find(key);
    return v != nullptr ? std::get_if<Array>(&v->v_) : nullptr;
}

const Object* Value::get_object(std::string_view key) const {
    const Value* v = find(key);
    return v != nullptr ? std::get_if<Object>(&v->v_) : nullptr;
}

Value& Value::operator[](std::string_view key) {
    assert(is_null() || is_object());
    if (!is_object()) {
        v_ = Object{};
    }
    return std::get<Object>(v_)[key];
}

Value& Value::push_back(Value v) {
    assert(is_null() || is_array());
    if (!is_array()) {
        v_ = Array{};
    }
    return std::get<Array>(v_).emplace_back(std::move(v));
}

bool operator==(const Value& a, const Value& b) {
    const auto* x = std::get_if<double>(&a.v_);
    const auto* y = std::get_if<double>(&b.v_);
    if (x == nullptr || y == nullptr) {
        return a.v_ == b.v_;
    }
    return (std::isnan(*x) && std::isnan(*y)) ||
           (*x == *y && std::signbit(*x) == std::signbit(*y));
}

// ---- dump ----

namespace {

void write_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = utf8_length(s, i);
        const std::size_t esc = escaped_chars.find(s[i]);
        if (esc != std::string_view::npos && b != '/') {
            out.push_back('\\');
            out.push_back(escape_letters[esc]);
        } else if (b < 0x20) {
            constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 0xF]);
        } else if (n == 0) {
            out += "\xEF\xBF\xBD";
        } else {
            out.append(s.substr(i, n));
        }
        i += std::max<std::size_t>(n, 1);
    }
    out.push_back('"');
}

void write_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    // Shortest text that reads back as the same double; keep it a double when it looks integral.
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    const std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos) {
        out += ".0";
    }
}

void newline(std::string& out, bool pretty, std::size_t depth) {
    if (pretty) {
        out.push_back('\n');
        out.append(2 * depth, ' ');
    }
}

void write_value(std::string& out, const Value& v, bool pretty, std::size_t depth) {
    switch (v.type()) {
    case Type::null: out += "null"; return;
    case Type::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Type::integer:
        out += v.is_int() ? std::to_string(v.as_int()) : std::to_string(v.as_uint());
        return;
    case Type::floating: write_double(out, v.as_double()); return;
    case Type::string: write_string(out, v.as_string()); return;
    case Type::array: {
        const Array& a = v.as_array();
        out.push_back('[');
        for (std::size_t i = 0; i < a.size(); ++i) {
            out += i == 0 ? "" : ",";
            newline(out, pretty, depth + 1);
            write_value(out, a[i], pretty, depth + 1);
        }
        if (!a.empty()) {
            newline(out, pretty, depth);
        }
        out.push_back(']');
        return;
    }
    case Type::object: {
        const Object& o = v.as_object();
        out.push_back('{');
        for (auto it = o.begin(); it != o.end(); ++it) {
            out += it == o.begin() ? "" : ",";
            newline(out, pretty, depth + 1);
            write_string(out, it->first);
            out += pretty ? ": " : ":";
            write_value(out, it->second, pretty, depth + 1);
        }
        if (!o.empty()) {
            newline(out, pretty, depth);
        }
        out.push_back('}');
        return;
    }
    }
}

}  // namespace

std::string dump(const Value& value, bool pretty) {
    std::string out;
    write_value(out, value, pretty, 0);
    return out;
}

// ---- parse ----

namespace detail {

class Parser {
public:
    Parser(std::string_view text, const ParseLimits& limits) : text_(text), limits_(limits) {}

    Result<Value> run() {
        Value result;
        if (text_.size() > limits_.max_size) {
            error_ = "json: input of " + std::to_string(text_.size()) + " bytes exceeds " +
                     std::to_string(limits_.max_size);
        } else if (parse_document(result)) {
            return result;
        }
        return unexpected(Error{make_error_code(errc::parse_error), std::move(error_)});
    }

private:
    // An array or object being filled. Keys move to a set once linear search gets slow.
    struct Frame {
        bool is_array = true;
        Array array;
        Object object;
        std::string key;
        std::set<std::string, std::less<>> keys;
    };

    static constexpr std::size_t linear_key_limit = 16;

    int peek() const { return pos_ < text_.size() ? static_cast<unsigned char>(text_[pos_]) : -1; }

    static bool is_digit(int c) { return c >= '0' && c <= '9'; }

    // Consumes [0-9]* and says whether there was at least one digit.
    bool digits() {
        const std::size_t start = pos_;
        while (is_digit(peek())) {
            ++pos_;
        }
        return pos_ > start;
    }

    void skip_ws() {
        while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r') {
            ++pos_;
        }
    }

    bool fail(std::size_t at, std::string_view what) {
        const std::string_view before = text_.substr(0, at);
        const std::size_t line_start = before.rfind('\n') + 1;  // npos + 1 == 0
        const auto line = std::count(before.begin(), before.end(), '\n') + 1;
        error_ = "json: line " + std::to_string(line) + " column " +
                 std::to_string(at - line_start + 1) + ": " + std::string(what);
        return false;
    }

    bool parse_document(Value& result) {
        std::vector<Frame> stack;
        for (;;) {
            skip_ws();
            Value value;
            const int c = peek();
            if (c == '[' || c == '{') {
                if (stack.size() >= limits_.max_depth) {
                    return fail(pos_, "nesting deeper than " + std::to_string(limits_.max_depth));
                }
                ++pos_;
                stack.emplace_back().is_array = c == '[';
                skip_ws();
                if (peek() != (c == '[' ? ']' : '}')) {
                    if (c == '{' && !parse_key(stack.back())) {
                        return false;
                    }
                    continue;
                }
                ++pos_;
                value = close(stack);
            } else if (!parse_scalar(value)) {
                return false;
            }
            // Attach the finished value, closing every container that ends right after it.
            for (;;) {
                if (stack.empty()) {
                    skip_ws();
                    if (peek() != -1) {
                        return fail(pos_, "unexpected characters after the value");
                    }
                    result = std::move(value);
                    return true;
                }
                Frame& top = stack.back();
                if (top.is_array) {
                    top.array.push_back(std::move(value));
                } else {
                    top.object.members_.emplace_back(std::move(top.key), std::move(value));
                }
                const char closer = top.is_array ? ']' : '}';
                skip_ws();
                if (peek() == ',') {
                    ++pos_;
                    skip_ws();
                    if (peek() == closer) {
                        return fail(pos_, "trailing comma");
                    }
                    if (!top.is_array && !parse_key(top)) {
                        return false;
                    }
                    break;
                }
                if (peek() != closer) {
                    return fail(pos_, top.is_array ? "expected ',' or ']'" : "expected ',' or '}'");
                }
                ++pos_;
                value = close(stack);
            }
        }
    }

    static Value close(std::vector<Frame>& stack) {
        Frame& top = stack.back();
        Value v = top.is_array ? Value(std::move(top.array)) : Value(std::move(top.object));
        stack.pop_back();
        return v;
    }

    // At the start of a member: "key" ':'. Leaves the key in frame.key.
    bool parse_key(Frame& frame) {
        const std::size_t at = pos_;
        if (peek() != '"') {
            return fail(at, "expected string key");
        }
        if (!parse_string(frame.key)) {
            return false;
        }
        const auto& members = frame.object.members_;
        bool duplicate = false;
        if (members.size() < linear_key_limit) {
            duplicate = std::any_of(members.begin(), members.end(),
                                    [&](const Object::Member& m) { return m.first == frame.key; });
        } else {
            if (frame.keys.empty()) {
                for (const Object::Member& m : members) {
                    frame.keys.insert(m.first);
                }
            }
            duplicate = !frame.keys.insert(frame.key).second;
        }
        if (duplicate) {
            return fail(at, "duplicate key");
        }
        skip_ws();
        if (peek() != ':') {
            return fail(pos_, "expected ':'");
        }
        ++pos_;
        return true;
    }

    bool parse_scalar(Value& out) {
        const int c = peek();
        if (c == '"') {
            std::string s;
            const bool ok = parse_string(s);
            out = std::move(s);
            return ok;
        }
        if (c == '-' || is_digit(c)) {
            return parse_number(out);
        }
        for (const auto& [word, literal] : {std::pair<std::string_view, Value>{"true", true},
                                            {"false", false}, {"null", nullptr}}) {
            if (c == word.front()) {
                if (text_.substr(pos_, word.size()) != word) {
                    return fail(pos_, "invalid literal");
                }
                pos_ += word.size();
                out = literal;
                return true;
            }
        }
        return fail(pos_, c == -1    ? "unexpected end of input"
                          : c == '/' ? "comments are not allowed"
                                     : "expected a value");
    }

    bool parse_number(Value& out) {
        const std::size_t start = pos_;
        if (peek() == '-') {
            ++pos_;
        }
        const std::size_t int_start = pos_;
        if (!digits()) {
            return fail(pos_, "expected a digit");
        }
        if (text_[int_start] == '0' && pos_ - int_start > 1) {
            return fail(start, "leading zero");
        }
        bool integer = true;
        if (peek() == '.') {
            ++pos_;
            integer = false;
            if (!digits()) {
                return fail(pos_, "expected a digit after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            integer = false;
            if (peek() == '+' || peek() == '-') {
                ++pos_;
            }
            if (!digits()) {
                return fail(pos_, "expected a digit in the exponent");
            }
        }
        const char* first = text_.data() + start;
        const char* last = text_.data() + pos_;
        std::int64_t i = 0;
        std::uint64_t u = 0;
        double d = 0.0;
        if (integer && *first == '-' && std::from_chars(first, last, i).ec == std::errc{}) {
            out = i;
        } else if (integer && *first != '-' && std::from_chars(first, last, u).ec == std::errc{}) {
            out = u;
        } else if (std::from_chars(first, last, d).ec == std::errc{} && std::isfinite(d)) {
            out = d;
        } else {
            return fail(start, "number out of range");
        }
        return true;
    }

    // At '"'. Replaces out with the decoded string.
    bool parse_string(std::string& out) {
        const std::size_t start = pos_;
        out.clear();
        ++pos_;
        for (;;) {
            const int c = peek();
            if (c == -1) {
                return fail(start, "unterminated string");
            }
            if (c == '"') {
                ++pos_;
                break;
            }
            if (c == '\\') {
                if (!parse_escape(out)) {
                    return false;
                }
            } else if (c < 0x20) {
                return fail(pos_, "control character in string");
            } else if (c < 0x80) {
                const std::size_t run_start = pos_;
                while (peek() >= 0x20 && peek() < 0x80 && peek() != '"' && peek() != '\\') {
                    ++pos_;
                }
                out.append(text_.substr(run_start, pos_ - run_start));
            } else if (const std::size_t n = utf8_length(text_, pos_); n != 0) {
                out.append(text_.substr(pos_, n));
                pos_ += n;
            } else {
                return fail(pos_, "invalid UTF-8");
            }
        }
        if (out.size() > limits_.max_string) {
            return fail(start, "string longer than " + std::to_string(limits_.max_string) +
                                   " bytes");
        }
        return true;
    }

    // At '\\'.
    bool parse_escape(std::string& out) {
        const std::size_t at = pos_++;
        const int c = peek();
        ++pos_;
        if (c != 'u') {
            const std::size_t k = escape_letters.find(static_cast<char>(c));
            if (k == std::string_view::npos) {
                return fail(at, "invalid escape");
            }
            out.push_back(escaped_chars[k]);
            return true;
        }
        std::uint32_t cp = 0;
        if (!parse_hex4(at, cp)) {
            return false;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u") {
                return fail(at, "lone surrogate");
            }
            pos_ += 2;
            if (!parse_hex4(pos_ - 2, low)) {
                return false;
            }
            if (low < 0xDC00 || low > 0xDFFF) {
                return fail(at, "lone surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail(at, "lone surrogate");
        }
        append_utf8(out, cp);
        return true;
    }

    // Exactly four hex digits; from_chars would also take fewer, or a sign.
    bool parse_hex4(std::size_t escape_at, std::uint32_t& out) {
        const std::string_view hex = text_.substr(pos_, 4);
        const bool valid = hex.size() == 4 && std::all_of(hex.begin(), hex.end(), [](char h) {
            return std::isxdigit(static_cast<unsigned char>(h)) != 0;
        });
        if (!valid) {
            return fail(escape_at, "invalid \\u escape");
        }
        std::from_chars(hex.data(), hex.data() + 4, out, 16);
        pos_ += 4;
        return true;
    }

    std::string_view text_;
    ParseLimits limits_;
    std::size_t pos_ = 0;
    std::string error_;
};

}  // namespace detail

Result<Value> parse(std::string_view text, ParseLimits limits) {
    return detail::Parser(text, limits).run();
}

}  // namespace ogw::json
