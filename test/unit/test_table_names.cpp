// Unit tests for Better Auth's configured table and column names (the better_auth_names setting).
#include <string>

#include <gtest/gtest.h>

#include "core/schema/table_names.hpp"

namespace auth_ext::core::schema {
namespace {

TEST(TableNames, DefaultsWhenNothingIsRenamed) {
  for (const char* text : {"{}", R"({"user":{}})", R"({"user":{"modelName":"user","fields":{"email":"email"}}})"}) {
    Result<TableNames> names = ParseTableNames(text);
    ASSERT_TRUE(names.ok()) << text << ": " << names.error().message;
    EXPECT_TRUE(names.value().IsDefault()) << text;
    EXPECT_EQ(names.value().Table("user"), "user");
    EXPECT_EQ(names.value().Column("user", "email"), "email");
  }
}

TEST(TableNames, MapsTablesAndColumns) {
  Result<TableNames> names = ParseTableNames(
      R"({"user":{"modelName":"users","fields":{"emailVerified":"email_verified","name":"name"}},)"
      R"("jwks":{"fields":{"publicKey":"public_key"}},"rateLimit":{"modelName":"rate_limit"}})");
  ASSERT_TRUE(names.ok()) << names.error().message;
  const TableNames& n = names.value();
  EXPECT_FALSE(n.IsDefault());
  EXPECT_EQ(n.Table("user"), "users");
  EXPECT_EQ(n.Table("session"), "session");
  EXPECT_EQ(n.Table("jwks"), "jwks");
  EXPECT_EQ(n.Table("rateLimit"), "rate_limit");
  EXPECT_EQ(n.Column("user", "emailVerified"), "email_verified");
  EXPECT_EQ(n.Column("user", "name"), "name");
  EXPECT_EQ(n.Column("user", "image"), "image");
  EXPECT_EQ(n.Column("jwks", "publicKey"), "public_key");
  EXPECT_EQ(n.Column("session", "publicKey"), "publicKey");
}

TEST(TableNames, SwappedModelTablesAreAllowed) {
  Result<TableNames> names = ParseTableNames(R"({"user":{"modelName":"session"},"session":{"modelName":"user"}})");
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_EQ(names.value().Table("user"), "session");
  EXPECT_EQ(names.value().Table("session"), "user");
}

TEST(TableNames, RefusesWhatBetterAuthCannotMean) {
  const std::string too_long(64, 'x');
  for (const std::string& text : std::initializer_list<std::string>{
           "", "[]", "\"users\"", "{", R"({"user":"users"})", R"({"organization":{"modelName":"orgs"}})",
           R"({"user":{"modelName":""}})", R"({"user":{"modelName":7}})", R"({"user":{"table":"users"}})",
           R"({"user":{"fields":[]}})", R"({"user":{"fields":{"email":null}}})", R"({"user":{"fields":{"":"x"}}})",
           R"({"user":{"modelName":")" + too_long + R"("}})",
           R"({"user":{"fields":{"email":"mail","name":"mail"}}})",
           R"({"user":{"modelName":"account"}})",
           R"({"user":{"modelName":"people"},"account":{"modelName":"people"}})",
           R"({"user":{"modelName":"a"},"user":{"modelName":"b"}})"}) {
    Result<TableNames> names = ParseTableNames(text);
    ASSERT_FALSE(names.ok()) << text;
    EXPECT_EQ(names.error().kind, ErrorKind::kInvalidArgument) << text;
    EXPECT_EQ(names.error().message.rfind("better_auth_names: ", 0), 0u) << names.error().message;
  }
}

TEST(TableNames, MessagesNeverQuoteLongInput) {
  const std::string model(200, 'm');
  Result<TableNames> names = ParseTableNames("{\"" + model + "\":{}}");
  ASSERT_FALSE(names.ok());
  EXPECT_LT(names.error().message.size(), 200u);
}

}  // namespace
}  // namespace auth_ext::core::schema
