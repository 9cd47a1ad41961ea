// Pure deployment logic: surge/unavailable rounding, template hashing, revision annotations,
// proportional shares.
#include <gtest/gtest.h>

#include "controllers/deployment/replica_sets.h"
#include "controllers/deployment/revision.h"
#include "controllers/deployment/rolling.h"
#include "controllers/deployment/template_hash.h"

namespace berth::controllers::deployutil {
namespace {

TEST(RollingTest, RoundsSurgeUpAndUnavailableDown) {
  json::value pct("25%");
  Fenceposts f = ResolveFenceposts(&pct, &pct, 10);
  EXPECT_EQ(f.max_surge, 3);        // 2.5 -> 3
  EXPECT_EQ(f.max_unavailable, 2);  // 2.5 -> 2
  json::value zero(0);
  json::value small("10%");
  f = ResolveFenceposts(&zero, &small, 5);  // both 0 -> unavailable 1
  EXPECT_EQ(f.max_surge, 0);
  EXPECT_EQ(f.max_unavailable, 1);
  json::value two(2);
  f = ResolveFenceposts(&two, &zero, 5);
  EXPECT_EQ(f.max_surge, 2);
  EXPECT_EQ(f.max_unavailable, 0);
  EXPECT_EQ(ScaledValue(nullptr, 7, true), 0);
}

TEST(RollingTest, DeploymentBoundsAndRecreate) {
  json::object d{{"spec", json::object{{"replicas", 3},
                                        {"strategy", json::object{{"type", "RollingUpdate"},
                                                                  {"rollingUpdate",
                                                                   json::object{
                                                                       {"maxSurge", "50%"},
                                                                       {"maxUnavailable", 5}}}}}}}};
  EXPECT_EQ(MaxSurge(d), 2);
  EXPECT_EQ(MaxUnavailable(d), 3);  // capped at replicas
  d["spec"].as_object()["strategy"] = json::object{{"type", "Recreate"}};
  EXPECT_EQ(MaxSurge(d), 0);
  EXPECT_EQ(MaxUnavailable(d), 0);
}

TEST(TemplateHashTest, StableSafeAndSensitive) {
  json::value a = json::parse(R"({"metadata":{"labels":{"app":"web","x":"y"}},
      "spec":{"containers":[{"name":"c","image":"v1"}]}})");
  json::value b = json::parse(R"({"spec":{"containers":[{"image":"v1","name":"c"}]},
      "metadata":{"labels":{"x":"y","app":"web"}}})");
  std::string h = ComputeTemplateHash(a, std::nullopt);
  EXPECT_EQ(h, ComputeTemplateHash(b, std::nullopt));  // key order does not matter
  for (char c : h) EXPECT_NE(std::string("bcdfghjklmnpqrstvwxz2456789").find(c), std::string::npos);
  EXPECT_NE(h, ComputeTemplateHash(a, 1));
  json::value c = a;
  c.as_object()["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = "v2";
  EXPECT_NE(h, ComputeTemplateHash(c, std::nullopt));
  json::value with_hash = a;
  with_hash.as_object()["metadata"].as_object()["labels"].as_object()[kPodTemplateHashLabel] = h;
  EXPECT_TRUE(EqualIgnoreHash(a, with_hash));
  EXPECT_FALSE(EqualIgnoreHash(a, c));
}

TEST(RevisionTest, NewRevisionAndRollbackHistory) {
  json::object d{{"metadata", json::object{{"annotations",
                                            json::object{{"kubernetes.io/change-cause", "v2"},
                                                         {kRevisionAnnotation, "9"}}}}},
                 {"spec", json::object{{"replicas", 4}}}};
  json::object rs{{"metadata", json::object{}}};
  EXPECT_TRUE(SetNewReplicaSetAnnotations(d, rs, 1, /*exists=*/false, /*max_surge=*/1));
  EXPECT_EQ(AnnotationOf(rs, kRevisionAnnotation), "1");
  EXPECT_EQ(AnnotationOf(rs, kDesiredReplicasAnnotation), "4");
  EXPECT_EQ(AnnotationOf(rs, kMaxReplicasAnnotation), "5");
  EXPECT_EQ(AnnotationOf(rs, "kubernetes.io/change-cause"), "v2");
  EXPECT_FALSE(SetNewReplicaSetAnnotations(d, rs, 1, true, 1));  // nothing new
  EXPECT_TRUE(SetNewReplicaSetAnnotations(d, rs, 3, true, 1));   // reused: rolled back to
  EXPECT_EQ(RevisionOf(rs), 3);
  EXPECT_EQ(AnnotationOf(rs, kRevisionHistoryAnnotation), "1");
}

// The conformance test adopts a ReplicaSet annotated with a 19-digit revision and expects the
// next one: revisions are full int64 values.
TEST(RevisionTest, ReadsNineteenDigitRevisions) {
  json::object rs{{"metadata", json::object{{"annotations", json::object{
                                  {kRevisionAnnotation, "3546343826724305832"}}}}}};
  EXPECT_EQ(RevisionOf(rs), 3546343826724305832LL);
  SetAnnotation(rs, kRevisionAnnotation, "9223372036854775808");  // > int64: unreadable
  EXPECT_EQ(IntAnnotation(rs, kRevisionAnnotation), std::nullopt);
  SetAnnotation(rs, kRevisionAnnotation, "12x");
  EXPECT_EQ(IntAnnotation(rs, kRevisionAnnotation), std::nullopt);
  SetAnnotation(rs, kRevisionAnnotation, "-4");
  EXPECT_EQ(IntAnnotation(rs, kRevisionAnnotation), -4);
}

TEST(ReplicaSetsTest, NewReplicasWithinSurgeAndProportions) {
  json::object d = json::parse(R"({"spec":{"replicas":10,"strategy":{"type":"RollingUpdate",
      "rollingUpdate":{"maxSurge":3,"maxUnavailable":2}}}})").as_object();
  auto rs_of = [](const char* text) {
    return std::make_shared<json::object>(json::parse(text).as_object());
  };
  auto old_rs = rs_of(R"({"spec":{"replicas":10}})");
  auto new_rs = rs_of(R"({"spec":{"replicas":0}})");
  EXPECT_EQ(NewRSNewReplicas(d, {old_rs, new_rs}, *new_rs), 3);
  (*new_rs)["spec"].as_object()["replicas"] = 3;
  EXPECT_EQ(NewRSNewReplicas(d, {old_rs, new_rs}, *new_rs), 3);  // no room left
  // Resize 10 -> 20 (max 13 -> 23): an RS of 10 annotated max 13 grows to round(10*23/13)=18.
  SetAnnotation(*old_rs, kMaxReplicasAnnotation, "13");
  d["spec"].as_object()["replicas"] = 20;
  EXPECT_EQ(GetProportion(d, *old_rs, 12, 0), 8);
  EXPECT_EQ(GetProportion(d, *old_rs, 5, 0), 5);  // capped by what is left to add
}

}  // namespace
}  // namespace berth::controllers::deployutil
