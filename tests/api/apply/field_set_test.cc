// FieldSet algebra, FieldsV1 encoding, path rendering, and the typed
// operations (field sets of configurations, compare, merge order, removal).
#include "api/apply/field_set.h"

#include <gtest/gtest.h>

#include "api/apply/typed_ops.h"
#include "test_schema.h"

namespace berth::api::apply {
namespace {

using testing::DeploymentSchema;
using testing::J;

Path F(std::initializer_list<const char*> names) {
  Path p;
  for (const char* n : names) p.push_back(PathElement::Field(n));
  return p;
}

Path Item(Path prefix, const char* key_json) {
  prefix.push_back(PathElement::Key(J(key_json).get_object()));
  return prefix;
}

TEST(FieldSetTest, FieldsV1RoundTripKeepsDotForMembersWithChildren) {
  const json::value text = J(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},
      "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}},
                "f:finalizers":{"v:\"a\"":{}},"f:args":{"i:0":{}}}})");
  StatusOr<FieldSet> set = FieldSet::FromFieldsV1(text);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->Size(), 6u);
  EXPECT_TRUE(set->Has(F({"metadata", "labels"})));
  EXPECT_FALSE(set->Has(F({"metadata"})));
  EXPECT_TRUE(set->Has(Item(F({"spec", "containers"}), R"({"name":"web"})")));
  EXPECT_EQ(set->ToFieldsV1(), text);
}

TEST(FieldSetTest, MalformedFieldsV1IsRejected) {
  EXPECT_FALSE(FieldSet::FromFieldsV1(J(R"({"x:foo":{}})")).ok());
  EXPECT_FALSE(FieldSet::FromFieldsV1(J(R"({"f:a":1})")).ok());
  EXPECT_FALSE(FieldSet::FromFieldsV1(J(R"({"k:notjson":{}})")).ok());
  EXPECT_FALSE(FieldSet::FromFieldsV1(J("[]")).ok());
}

TEST(FieldSetTest, KeysAreCanonicalSortedAndIntegral) {
  PathElement a = PathElement::Key(J(R"({"protocol":"TCP","containerPort":80.0})").get_object());
  PathElement b = PathElement::Key(J(R"({"containerPort":80,"protocol":"TCP"})").get_object());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.ToFieldsV1(), R"(k:{"containerPort":80,"protocol":"TCP"})");
  EXPECT_EQ(a.ToDisplay(), R"([containerPort=80,protocol="TCP"])");
}

TEST(FieldSetTest, PathRendering) {
  Path p = Item(F({"spec", "containers"}), R"({"name":"web"})");
  p.push_back(PathElement::Field("image"));
  EXPECT_EQ(PathToString(p), R"(.spec.containers[name="web"].image)");
  Path s = F({"metadata", "finalizers"});
  s.push_back(PathElement::Value(json::value("x")));
  EXPECT_EQ(PathToString(s), R"(.metadata.finalizers[="x"])");
  Path i = F({"args"});
  i.push_back(PathElement::Index(3));
  EXPECT_EQ(PathToString(i), ".args[3]");
}

TEST(FieldSetTest, SetAlgebra) {
  FieldSet a, b;
  a.Insert(F({"spec", "replicas"}));
  a.Insert(F({"spec", "template"}));
  a.Insert(F({"spec", "template", "x"}));
  b.Insert(F({"spec", "template"}));
  b.Insert(F({"metadata", "labels"}));
  EXPECT_EQ(a.Union(b).Size(), 4u);
  EXPECT_EQ(a.Intersection(b).Size(), 1u);
  EXPECT_EQ(a.Difference(b).Size(), 2u);   // replicas and template.x
  FieldSet rd = a.RecursiveDifference(b);  // template and below go
  EXPECT_EQ(rd.Size(), 1u);
  EXPECT_TRUE(rd.Has(F({"spec", "replicas"})));
  EXPECT_TRUE(a.HasAtOrBelow(F({"spec"})));
  EXPECT_FALSE(a.Has(F({"spec"})));
  EXPECT_EQ(a.Subtree(F({"spec", "template"})).Size(), 2u);
  EXPECT_TRUE(FieldSet().Empty());
}

TEST(TypedOpsTest, FieldSetOfConfigCoversLeavesItemsAndEmptyObjects) {
  FieldSet set = FieldSetOf(
      J(R"({"spec":{"replicas":null,"template":{"spec":{"nodeSelector":{}}},"extra":{"a":[1]}}})"),
      DeploymentSchema().get());
  EXPECT_TRUE(set.Has(F({"spec", "replicas"})));
  EXPECT_TRUE(set.Has(F({"spec", "template", "spec", "nodeSelector"})));
  EXPECT_TRUE(set.Has(F({"spec", "extra"})));  // kAny is atomic
  EXPECT_FALSE(set.HasAtOrBelow(F({"spec", "extra", "a"})));
  EXPECT_EQ(set.Size(), 3u);
}

TEST(TypedOpsTest, CompareReportsAddedModifiedRemoved) {
  Comparison c = Compare(J(R"({"spec":{"replicas":1,"extra":{"a":1}},
                              "metadata":{"labels":{"x":"1"}}})"),
                         J(R"({"spec":{"replicas":2,"template":{"spec":{"nodeSelector":{"k":"v"}}}},
                              "metadata":{"labels":{"x":"1"}}})"),
                         DeploymentSchema().get());
  EXPECT_TRUE(c.modified.Has(F({"spec", "replicas"})));
  EXPECT_EQ(c.modified.Size(), 1u);
  EXPECT_TRUE(c.removed.Has(F({"spec", "extra"})));
  EXPECT_EQ(c.removed.Size(), 1u);
  EXPECT_TRUE(c.added.Has(F({"spec", "template", "spec", "nodeSelector", "k"})));
  EXPECT_TRUE(c.added.Has(F({"spec", "template", "spec", "nodeSelector"})));
  EXPECT_FALSE(c.added.Has(F({"spec", "template"})));  // structs are implied
}

TEST(TypedOpsTest, MergeOrdersItemsLikeStructuredMergeDiff) {
  const Schema* s = DeploymentSchema().get();
  json::value live = J(R"({"spec":{"template":{"spec":{"containers":[
      {"name":"a","image":"1"},{"name":"x","image":"live"},{"name":"b","image":"2"}]}}}})");
  json::value config = J(R"({"spec":{"template":{"spec":{"containers":[
      {"name":"b","image":"3"},{"name":"c"},{"name":"a"}]}}}})");
  json::value got = MergeApplied(live, config, s);
  EXPECT_EQ(*GetPath(got, {"spec", "template", "spec", "containers"}),
            J(R"([{"name":"x","image":"live"},{"name":"b","image":"3"},{"name":"c"},
                  {"name":"a","image":"1"}])"));
}

TEST(TypedOpsTest, MergeNullRemovesAndAtomicReplaces) {
  const Schema* s = DeploymentSchema().get();
  json::value got = MergeApplied(
      J(R"({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"replicas":3,"extra":{"p":1,"q":2}}})"),
      J(R"({"metadata":{"labels":{"a":null}},"spec":{"extra":{"p":5}}})"), s);
  EXPECT_EQ(got, J(R"({"metadata":{"labels":{"b":"2"}},"spec":{"replicas":3,"extra":{"p":5}}})"));
}

TEST(TypedOpsTest, RemoveFieldsDropsWholeItemsAndFields) {
  const Schema* s = DeploymentSchema().get();
  json::value obj = J(R"({"spec":{"replicas":1,"template":{"spec":{"containers":[
      {"name":"a","image":"1"},{"name":"b","image":"2"}]}}}})");
  FieldSet rm;
  Path item = Item(F({"spec", "template", "spec", "containers"}), R"({"name":"a"})");
  rm.Insert(item);
  Path name = item;
  name.push_back(PathElement::Field("name"));
  rm.Insert(name);
  rm.Insert(F({"spec", "replicas"}));
  RemoveFields(&obj, s, rm);
  EXPECT_EQ(obj, J(R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"2"}]}}}})"));
}

}  // namespace
}  // namespace berth::api::apply
