// RFC 6902 JSON patch: appendix A style examples (our own documents) plus
// pointer syntax, bounds and error classification.
#include "api/patch/json_patch.h"

#include <gtest/gtest.h>

#include <string>

#include "api/patch/json_pointer.h"

namespace berth::api::patch {
namespace {

json::value J(const std::string& text) { return json::parse(text); }

json::value MustApply(const std::string& target, const std::string& ops) {
  StatusOr<json::value> got = ApplyJsonPatch(J(target), J(ops));
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  return got.ok() ? *got : json::value();
}

Reason FailReason(const std::string& target, const std::string& ops) {
  StatusOr<json::value> got = ApplyJsonPatch(J(target), J(ops));
  EXPECT_FALSE(got.ok()) << "unexpected success: " << (got.ok() ? ToJson(*got) : "");
  return got.status().reason();
}

TEST(JsonPatchTest, AddObjectMember) {
  EXPECT_EQ(MustApply(R"({"a":1})", R"([{"op":"add","path":"/b","value":[1,2]}])"),
            J(R"({"a":1,"b":[1,2]})"));
}

TEST(JsonPatchTest, AddArrayElementInsertsBeforeIndex) {
  EXPECT_EQ(MustApply(R"({"l":["x","z"]})", R"([{"op":"add","path":"/l/1","value":"y"}])"),
            J(R"({"l":["x","y","z"]})"));
}

TEST(JsonPatchTest, AddAtArrayEndAndDashAppends) {
  EXPECT_EQ(MustApply(R"({"l":[1]})", R"([{"op":"add","path":"/l/1","value":2},
                                          {"op":"add","path":"/l/-","value":3}])"),
            J(R"({"l":[1,2,3]})"));
}

TEST(JsonPatchTest, AddReplacesExistingMember) {
  EXPECT_EQ(MustApply(R"({"a":1})", R"([{"op":"add","path":"/a","value":{"n":true}}])"),
            J(R"({"a":{"n":true}})"));
}

TEST(JsonPatchTest, RemoveMemberAndArrayElement) {
  EXPECT_EQ(MustApply(R"({"a":1,"b":2,"l":[1,2,3]})",
                      R"([{"op":"remove","path":"/b"},{"op":"remove","path":"/l/0"}])"),
            J(R"({"a":1,"l":[2,3]})"));
}

TEST(JsonPatchTest, ReplaceValue) {
  EXPECT_EQ(MustApply(R"({"spec":{"replicas":1}})",
                      R"([{"op":"replace","path":"/spec/replicas","value":3}])"),
            J(R"({"spec":{"replicas":3}})"));
}

TEST(JsonPatchTest, ReplaceWholeDocumentWithEmptyPath) {
  EXPECT_EQ(MustApply(R"({"a":1})", R"([{"op":"replace","path":"","value":{"b":2}}])"),
            J(R"({"b":2})"));
}

TEST(JsonPatchTest, MoveValueBetweenObjects) {
  EXPECT_EQ(MustApply(R"({"from":{"k":"v","o":1},"to":{}})",
                      R"([{"op":"move","from":"/from/k","path":"/to/k"}])"),
            J(R"({"from":{"o":1},"to":{"k":"v"}})"));
}

TEST(JsonPatchTest, MoveArrayElement) {
  EXPECT_EQ(
      MustApply(R"({"l":["a","b","c","d"]})", R"([{"op":"move","from":"/l/1","path":"/l/3"}])"),
      J(R"({"l":["a","c","d","b"]})"));
}

TEST(JsonPatchTest, CopyValue) {
  EXPECT_EQ(MustApply(R"({"a":{"x":[1]}})", R"([{"op":"copy","from":"/a","path":"/b"}])"),
            J(R"({"a":{"x":[1]},"b":{"x":[1]}})"));
}

TEST(JsonPatchTest, TestSuccessThenContinues) {
  EXPECT_EQ(MustApply(R"({"s":"v","n":[1,{"k":2}]})",
                      R"([{"op":"test","path":"/s","value":"v"},
                          {"op":"test","path":"/n","value":[1,{"k":2}]},
                          {"op":"add","path":"/ok","value":true}])"),
            J(R"({"s":"v","n":[1,{"k":2}],"ok":true})"));
}

TEST(JsonPatchTest, TestComparesNumbersByValue) {
  EXPECT_EQ(MustApply(R"({"port":80})", R"([{"op":"test","path":"/port","value":80.0}])"),
            J(R"({"port":80})"));
}

TEST(JsonPatchTest, FailingTestIs422Invalid) {
  // kube-apiserver answers jsonpatch Apply errors with 422 (reason Invalid).
  EXPECT_EQ(FailReason(R"({"s":"v"})", R"([{"op":"test","path":"/s","value":"w"}])"),
            Reason::kInvalid);
  // A string never equals a number (RFC 6902 A.15).
  EXPECT_EQ(FailReason(R"({"n":10})", R"([{"op":"test","path":"/n","value":"10"}])"),
            Reason::kInvalid);
}

TEST(JsonPatchTest, FailureAfterEarlierOpsLeavesNoPartialResult) {
  json::value target = J(R"({"a":1})");
  StatusOr<json::value> got = ApplyJsonPatch(
      target, J(R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/missing"}])"));
  EXPECT_EQ(got.status().reason(), Reason::kInvalid);
  EXPECT_EQ(target, J(R"({"a":1})"));
}

TEST(JsonPatchTest, AddNestedMember) {
  EXPECT_EQ(
      MustApply(R"({"m":{"labels":{}}})", R"([{"op":"add","path":"/m/labels/app","value":"web"}])"),
      J(R"({"m":{"labels":{"app":"web"}}})"));
}

TEST(JsonPatchTest, UnknownOperationMembersIgnored) {
  EXPECT_EQ(MustApply(R"({})", R"([{"op":"add","path":"/a","value":1,"extra":"ignored"}])"),
            J(R"({"a":1})"));
}

TEST(JsonPatchTest, MissingPathsAre422) {
  EXPECT_EQ(FailReason(R"({"a":1})", R"([{"op":"add","path":"/x/y","value":1}])"),
            Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"a":1})", R"([{"op":"remove","path":"/x"}])"), Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"a":1})", R"([{"op":"replace","path":"/x","value":1}])"),
            Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"a":1})", R"([{"op":"move","from":"/x","path":"/y"}])"),
            Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"a":1})", R"([{"op":"copy","from":"/x","path":"/y"}])"),
            Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"a":1})", R"([{"op":"test","path":"/x","value":1}])"), Reason::kInvalid);
}

TEST(JsonPatchTest, ArrayIndexBounds) {
  EXPECT_EQ(FailReason(R"({"l":[1]})", R"([{"op":"add","path":"/l/2","value":9}])"),
            Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"l":[1]})", R"([{"op":"remove","path":"/l/1"}])"), Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"l":[1,2]})", R"([{"op":"replace","path":"/l/01","value":9}])"),
            Reason::kInvalid);
  EXPECT_EQ(FailReason(R"({"l":[1]})", R"([{"op":"remove","path":"/l/-"}])"), Reason::kInvalid);
}

TEST(JsonPatchTest, EscapedPointerTokens) {
  EXPECT_EQ(MustApply(R"({"a/b":1,"m~n":2,"annotations":{}})",
                      R"([{"op":"replace","path":"/a~1b","value":10},
                          {"op":"remove","path":"/m~0n"},
                          {"op":"add","path":"/annotations/example.com~1key","value":"v"}])"),
            J(R"({"a/b":10,"annotations":{"example.com/key":"v"}})"));
}

TEST(JsonPatchTest, MoveIntoOwnChildIs422) {
  EXPECT_EQ(FailReason(R"({"a":{"b":{}}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])"),
            Reason::kInvalid);
}

TEST(JsonPatchTest, MalformedDocumentsAre400) {
  EXPECT_EQ(FailReason(R"({})", R"({"op":"add","path":"/a","value":1})"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"(["add"])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"path":"/a","value":1}])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"op":"frobnicate","path":"/a"}])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"op":"add","value":1}])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"op":"add","path":"/a"}])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"op":"move","path":"/a"}])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"op":"add","path":"a","value":1}])"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"([{"op":"add","path":"/a~2","value":1}])"), Reason::kBadRequest);
}

TEST(JsonPatchTest, AddNullValueIsAllowed) {
  EXPECT_EQ(MustApply(R"({})", R"([{"op":"add","path":"/a","value":null}])"), J(R"({"a":null})"));
}

TEST(JsonPointerTest, ParsesTokens) {
  StatusOr<std::vector<std::string>> tokens = ParseJsonPointer("/a~1b/~01/");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(*tokens, (std::vector<std::string>{"a/b", "~1", ""}));
  EXPECT_TRUE(ParseJsonPointer("")->empty());
  EXPECT_FALSE(ArrayIndex("-1").has_value());
  EXPECT_EQ(ArrayIndex("0"), std::optional<size_t>(0));
  EXPECT_EQ(ArrayIndex("17"), std::optional<size_t>(17));
}

}  // namespace
}  // namespace berth::api::patch
