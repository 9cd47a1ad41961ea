// RFC 7386 JSON merge patch: the appendix-style cases (our own versions) and
// the edge cases kube-apiserver relies on.
#include "api/patch/merge_patch.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::api::patch {
namespace {

json::value J(const std::string& text) { return json::parse(text); }

struct MergeCase {
  const char* name;
  const char* target;
  const char* patch;
  const char* want;
};

class MergePatchRfcTest : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergePatchRfcTest, ProducesExpectedDocument) {
  const MergeCase& c = GetParam();
  StatusOr<json::value> got = ApplyMergePatch(J(c.target), J(c.patch));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, J(c.want));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7386, MergePatchRfcTest,
    ::testing::Values(
        MergeCase{"ReplaceScalar", R"({"x":"one"})", R"({"x":"two"})", R"({"x":"two"})"},
        MergeCase{"AddMember", R"({"x":"one"})", R"({"y":"new"})", R"({"x":"one","y":"new"})"},
        MergeCase{"NullRemoves", R"({"x":"one","y":"two"})", R"({"x":null})", R"({"y":"two"})"},
        MergeCase{"NullForMissingKeyIsNoop", R"({"x":1})", R"({"gone":null})", R"({"x":1})"},
        MergeCase{"ArrayReplacedNotMerged", R"({"l":["a","b"]})", R"({"l":["c"]})",
                  R"({"l":["c"]})"},
        MergeCase{"ObjectReplacesArray", R"({"v":["a"]})", R"({"v":{"k":"x"}})",
                  R"({"v":{"k":"x"}})"},
        MergeCase{"NestedMergeAndDelete", R"({"o":{"keep":1,"drop":2,"change":3}})",
                  R"({"o":{"drop":null,"change":4}})", R"({"o":{"keep":1,"change":4}})"},
        MergeCase{"NullsInsideNewObjectDropped", R"({})", R"({"o":{"a":1,"b":null}})",
                  R"({"o":{"a":1}})"},
        MergeCase{"ObjectPatchOnScalarTarget", R"({"o":"text"})", R"({"o":{"k":1}})",
                  R"({"o":{"k":1}})"},
        MergeCase{"NonObjectPatchReplacesDocument", R"({"a":1})", R"(["x"])", R"(["x"])"},
        MergeCase{"ObjectPatchOnArrayDocument", R"([1,2])", R"({"a":1})", R"({"a":1})"},
        MergeCase{"ArrayElementsKeptVerbatim", R"({})", R"({"l":[{"a":null}]})",
                  R"({"l":[{"a":null}]})"},
        MergeCase{"EmptyPatchIsNoop", R"({"a":{"b":1}})", R"({})", R"({"a":{"b":1}})"}),
    [](const ::testing::TestParamInfo<MergeCase>& info) { return std::string(info.param.name); });

TEST(MergePatchTest, KubectlScaleBody) {
  json::value target = J(R"({"kind":"Deployment","spec":{"replicas":1,"paused":false}})");
  StatusOr<json::value> got = ApplyMergePatch(target, J(R"({"spec":{"replicas":5}})"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, J(R"({"kind":"Deployment","spec":{"replicas":5,"paused":false}})"));
  // The input is not modified.
  EXPECT_EQ(target.at("spec").at("replicas"), json::value(1));
}

TEST(MergePatchTest, LabelRemovalLikeKubectlLabelMinus) {
  StatusOr<json::value> got =
      ApplyMergePatch(J(R"({"metadata":{"labels":{"app":"web","tier":"fe"}}})"),
                      J(R"({"metadata":{"labels":{"tier":null}}})"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, J(R"({"metadata":{"labels":{"app":"web"}}})"));
}

}  // namespace
}  // namespace berth::api::patch
