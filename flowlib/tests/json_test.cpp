// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>

namespace ogw::json {

void PrintTo(const Value& v, std::ostream* os);
void PrintTo(const Value& v, std::ostream* os) { *os << dump(v); }

namespace {

using namespace std::string_literals;

constexpr auto int64_min = std::numeric_limits<std::int64_t>::min();
constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
constexpr auto uint64_max = std::numeric_limits<std::uint64_t>::max();

Value parse_ok(std::string_view text) {
    auto r = parse(text);
    EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().where);
    return r ? *r : Value();
}

std::string parse_error(std::string_view text, ParseLimits limits = {}) {
    auto r = parse(text, limits);
    if (r) {
        return "parsed: " + dump(*r);
    }
    EXPECT_EQ(r.error().code, make_error_code(errc::parse_error));
    return r.error().where;
}

TEST(Json, BuildsWithInitializerLists) {
    Value v = Object{{"schema", 1}, {"name", "ogw"}, {"up", true}, {"none", nullptr}};
    v["flows"] = Array{1, 2.5, "x"};
    v["flows"].push_back(Object{{"id", 7U}});
    EXPECT_EQ(dump(v), R"({"schema":1,"name":"ogw","up":true,"none":null,)"
                       R"("flows":[1,2.5,"x",{"id":7}]})");
}

TEST(Json, BuildersStartFromNull) {
    Value obj;
    obj["a"]["b"] = 1;
    Value arr;
    arr.push_back(1);
    arr.push_back("two");
    EXPECT_EQ(dump(obj), R"({"a":{"b":1}})");
    EXPECT_EQ(dump(arr), R"([1,"two"])");
    const char* no_name = nullptr;
    EXPECT_TRUE(Value(no_name).is_null());
}

TEST(Json, KeepsInsertionOrder) {
    Value v;
    for (const char* key : {"zeta", "alpha", "mid", "beta"}) {
        v[key] = key;
    }
    v["alpha"] = 2;
    EXPECT_EQ(dump(v), R"({"zeta":"zeta","alpha":2,"mid":"mid","beta":"beta"})");
    const std::string text = R"({"b":1,"a":2,"c":{"z":1,"y":2}})";
    EXPECT_EQ(dump(parse_ok(text)), text);
}

TEST(Json, ObjectSetReplacesInPlaceAndErases) {
    Object o{{"a", 1}, {"b", 2}, {"a", 3}};
    EXPECT_EQ(o.size(), 2U);
    EXPECT_EQ(*o.find("a"), Value(3));
    o.set("c", 4);
    o.set("b", "x");
    EXPECT_TRUE(o.erase("a"));
    EXPECT_FALSE(o.erase("a"));
    EXPECT_FALSE(o.contains("a"));
    EXPECT_EQ(dump(o), R"({"b":"x","c":4})");
}

TEST(Json, PrettyPrintsLikeJq) {
    Value v = Object{{"a", 1}, {"b", Array{true, Object{{"c", nullptr}}}}, {"e", Array{}},
                     {"o", Object{}}};
    EXPECT_EQ(dump(v, true), "{\n"
                             "  \"a\": 1,\n"
                             "  \"b\": [\n"
                             "    true,\n"
                             "    {\n"
                             "      \"c\": null\n"
                             "    }\n"
                             "  ],\n"
                             "  \"e\": [],\n"
                             "  \"o\": {}\n"
                             "}");
    EXPECT_EQ(dump(Value(Array{}), true), "[]");
    EXPECT_EQ(dump(Value(5), true), "5");
}

TEST(Json, RoundTripsDocuments) {
    const char* docs[] = {
        "null", "true", "false", "0", "-1", "\"\"", "[]", "{}", "[[[]]]", "1.5", "-0.0",
        R"({"a":[1,{"b":null}],"c":"d"})",
        R"(["\u0000\u001f\"\\\n\t","é€😀",1e+300,-2.5e-300])",
        R"({"counters":{"rx":18446744073709551615,"tx":0,"delta":-9223372036854775808}})",
    };
    for (const char* doc : docs) {
        const Value v = parse_ok(doc);
        EXPECT_EQ(dump(v), doc);
        EXPECT_EQ(parse_ok(dump(v, true)), v) << doc;
    }
}

TEST(Json, EscapesWhenDumping) {
    const struct {
        std::string in;
        std::string out;
    } cases[] = {
        {"plain", R"("plain")"},
        {"q\"b\\", R"("q\"b\\")"},
        {"\b\f\n\r\t", R"("\b\f\n\r\t")"},
        {"\x01\x1f"s, R"("\u0001\u001f")"},
        {"nul\0x"s, R"("nul\u0000x")"},
        {"del\x7f/", "\"del\x7f/\""},
        {"caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\""},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(dump(Value(c.in)), c.out);
        EXPECT_EQ(parse_ok(c.out).as_string(), c.in);
    }
}

TEST(Json, ReplacesInvalidUtf8WhenDumping) {
    const std::string replacement = "\xef\xbf\xbd";
    EXPECT_EQ(dump(Value("a\xff" "b")), "\"a" + replacement + "b\"");
    EXPECT_EQ(dump(Value("\xc3")), "\"" + replacement + "\"");
    EXPECT_EQ(dump(Value("\xed\xa0\x80")), "\"" + replacement + replacement + replacement + "\"");
    EXPECT_TRUE(parse(dump(Value("\xc0\xaf\xf5"))).has_value());
}

TEST(Json, DecodesEscapes) {
    const struct {
        const char* in;
        std::string out;
    } cases[] = {
        {R"("\u00e9")", "\xc3\xa9"},
        {R"("\u20AC")", "\xe2\x82\xac"},
        {R"("\uD83D\uDE00")", "\xf0\x9f\x98\x80"},
        {R"("\udbff\udfff")", "\xf4\x8f\xbf\xbf"},
        {R"("\u0000")", "\0"s},
        {R"("\/\"\\\b\f\n\r\t")", "/\"\\\b\f\n\r\t"},
        {R"("a\u0041b")", "aAb"},
        {R"("\u007f\u0080\u07FF\u0800")", "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80"},
        {R"("\uffff\ud800\udc00")", "\xef\xbf\xbf\xf0\x90\x80\x80"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(parse_ok(c.in).as_string(), c.out) << c.in;
    }
}

TEST(Json, ParsesIntegerEdgeCases) {
    const Value min = parse_ok("-9223372036854775808");
    EXPECT_TRUE(min.is_int());
    EXPECT_EQ(min.as_int(), int64_min);
    EXPECT_FALSE(min.is_uint());

    const Value max = parse_ok("9223372036854775807");
    EXPECT_EQ(max.as_int(), int64_max);
    EXPECT_EQ(max.as_uint(), static_cast<std::uint64_t>(int64_max));

    const Value above = parse_ok("9223372036854775808");
    EXPECT_FALSE(above.is_int());
    EXPECT_TRUE(above.is_uint());
    EXPECT_EQ(above.as_uint(), static_cast<std::uint64_t>(int64_max) + 1);

    const Value umax = parse_ok("18446744073709551615");
    EXPECT_TRUE(umax.is_uint());
    EXPECT_EQ(umax.as_uint(), uint64_max);
    EXPECT_EQ(umax, Value(uint64_max));
    EXPECT_EQ(dump(Value(uint64_max)), "18446744073709551615");
    EXPECT_EQ(dump(Value(int64_min)), "-9223372036854775808");
}

TEST(Json, OverflowingIntegersBecomeDoubles) {
    const struct {
        const char* in;
        double value;
    } cases[] = {
        {"18446744073709551616", 18446744073709551616.0},
        {"-9223372036854775809", -9223372036854775808.0},
        {"100000000000000000000000000000", 1e29},
    };
    for (const auto& c : cases) {
        const Value v = parse_ok(c.in);
        EXPECT_TRUE(v.is_double()) << c.in;
        EXPECT_EQ(v.as_double(), c.value) << c.in;
        EXPECT_EQ(parse_ok(dump(v)), v) << c.in;
    }
}

TEST(Json, ParsesDoubleEdgeCases) {
    const struct {
        const char* in;
        double value;
        const char* out;
    } cases[] = {
        {"1e308", 1e308, "1e+308"},
        {"-1.7976931348623157e308", -1.7976931348623157e308, "-1.7976931348623157e+308"},
        {"5e-324", 5e-324, "5e-324"},
        {"0.1", 0.1, "0.1"},
        {"1E2", 100.0, "100.0"},
        {"2.50", 2.5, "2.5"},
        {"123e-2", 1.23, "1.23"},
    };
    for (const auto& c : cases) {
        const Value v = parse_ok(c.in);
        EXPECT_TRUE(v.is_double()) << c.in;
        EXPECT_EQ(v.as_double(), c.value) << c.in;
        EXPECT_EQ(dump(v), c.out);
    }
}

TEST(Json, KeepsSignOfNegativeZero) {
    const Value neg = parse_ok("-0.0");
    EXPECT_TRUE(neg.is_double());
    EXPECT_TRUE(std::signbit(neg.as_double()));
    EXPECT_EQ(dump(neg), "-0.0");
    EXPECT_NE(neg, Value(0.0));
    EXPECT_EQ(parse_ok(dump(neg)), neg);

    const Value int_zero = parse_ok("-0");
    EXPECT_TRUE(int_zero.is_int());
    EXPECT_EQ(int_zero, Value(0));
}

TEST(Json, PrintsIntegralDoublesAsDoubles) {
    EXPECT_EQ(dump(Value(1.0)), "1.0");
    EXPECT_EQ(dump(Value(-3.0)), "-3.0");
    EXPECT_TRUE(parse_ok(dump(Value(1e20))).is_double());
    EXPECT_TRUE(parse_ok(dump(Value(123456789012345683968.0))).is_double());
}

TEST(Json, PrintsNonFiniteAsNull) {
    Value v = Array{std::numeric_limits<double>::quiet_NaN(),
                    std::numeric_limits<double>::infinity(),
                    -std::numeric_limits<double>::infinity()};
    EXPECT_EQ(dump(v), "[null,null,null]");
}

TEST(Json, AcceptsWhitespaceAndScalarsAtTopLevel) {
    EXPECT_EQ(parse_ok(" \t\r\n[ 1 , { \"a\" : 2 } ]\n "), Value(Array{1, Object{{"a", 2}}}));
    EXPECT_EQ(parse_ok("\"s\""), Value("s"));
    EXPECT_EQ(parse_ok(" 42 "), Value(42));
    EXPECT_EQ(parse_ok("null"), Value());
}

TEST(Json, RejectsInvalidDocuments) {
    const struct {
        std::string text;
        std::string error;
    } cases[] = {
        {"", "line 1 column 1: unexpected end of input"},
        {"   ", "line 1 column 4: unexpected end of input"},
        {"[1,]", "line 1 column 4: trailing comma"},
        {"{\"a\":1,}", "line 1 column 8: trailing comma"},
        {"[1,,2]", "line 1 column 4: expected a value"},
        {"[1 2]", "line 1 column 4: expected ',' or ']'"},
        {"{\"a\":1 \"b\":2}", "line 1 column 8: expected ',' or '}'"},
        {"{\"a\" 1}", "line 1 column 6: expected ':'"},
        {"{a:1}", "line 1 column 2: expected string key"},
        {"{'a':1}", "line 1 column 2: expected string key"},
        {"['a']", "line 1 column 2: expected a value"},
        {"[1] // c", "line 1 column 5: unexpected characters after the value"},
        {"// c\n1", "line 1 column 1: comments are not allowed"},
        {"[/* c */1]", "line 1 column 2: comments are not allowed"},
        {"01", "line 1 column 1: leading zero"},
        {"-012", "line 1 column 1: leading zero"},
        {"[00]", "line 1 column 2: leading zero"},
        {"1.", "line 1 column 3: expected a digit after '.'"},
        {".5", "line 1 column 1: expected a value"},
        {"+1", "line 1 column 1: expected a value"},
        {"-", "line 1 column 2: expected a digit"},
        {"-a", "line 1 column 2: expected a digit"},
        {"1e", "line 1 column 3: expected a digit in the exponent"},
        {"1e+", "line 1 column 4: expected a digit in the exponent"},
        {"1e400", "line 1 column 1: number out of range"},
        {"-1e400", "line 1 column 1: number out of range"},
        {"1e-400", "line 1 column 1: number out of range"},
        {"NaN", "line 1 column 1: expected a value"},
        {"Infinity", "line 1 column 1: expected a value"},
        {"-Infinity", "line 1 column 2: expected a digit"},
        {"tru", "line 1 column 1: invalid literal"},
        {"nul", "line 1 column 1: invalid literal"},
        {"True", "line 1 column 1: expected a value"},
        {"truex", "line 1 column 5: unexpected characters after the value"},
        {"1 2", "line 1 column 3: unexpected characters after the value"},
        {"{}}", "line 1 column 3: unexpected characters after the value"},
        {"[", "line 1 column 2: unexpected end of input"},
        {"[1", "line 1 column 3: expected ',' or ']'"},
        {"{\"a\":1", "line 1 column 7: expected ',' or '}'"},
        {"[}", "line 1 column 2: expected a value"},
        {"{]", "line 1 column 2: expected string key"},
        {"\"abc", "line 1 column 1: unterminated string"},
        {"\"a\nb\"", "line 1 column 3: control character in string"},
        {"\"a\tb\"", "line 1 column 3: control character in string"},
        {"\"\x7f\x01\"", "line 1 column 3: control character in string"},
        {R"("\x")", "line 1 column 2: invalid escape"},
        {R"("\U0041")", "line 1 column 2: invalid escape"},
        {"\"\\", "line 1 column 2: invalid escape"},
        {R"("\u12")", "line 1 column 2: invalid \\u escape"},
        {R"("\u12g4")", "line 1 column 2: invalid \\u escape"},
        {R"("\u123)", "line 1 column 2: invalid \\u escape"},
        {R"("\uD800")", "line 1 column 2: lone surrogate"},
        {R"("\uD800x")", "line 1 column 2: lone surrogate"},
        {R"("\uD800\n")", "line 1 column 2: lone surrogate"},
        {R"("\uD800\u0041")", "line 1 column 2: lone surrogate"},
        {R"("\uD800\uD800")", "line 1 column 2: lone surrogate"},
        {R"("\uDC00")", "line 1 column 2: lone surrogate"},
        {R"("\uD800\u12")", "line 1 column 8: invalid \\u escape"},
        {"\"\xff\"", "line 1 column 2: invalid UTF-8"},
        {"\"\x80\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xc3\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xc0\xaf\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xe0\x80\xaf\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xed\xa0\x80\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xf4\x90\x80\x80\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xf0\x9f\x98\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xf0\x8f\xbf\xbf\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xf5\x80\x80\x80\"", "line 1 column 2: invalid UTF-8"},
        {"\"\xf8\x88\x80\x80\x80\"", "line 1 column 2: invalid UTF-8"},
        {"\"ok\xe2\x82\xac\xe2\x82\"", "line 1 column 7: invalid UTF-8"},
        {"\xef\xbb\xbf{}", "line 1 column 1: expected a value"},
        {"[1]\0"s, "line 1 column 4: unexpected characters after the value"},
        {"\f1", "line 1 column 1: expected a value"},
        {"{\"a\":1,\"a\":2}", "line 1 column 8: duplicate key"},
        {"{\"a\":1,\"\\u0061\":2}", "line 1 column 8: duplicate key"},
        {"{\"a\":{},\"b\":{\"x\":1,\"x\":1}}", "line 1 column 20: duplicate key"},
        {"[\n  1,\n  2,\n]", "line 4 column 1: trailing comma"},
        {"{\n\"a\":\n\n  x}", "line 4 column 3: expected a value"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(parse_error(c.text), "json: " + c.error) << "input: " << c.text;
    }
}

TEST(Json, RejectsDuplicateKeysInLargeObjects) {
    std::string text = "{";
    for (int i = 0; i < 100; ++i) {
        text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    }
    const Value ok = parse_ok(text + "\"last\":0}");
    EXPECT_EQ(ok.as_object().size(), 101U);
    EXPECT_EQ(ok.get_int("k99"), 99);
    const std::string dup = text + "\"k42\":0}";
    EXPECT_EQ(parse_error(dup), "json: line 1 column " + std::to_string(text.size() + 1) +
                                    ": duplicate key");
}

TEST(Json, EnforcesDepthLimit) {
    auto nested = [](std::size_t depth) {
        return std::string(depth, '[') + std::string(depth, ']');
    };
    EXPECT_TRUE(parse(nested(64)).has_value());
    EXPECT_EQ(parse_error(nested(65)), "json: line 1 column 65: nesting deeper than 64");
    EXPECT_EQ(parse_error("[{\"a\":[1]}]", ParseLimits{.max_depth = 2}),
              "json: line 1 column 7: nesting deeper than 2");
    EXPECT_EQ(parse_error("[]", ParseLimits{.max_depth = 0}),
              "json: line 1 column 1: nesting deeper than 0");
    EXPECT_TRUE(parse("7", ParseLimits{.max_depth = 0}).has_value());
    EXPECT_EQ(parse_error(std::string(500000, '[')),
              "json: line 1 column 65: nesting deeper than 64");
    EXPECT_EQ(parse_error(std::string(500000, '{')), "json: line 1 column 2: expected string key");
}

TEST(Json, HandlesDeepInputWithoutRecursion) {
    const std::size_t depth = 100000;
    const auto r = parse(std::string(depth, '['), ParseLimits{.max_depth = depth});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().where, "json: line 1 column 100001: unexpected end of input");
    EXPECT_TRUE(parse(std::string(1000, '[') + std::string(1000, ']'),
                      ParseLimits{.max_depth = 1000})
                    .has_value());
}

TEST(Json, EnforcesSizeLimit) {
    const std::string big = "\"" + std::string(2 * 1024 * 1024, 'x') + "\"";
    EXPECT_EQ(parse_error(big, ParseLimits{.max_string = big.size()}),
              "json: input of 2097154 bytes exceeds 1048576");
    EXPECT_EQ(parse_error("[1,2,3]", ParseLimits{.max_size = 6}),
              "json: input of 7 bytes exceeds 6");
    EXPECT_TRUE(parse("[1,2,3]", ParseLimits{.max_size = 7}).has_value());
}

TEST(Json, EnforcesStringLengthLimit) {
    const ParseLimits limits{.max_string = 4};
    EXPECT_TRUE(parse(R"(["abcd"])", limits).has_value());
    EXPECT_EQ(parse_error(R"(["abcde"])", limits),
              "json: line 1 column 2: string longer than 4 bytes");
    EXPECT_EQ(parse_error(R"({"abcde":1})", limits),
              "json: line 1 column 2: string longer than 4 bytes");
    EXPECT_EQ(parse_error(R"(["\u00e9\u00e9\u00e9"])", limits),
              "json: line 1 column 2: string longer than 4 bytes");
    EXPECT_EQ(parse_error("\"" + std::string(70000, 'a') + "\""),
              "json: line 1 column 1: string longer than 65536 bytes");
}

TEST(Json, TypedGettersValidateTypes) {
    const Value v = parse_ok(R"({"id":7,"neg":-1,"big":18446744073709551615,"f":1.5,)"
                             R"("name":"x","ok":false,"list":[1],"obj":{"k":1},"nil":null})");
    EXPECT_EQ(v.get_int("id"), 7);
    EXPECT_EQ(v.get_uint("id"), 7U);
    EXPECT_EQ(v.get_int("neg"), -1);
    EXPECT_EQ(v.get_uint("neg"), std::nullopt);
    EXPECT_EQ(v.get_int("big"), std::nullopt);
    EXPECT_EQ(v.get_uint("big"), uint64_max);
    EXPECT_EQ(v.get_int("f"), std::nullopt);
    EXPECT_EQ(v.get_double("f"), 1.5);
    EXPECT_EQ(v.get_double("id"), 7.0);
    EXPECT_EQ(v.get_double("name"), std::nullopt);
    EXPECT_EQ(v.get_string("name"), "x");
    EXPECT_EQ(v.get_string("id"), std::nullopt);
    EXPECT_EQ(v.get_bool("ok"), false);
    EXPECT_EQ(v.get_bool("nil"), std::nullopt);
    EXPECT_EQ(v.get_int("missing"), std::nullopt);
    ASSERT_NE(v.get_array("list"), nullptr);
    EXPECT_EQ(v.get_array("list")->size(), 1U);
    EXPECT_EQ(v.get_array("obj"), nullptr);
    ASSERT_NE(v.get_object("obj"), nullptr);
    EXPECT_EQ(v.get_object("obj")->find("k")->as_int(), 1);
    EXPECT_EQ(v.get_object("list"), nullptr);
    ASSERT_NE(v.find("nil"), nullptr);
    EXPECT_TRUE(v.find("nil")->is_null());
    EXPECT_EQ(v.find("missing"), nullptr);
    EXPECT_EQ(Value(Array{1}).find("id"), nullptr);
    EXPECT_EQ(Value(5).get_int("id"), std::nullopt);
}

TEST(Json, ReportsTypes) {
    const struct {
        Value value;
        Type type;
        std::string_view name;
    } cases[] = {
        {Value(), Type::null, "null"},
        {Value(false), Type::boolean, "boolean"},
        {Value(-3), Type::integer, "integer"},
        {Value(uint64_max), Type::integer, "integer"},
        {Value(0.5F), Type::floating, "number"},
        {Value("s"), Type::string, "string"},
        {Value(Array{}), Type::array, "array"},
        {Value(Object{}), Type::object, "object"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(c.value.type(), c.type) << c.name;
        EXPECT_EQ(type_name(c.value.type()), c.name);
        EXPECT_EQ(c.value.is_number(), c.type == Type::integer || c.type == Type::floating);
    }
}

TEST(Json, NormalisesUnsignedIntegers) {
    EXPECT_EQ(Value(std::uint8_t{5}), Value(5));
    EXPECT_EQ(Value(5UL), Value(std::int64_t{5}));
    EXPECT_TRUE(Value(5U).is_int());
    EXPECT_FALSE(Value(uint64_max).is_int());
    EXPECT_EQ(Value(-1).is_uint(), false);
    EXPECT_EQ(Value(uint64_max).as_double(), 18446744073709551616.0);
}

TEST(Json, ComparesStructurally) {
    EXPECT_NE(Value(1), Value(1.0));
    EXPECT_NE(Value("1"), Value(1));
    EXPECT_NE(Value(false), Value(0));
    EXPECT_NE(Value(), Value(false));
    EXPECT_NE(Value(Object{{"a", 1}, {"b", 2}}), Value(Object{{"b", 2}, {"a", 1}}));
    EXPECT_EQ(Value(Object{{"a", Array{1, "x"}}}), parse_ok(R"({"a":[1,"x"]})"));
    EXPECT_NE(Value(Array{1, 2}), Value(Array{1, 2, 3}));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(Value(nan), Value(nan));
}

}  // namespace
}  // namespace ogw::json
