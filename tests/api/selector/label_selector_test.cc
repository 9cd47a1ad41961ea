#include "api/selector/label_selector.h"

#include <gtest/gtest.h>

namespace berth::api::selector {
namespace {

using Labels = std::map<std::string, std::string>;

LabelSelector MustParse(std::string_view s) {
  auto r = ParseLabelSelector(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : LabelSelector::Nothing();
}

std::string ParseError(std::string_view s) {
  auto r = ParseLabelSelector(s);
  EXPECT_FALSE(r.ok()) << "expected an error for " << s;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().reason(), Reason::kBadRequest);
  return r.status().message();
}

TEST(LabelSelectorTest, EmptyMatchesEverything) {
  auto s = MustParse("");
  EXPECT_TRUE(s.Empty());
  EXPECT_TRUE(s.Matches(Labels{}));
  EXPECT_TRUE(s.Matches(Labels{{"a", "b"}}));
  EXPECT_EQ(s.String(), "");
  EXPECT_TRUE(MustParse("   ").Empty());
}

TEST(LabelSelectorTest, Equality) {
  for (const char* text : {"app=web", "app==web", " app = web "}) {
    auto s = MustParse(text);
    EXPECT_TRUE(s.Matches(Labels{{"app", "web"}, {"x", "y"}})) << text;
    EXPECT_FALSE(s.Matches(Labels{{"app", "db"}})) << text;
    EXPECT_FALSE(s.Matches(Labels{})) << text;
  }
  EXPECT_EQ(MustParse("app==web").String(), "app==web");
  EXPECT_EQ(MustParse(" app = web ").String(), "app=web");
}

TEST(LabelSelectorTest, NotEqualsMatchesMissingKey) {
  auto s = MustParse("app!=web");
  EXPECT_TRUE(s.Matches(Labels{}));
  EXPECT_TRUE(s.Matches(Labels{{"app", "db"}}));
  EXPECT_FALSE(s.Matches(Labels{{"app", "web"}}));
  EXPECT_EQ(s.String(), "app!=web");
}

TEST(LabelSelectorTest, SetBased) {
  auto in = MustParse("tier in (b, a ,a)");
  EXPECT_TRUE(in.Matches(Labels{{"tier", "a"}}));
  EXPECT_TRUE(in.Matches(Labels{{"tier", "b"}}));
  EXPECT_FALSE(in.Matches(Labels{{"tier", "c"}}));
  EXPECT_FALSE(in.Matches(Labels{}));
  EXPECT_EQ(in.String(), "tier in (a,b)");
  auto notin = MustParse("tier notin (x)");
  EXPECT_TRUE(notin.Matches(Labels{}));
  EXPECT_TRUE(notin.Matches(Labels{{"tier", "y"}}));
  EXPECT_FALSE(notin.Matches(Labels{{"tier", "x"}}));
  EXPECT_EQ(notin.String(), "tier notin (x)");
  // Keywords are plain values inside the parentheses.
  EXPECT_TRUE(MustParse("x in (in,notin)").Matches(Labels{{"x", "notin"}}));
}

TEST(LabelSelectorTest, ExistenceAndEmptyValues) {
  auto exists = MustParse("app");
  EXPECT_TRUE(exists.Matches(Labels{{"app", ""}}));
  EXPECT_FALSE(exists.Matches(Labels{}));
  auto missing = MustParse("!app");
  EXPECT_TRUE(missing.Matches(Labels{}));
  EXPECT_FALSE(missing.Matches(Labels{{"app", "x"}}));
  EXPECT_EQ(missing.String(), "!app");
  auto empty_value = MustParse("x=");
  EXPECT_TRUE(empty_value.Matches(Labels{{"x", ""}}));
  EXPECT_FALSE(empty_value.Matches(Labels{}));
  EXPECT_FALSE(empty_value.Matches(Labels{{"x", "y"}}));
  auto empty_set = MustParse("x in (a,,b)");
  EXPECT_TRUE(empty_set.Matches(Labels{{"x", ""}}));
  EXPECT_EQ(empty_set.String(), "x in (,a,b)");
}

TEST(LabelSelectorTest, CombinedAndSortedByKey) {
  auto s = MustParse("tier in (a,b), app=web,!canary, env");
  EXPECT_EQ(s.String(), "app=web,!canary,env,tier in (a,b)");
  EXPECT_TRUE(s.Matches(Labels{{"app", "web"}, {"tier", "a"}, {"env", "p"}}));
  EXPECT_FALSE(s.Matches(Labels{{"app", "web"}, {"tier", "a"}, {"env", "p"}, {"canary", "1"}}));
  EXPECT_FALSE(s.Matches(Labels{{"app", "web"}, {"tier", "a"}}));
  json::object labels;
  labels["app"] = "web";
  labels["tier"] = "b";
  labels["env"] = "x";
  labels["n"] = 5;  // ignored
  EXPECT_TRUE(s.Matches(labels));
  labels["tier"] = "c";
  EXPECT_FALSE(s.Matches(labels));
}

TEST(LabelSelectorTest, GreaterAndLessThan) {
  auto gt = MustParse("replicas>2");
  EXPECT_TRUE(gt.Matches(Labels{{"replicas", "3"}}));
  EXPECT_FALSE(gt.Matches(Labels{{"replicas", "2"}}));
  EXPECT_FALSE(gt.Matches(Labels{{"replicas", "x"}}));
  EXPECT_FALSE(gt.Matches(Labels{}));
  EXPECT_TRUE(MustParse("n<10").Matches(Labels{{"n", "-4"}}));
  EXPECT_NE(ParseError("n>abc").find("the value must be an integer"), std::string::npos);
}

TEST(LabelSelectorTest, SyntaxErrors) {
  EXPECT_EQ(ParseError("a=b=c"), "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(ParseError("a b"),
            "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'");
  EXPECT_EQ(ParseError("a in (x) b"), "found 'b', expected: ',' or 'end of string'");
  EXPECT_EQ(ParseError("a=b,"), "found '', expected: identifier after ','");
  EXPECT_EQ(ParseError(",a"), "found ',', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(ParseError("a in b"), "unable to parse requirement: found 'b' expected: '('");
  EXPECT_EQ(ParseError("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
  EXPECT_EQ(ParseError("!"), "unable to parse requirement: found '', expected: identifier");
  EXPECT_EQ(ParseError("!a=b"), "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(ParseError("a=(b)"), "unable to parse requirement: found '(', expected: identifier");
}

TEST(LabelSelectorTest, ValidationErrors) {
  std::string key_err = ParseError("bad key!x=y");
  EXPECT_FALSE(key_err.empty());
  std::string bad_key = ParseError("-a=b");
  EXPECT_EQ(bad_key.rfind("unable to parse requirement: key: Invalid value: \"-a\": name part must "
                          "consist of alphanumeric characters",
                          0),
            0u)
      << bad_key;
  std::string bad_value = ParseError("a=-b");
  EXPECT_EQ(bad_value.rfind("unable to parse requirement: values[0][a]: Invalid value: \"-b\": a "
                            "valid label must be an empty string",
                            0),
            0u)
      << bad_value;
}

TEST(LabelSelectorJsonTest, NullEmptyAndFull) {
  auto nothing = FromLabelSelectorJson(json::value(nullptr));
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->IsNothing());
  EXPECT_FALSE(nothing->Matches(Labels{}));
  auto everything = FromLabelSelectorJson(json::parse("{}"));
  ASSERT_TRUE(everything.ok());
  EXPECT_TRUE(everything->Matches(Labels{{"q", "r"}}));
  auto full = FromLabelSelectorJson(json::parse(R"({
      "matchLabels": {"app": "web"},
      "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["b", "a"]},
        {"key": "env", "operator": "NotIn", "values": ["dev"]},
        {"key": "team", "operator": "Exists"},
        {"key": "old", "operator": "DoesNotExist"}]})"));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->String(), "app=web,env notin (dev),!old,team,tier in (a,b)");
  EXPECT_TRUE(full->Matches(Labels{{"app", "web"}, {"tier", "a"}, {"team", "t"}}));
  EXPECT_FALSE(full->Matches(Labels{{"app", "web"}, {"tier", "a"}, {"team", "t"}, {"env", "dev"}}));
  EXPECT_FALSE(full->Matches(Labels{{"app", "web"}, {"tier", "a"}, {"team", "t"}, {"old", ""}}));
}

TEST(LabelSelectorJsonTest, Errors) {
  auto bad_op = FromLabelSelectorJson(
      json::parse(R"({"matchExpressions":[{"key":"a","operator":"Equals","values":["x"]}]})"));
  ASSERT_FALSE(bad_op.ok());
  EXPECT_EQ(bad_op.status().message(), "\"Equals\" is not a valid label selector operator");
  auto empty_in = FromLabelSelectorJson(
      json::parse(R"({"matchExpressions":[{"key":"a","operator":"In","values":[]}]})"));
  ASSERT_FALSE(empty_in.ok());
  EXPECT_NE(empty_in.status().message().find("values set can't be empty"), std::string::npos);
  auto exists_values = FromLabelSelectorJson(
      json::parse(R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})"));
  EXPECT_FALSE(exists_values.ok());
  EXPECT_FALSE(FromLabelSelectorJson(json::parse(R"({"matchLabels":{"a":"-x"}})")).ok());
}

TEST(LabelSelectorJsonTest, FormatStrings) {
  EXPECT_EQ(
      ToSelectorString(json::parse(
          R"({"matchLabels":{"app":"web"},
              "matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]})")),
      "app=web,tier in (a,b)");
  EXPECT_EQ(ToSelectorString(json::parse("{}")), "");
  EXPECT_EQ(ToSelectorString(json::value(nullptr)), "");
  EXPECT_EQ(FormatLabelSelector(json::value(nullptr)), "<none>");
  EXPECT_EQ(FormatLabelSelector(json::parse(R"({"matchLabels":{"a":"b"}})")), "a=b");
  EXPECT_EQ(
      ToSelectorString(json::parse(R"({"matchExpressions":[{"key":"a","operator":"Nope"}]})")),
      "<error>");
}

}  // namespace
}  // namespace berth::api::selector
