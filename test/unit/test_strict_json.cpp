// Unit tests for strict JSON parsing: duplicates, depth, size, NUL, what PostgreSQL's jsonb_in
// refuses (byte order mark, NUL bytes, numbers outside numeric, surrogates), and the claim helpers.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/json/strict_json.hpp"

namespace auth_ext::core::json {
namespace {

TEST(StrictJson, ParsesObjectsArraysAndScalars) {
  Result<nlohmann::json> parsed = ParseStrict(R"({"a":1,"b":[true,null,"x",-2.5],"c":{"d":18446744073709551615}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value()["a"], 1);
  EXPECT_EQ(parsed.value()["b"][2], "x");
  EXPECT_EQ(parsed.value()["c"]["d"].get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_TRUE(ParseStrict("42").ok());
  EXPECT_TRUE(ParseStrict("  \"s\"  ").ok());
}

TEST(StrictJson, RefusesDuplicateNamesAtEveryDepth) {
  for (const char* text : {R"({"a":1,"a":2})", R"({"a":{"b":1,"b":1}})", R"([{"x":1},{"y":{"z":[{"k":1,"k":2}]}}])",
                           R"({"alg":"HS256","alg":"none"})"}) {
    Result<nlohmann::json> parsed = ParseStrict(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_EQ(parsed.error().message, "json object has a duplicate member name");
  }
  // The same name in sibling objects is fine.
  EXPECT_TRUE(ParseStrict(R"([{"a":1},{"a":2}])").ok());
}

TEST(StrictJson, KeepingBuildsOnlyTheNamedTopLevelMembers) {
  const std::vector<std::string_view> keep = {"exp", "sub"};
  Result<nlohmann::json> parsed =
      ParseStrictKeeping(R"({"exp":1,"name":"x","nested":{"sub":"inner","l":[{"a":1}]},"sub":"u","aud":["a","b"]})", keep);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value(), nlohmann::json::parse(R"({"exp":1,"sub":"u"})"));
  // Members that are not built are checked as strictly as the rest, at every depth.
  for (const char* text : {R"({"name":1,"name":2})", R"({"exp":1,"exp":2})", R"({"sub":"u","x":{"b":1,"b":1}})",
                           R"({"x":[{"y":{"k":1,"k":2}}]})", R"({"sub":{"k":1,"k":2}})"}) {
    Result<nlohmann::json> refused = ParseStrictKeeping(text, keep);
    ASSERT_FALSE(refused.ok()) << text;
    EXPECT_EQ(refused.error().message, "json object has a duplicate member name") << text;
  }
  EXPECT_EQ(ParseStrictKeeping(R"({"x":"a\u0000b"})", keep).error().message, "json strings must not contain \\u0000");
  EXPECT_EQ(ParseStrictKeeping(R"({"x":[[[1]]]})", keep, {1024, 3}).error().message, "json nesting is too deep");
  EXPECT_TRUE(ParseStrictKeeping(R"({"x":[[1]]})", keep, {1024, 3}).ok());
  EXPECT_EQ(ParseStrictKeeping(R"({"x":1,})", keep).error().message, "invalid json");
  // A top-level value that is not an object comes back whole.
  EXPECT_EQ(ParseStrictKeeping("[1,2]", keep).value(), nlohmann::json::parse("[1,2]"));
  // Same name in sibling dropped objects is fine.
  EXPECT_TRUE(ParseStrictKeeping(R"({"x":[{"a":1},{"a":2}],"y":{"a":3}})", keep).ok());
}

TEST(StrictJson, RefusesSyntaxErrorsWithoutQuotingInput) {
  for (const char* text : {"", "{", R"({"a":1,})", R"({"a":1} x)", "{'a':1}", "[1 2]", "/*c*/{}", "NaN", "1e400",
                           "\"\xff\"", R"("\ud800")"}) {
    Result<nlohmann::json> parsed = ParseStrict(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().message, "invalid json");
    EXPECT_EQ(parsed.error().detail.find(text[0] ? text : "\x01"), std::string::npos);
  }
}

TEST(StrictJson, RefusesNul) {
  EXPECT_EQ(ParseStrict(R"({"a":"x\u0000y"})").error().message, "json strings must not contain \\u0000");
  EXPECT_EQ(ParseStrict(R"({"a\u0000":1})").error().message, "json member names must not contain \\u0000");
}

TEST(StrictJson, EnforcesDepthLimit) {
  std::string ok(64, '[');
  ok += std::string(64, ']');
  EXPECT_TRUE(ParseStrict(ok).ok());
  std::string deep(65, '[');
  deep += std::string(65, ']');
  EXPECT_EQ(ParseStrict(deep).error().message, "json nesting is too deep");
  EXPECT_EQ(ParseStrict(std::string(100000, '[')).error().kind, ErrorKind::kInvalidArgument);
  EXPECT_FALSE(ParseStrict(R"({"a":{"b":1}})", {1024, 1}).ok());
}

TEST(StrictJson, EnforcesSizeLimit) {
  EXPECT_TRUE(ParseStrict("[1,2,3]", {7, 64}).ok());
  EXPECT_EQ(ParseStrict("[1,2,3]", {6, 64}).error().message, "json text is too long");
}

TEST(StrictJson, ObjectVariantRefusesOtherTopLevelValues) {
  EXPECT_TRUE(ParseStrictObject("{}").ok());
  for (const char* text : {"[]", "1", "\"x\"", "null", "true"}) {
    EXPECT_EQ(ParseStrictObject(text).error().message, "json value is not an object") << text;
  }
}

TEST(StrictJson, MemberHelpers) {
  nlohmann::json value = ParseStrict(R"({"i":3,"f":1.5,"s":"t","b":true,"n":null})").value();
  EXPECT_EQ(AsNumber(*FindMember(value, "i")), 3.0);
  EXPECT_EQ(AsNumber(*FindMember(value, "f")), 1.5);
  EXPECT_FALSE(AsNumber(*FindMember(value, "s")));
  EXPECT_FALSE(AsNumber(*FindMember(value, "b")));
  EXPECT_FALSE(AsNumber(*FindMember(value, "n")));
  EXPECT_EQ(AsString(*FindMember(value, "s")), "t");
  EXPECT_FALSE(AsString(*FindMember(value, "i")));
  EXPECT_EQ(FindMember(value, "missing"), nullptr);
  EXPECT_EQ(FindMember(nlohmann::json::array(), "i"), nullptr);
}

// ---- nothing that jsonb_in refuses (each boundary: just inside accepted, just outside refused) ----

constexpr const char* kNumericRange = "json number is outside the range of PostgreSQL's numeric";

std::string Repeat(char c, std::size_t n) { return std::string(n, c); }

TEST(StrictJsonPostgres, ExponentBelowHalfIntMax) {
  // set_var_from_str refuses |exponent| >= INT_MAX / 2 = 1073741823 before anything else.
  EXPECT_TRUE(FitsPostgresNumeric("0e1073741822"));
  EXPECT_TRUE(FitsPostgresNumeric("-0E+1073741822"));
  EXPECT_FALSE(FitsPostgresNumeric("0e1073741823"));
  EXPECT_FALSE(FitsPostgresNumeric("0e-1073741823"));
  EXPECT_FALSE(FitsPostgresNumeric("0e99999999999999999999999999"));  // strtol saturates; so do we
  EXPECT_TRUE(FitsPostgresNumeric("0e000000000000000000000001"));      // leading zeros do not count
  // nlohmann reads these as 0 (no overflow), so only the numeric rule refuses them.
  EXPECT_TRUE(ParseStrict("0e1073741822").ok());
  EXPECT_EQ(ParseStrict("0e1073741823").error().message, kNumericRange);
  EXPECT_EQ(ParseStrict("[1, 0E+99999999999]").error().message, kNumericRange);
}

TEST(StrictJsonPostgres, DisplayScaleAtMostNumericDscaleMax) {
  // dscale = digits after the point minus the exponent (at least 0) must be <= 16383, zero included.
  EXPECT_TRUE(FitsPostgresNumeric("1e-16383"));
  EXPECT_FALSE(FitsPostgresNumeric("1e-16384"));
  EXPECT_TRUE(FitsPostgresNumeric("0e-16383"));
  EXPECT_FALSE(FitsPostgresNumeric("0e-16384"));
  EXPECT_TRUE(FitsPostgresNumeric("1.5e-16382"));
  EXPECT_FALSE(FitsPostgresNumeric("1.5e-16383"));
  EXPECT_FALSE(FitsPostgresNumeric("0.0e-16383"));
  EXPECT_TRUE(FitsPostgresNumeric("0." + Repeat('0', 16383)));
  EXPECT_FALSE(FitsPostgresNumeric("0." + Repeat('0', 16384)));
  EXPECT_TRUE(FitsPostgresNumeric("1." + Repeat('0', 16384) + "e1"));  // the exponent takes one back
  EXPECT_FALSE(FitsPostgresNumeric("-1e-999999"));                      // the reported payload
  EXPECT_TRUE(FitsPostgresNumeric("123.456e-100"));
  // A large positive exponent never makes the scale negative-overflow: it is clamped at 0.
  EXPECT_TRUE(FitsPostgresNumeric("0." + Repeat('5', 20000) + "e10000"));
  EXPECT_TRUE(ParseStrict("1e-16383").ok());
  EXPECT_EQ(ParseStrict("1e-16384").error().message, kNumericRange);
  EXPECT_EQ(ParseStrict(R"({"n":-1e-999999})").error().message, kNumericRange);
}

TEST(StrictJsonPostgres, WeightFitsInt16) {
  // The base-10000 weight of the first nonzero digit: floor(decimal position / 4) in [-32768, 32767].
  EXPECT_TRUE(FitsPostgresNumeric("9.9e131071"));   // position 131071: weight 32767
  EXPECT_TRUE(FitsPostgresNumeric("0.1e131072"));   // position 131071
  EXPECT_TRUE(FitsPostgresNumeric("0e131072"));     // zero has weight 0
  EXPECT_FALSE(FitsPostgresNumeric("1e131072"));    // position 131072: weight 32768
  EXPECT_FALSE(FitsPostgresNumeric("10e131071"));
  EXPECT_FALSE(FitsPostgresNumeric("-1" + Repeat('0', 131072)));
  EXPECT_TRUE(FitsPostgresNumeric("-1" + Repeat('0', 131071)));
  // Below, the display scale limit always comes first: a first digit at 10^-p needs a scale >= p.
  EXPECT_FALSE(FitsPostgresNumeric("1e-131073"));
  // nlohmann already refuses numbers beyond a double (1e131071 is one): stricter, never laxer.
  EXPECT_FALSE(ParseStrict("9.9e131071").ok());
}

TEST(StrictJsonPostgres, NumbersInTheGrammarOnly) {
  for (const char* text : {"", "-", "1.", ".5", "1e", "1e+", "1x", "+1", "0x10", "1_000", "Infinity", "NaN"}) {
    EXPECT_FALSE(FitsPostgresNumeric(text)) << text;
  }
  for (const char* text : {"0", "-0", "-0.0", "1E5", "1e+5", "1e-5", "18446744073709551616", "2.5"}) {
    EXPECT_TRUE(FitsPostgresNumeric(text)) << text;
  }
}

TEST(StrictJsonPostgres, RefusesLeadingByteOrderMark) {
  EXPECT_EQ(ParseStrict("\xEF\xBB\xBF{}").error().message, "json text must not start with a byte order mark");
  EXPECT_EQ(ParseStrictKeeping("\xEF\xBB\xBF{\"sub\":\"u\"}", {"sub"}).error().message,
            "json text must not start with a byte order mark");
  EXPECT_FALSE(ParseStrict(" \xEF\xBB\xBF{}").ok());  // nor anywhere else outside a string
  EXPECT_TRUE(ParseStrict("{}").ok());
  EXPECT_TRUE(ParseStrict("\"\xEF\xBB\xBF\"").ok());  // U+FEFF inside a string is a character
}

TEST(StrictJsonPostgres, RefusesNulBytes) {
  using namespace std::string_literals;
  EXPECT_EQ(ParseStrict("{}\0"s).error().message, "json text must not contain a NUL byte");
  EXPECT_EQ(ParseStrict("{\"sub\":\"a\"}\0{\"sub\":\"b\"}"s).error().message, "json text must not contain a NUL byte");
  EXPECT_EQ(ParseStrict("\0"s).error().message, "json text must not contain a NUL byte");
  EXPECT_EQ(ParseStrictKeeping("{\"sub\":\"a\"}\0"s, {"sub"}).error().message, "json text must not contain a NUL byte");
}

TEST(StrictJsonPostgres, RefusesBrokenSurrogates) {
  for (const char* text : {R"("\ud800")", R"("\udbff")", R"("\udc00")", R"("\udfff")", R"("\ud800\u0041")",
                           R"("\ud800x")", R"("\udc00\ud800")", R"("\ud800\ud800")", R"({"\ud800":1})",
                           "\"\xED\xA0\x80\""}) {  // the last: a surrogate encoded in UTF-8
    EXPECT_FALSE(ParseStrict(text).ok()) << text;
  }
  EXPECT_TRUE(ParseStrict(R"("\ud800\udc00\udbff\udfff\ud83d\ude00")").ok());
}

TEST(StrictJsonPostgres, WhitespaceAndControlCharactersAsJsonbIn) {
  EXPECT_TRUE(ParseStrict(" \t\r\n{} \t\r\n").ok());
  for (const char* text : {"\v{}", "\f{}", "{}\v", "\xC2\xA0{}", "\"a\x01\"", "\"a\x1f\"", "\"a\tb\""}) {
    EXPECT_FALSE(ParseStrict(text).ok()) << text;
  }
  EXPECT_TRUE(ParseStrict("\"a\x7f\"").ok());  // DEL needs no escape in either
  for (const char* text : {"True", "nul", "[1,]", "{\"a\" 1}", "01", "-01", "1.e5", "\"\\x41\"", "\"\\u12\""}) {
    EXPECT_FALSE(ParseStrict(text).ok()) << text;
  }
}

}  // namespace
}  // namespace auth_ext::core::json
