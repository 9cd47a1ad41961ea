#include "api/selector/field_selector.h"

#include <gtest/gtest.h>

#include <map>

namespace berth::api::selector {
namespace {

using Fields = std::map<std::string, std::string>;

bool Match(const FieldSelector& s, const Fields& f) {
  return s.Matches([&](std::string_view field) -> std::optional<std::string> {
    auto it = f.find(std::string(field));
    if (it == f.end()) return std::nullopt;
    return it->second;
  });
}

FieldSelector MustParse(std::string_view s) {
  auto r = ParseFieldSelector(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : FieldSelector();
}

TEST(FieldSelectorTest, EmptyMatchesAll) {
  auto s = MustParse("");
  EXPECT_TRUE(s.Empty());
  EXPECT_TRUE(Match(s, {}));
  EXPECT_TRUE(s.Fields().empty());
}

TEST(FieldSelectorTest, EqualsAndNotEquals) {
  auto s = MustParse("metadata.name=web,status.phase!=Running");
  EXPECT_TRUE(Match(s, {{"metadata.name", "web"}, {"status.phase", "Pending"}}));
  EXPECT_FALSE(Match(s, {{"metadata.name", "web"}, {"status.phase", "Running"}}));
  EXPECT_FALSE(Match(s, {{"metadata.name", "db"}, {"status.phase", "Pending"}}));
  EXPECT_EQ(s.Fields(), (std::vector<std::string>{"metadata.name", "status.phase"}));
  auto dbl = MustParse("metadata.name==web");
  EXPECT_TRUE(Match(dbl, {{"metadata.name", "web"}}));
  EXPECT_EQ(dbl.String(), "metadata.name=web");
}

TEST(FieldSelectorTest, MissingFieldComparesAsEmpty) {
  EXPECT_TRUE(Match(MustParse("spec.nodeName="), {}));
  EXPECT_FALSE(Match(MustParse("spec.nodeName!="), {}));
  EXPECT_TRUE(Match(MustParse("spec.nodeName!="), {{"spec.nodeName", "n1"}}));
}

TEST(FieldSelectorTest, RequiresExactMatch) {
  auto s = MustParse("involvedObject.uid=u1,metadata.name=web,metadata.namespace!=x");
  EXPECT_EQ(s.RequiresExactMatch("metadata.name"), std::optional<std::string>("web"));
  EXPECT_EQ(s.RequiresExactMatch("metadata.namespace"), std::nullopt);
  EXPECT_EQ(s.RequiresExactMatch("spec.x"), std::nullopt);
}

TEST(FieldSelectorTest, Escapes) {
  auto s = MustParse(R"(a=x\,y\=z\\w,b!=q)");
  ASSERT_EQ(s.requirements().size(), 2u);
  EXPECT_EQ(s.requirements()[0].value, "x,y=z\\w");
  EXPECT_TRUE(Match(s, {{"a", "x,y=z\\w"}}));
  EXPECT_EQ(s.String(), R"(a=x\,y\=z\\w,b!=q)");
  EXPECT_EQ(EscapeFieldValue("a,b=c\\"), R"(a\,b\=c\\)");
}

TEST(FieldSelectorTest, Errors) {
  auto no_op = ParseFieldSelector("abc");
  ASSERT_FALSE(no_op.ok());
  EXPECT_EQ(no_op.status().reason(), Reason::kBadRequest);
  EXPECT_EQ(no_op.status().message(), "invalid selector: 'abc'; can't understand 'abc'");
  auto bad_escape = ParseFieldSelector(R"(a=b\n)");
  ASSERT_FALSE(bad_escape.ok());
  EXPECT_EQ(bad_escape.status().message(), "invalid field selector: invalid escape sequence: \\n");
  auto unescaped = ParseFieldSelector("a=b=c");
  ASSERT_FALSE(unescaped.ok());
  EXPECT_EQ(unescaped.status().message(),
            "invalid field selector: unescaped character in value: 61");
  EXPECT_FALSE(ParseFieldSelector("a=b\\").ok());
}

TEST(FieldSelectorTest, EmptyTermsSkippedAndSorted) {
  auto s = MustParse("b=2,,a=1");
  EXPECT_EQ(s.String(), "a=1,b=2");
  EXPECT_EQ(s.Fields().size(), 2u);
}

}  // namespace
}  // namespace berth::api::selector
