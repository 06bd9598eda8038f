// Unit tests for strict JSON parsing: duplicates, depth, size, NUL, and the claim helpers.
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

}  // namespace
}  // namespace auth_ext::core::json
