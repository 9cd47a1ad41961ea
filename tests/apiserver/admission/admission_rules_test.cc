// The pure parts of the admission steps: LimitRanger defaulting and bounds
// (limit_range_rules.h) and the quota refusal text (quota_admission.h).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "apiserver/admission/limit_range_rules.h"
#include "apiserver/admission/quota_admission.h"
#include "common/json.h"

namespace berth::apiserver::admission {
namespace {

namespace json = boost::json;

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

std::vector<json::object> Ranges(const std::string& limits) {
  return {Parse(R"({"metadata":{"name":"lr"},"spec":{"limits":)" + limits + "}}")};
}

TEST(LimitRangeRules, FillsOnlyMissingValuesOfEveryContainer) {
  json::object pod = Parse(R"({"metadata":{"name":"p"},"spec":{
      "initContainers":[{"name":"init"}],
      "containers":[{"name":"a","resources":{"limits":{"cpu":"300m"},"requests":{"cpu":"300m"}}},
                    {"name":"b"}]}})");
  ApplyLimitRangeDefaults(pod, Ranges(R"([{"type":"Container",
      "default":{"cpu":"500m","memory":"500Mi"},"defaultRequest":{"cpu":"100m","memory":"200Mi"}}])"));
  const json::array& cs = pod["spec"].as_object()["containers"].as_array();
  EXPECT_EQ(json::serialize(cs[0].at("resources")),
            R"({"limits":{"cpu":"300m","memory":"500Mi"},"requests":{"cpu":"300m","memory":"200Mi"}})");
  EXPECT_EQ(json::serialize(cs[1].at("resources")),
            R"({"limits":{"cpu":"500m","memory":"500Mi"},"requests":{"cpu":"100m","memory":"200Mi"}})");
  EXPECT_EQ(GetString(pod, {"metadata", "annotations", "kubernetes.io/limit-ranger"}),
            "LimitRanger plugin set: memory request for container a; memory limit for container "
            "a; cpu, memory request for container b; cpu, memory limit for container b; cpu, "
            "memory request for init container init; cpu, memory limit for init container init");
}

TEST(LimitRangeRules, NoRangesOrNothingToSetLeavesThePodAlone) {
  json::object pod = Parse(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}})");
  json::object before = pod;
  ApplyLimitRangeDefaults(pod, {});
  ApplyLimitRangeDefaults(pod, Ranges(R"([{"type":"Pod","max":{"cpu":"1"}}])"));
  EXPECT_EQ(pod, before);
}

TEST(LimitRangeRules, ContainerMinMaxAndRatio) {
  auto lrs = Ranges(R"([{"type":"Container","min":{"cpu":"50m"},"max":{"memory":"1Gi"},
      "maxLimitRequestRatio":{"cpu":"2"}}])");
  json::object ok = Parse(R"({"spec":{"containers":[{"name":"a","resources":{
      "requests":{"cpu":"100m","memory":"1Gi"},"limits":{"cpu":"200m","memory":"1Gi"}}}]}})");
  EXPECT_TRUE(LimitRangeViolations(ok, lrs).empty());
  json::object bad = Parse(R"({"spec":{"containers":[{"name":"a","resources":{
      "requests":{"cpu":"10m"},"limits":{"cpu":"100m"}}}]}})");
  auto v = LimitRangeViolations(bad, lrs);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "minimum cpu usage per Container is 50m, but request is 10m");
  EXPECT_EQ(v[1], "maximum memory usage per Container is 1Gi.  No limit is specified");
  EXPECT_EQ(v[2],
            "cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000");
  EXPECT_EQ(AggregateMessage({v[0]}), v[0]);
  EXPECT_EQ(AggregateMessage({"x", "y"}), "[x, y]");
}

TEST(LimitRangeRules, PodItemsBoundTheSumOfContainers) {
  auto lrs = Ranges(R"([{"type":"Pod","max":{"cpu":"1"}}])");
  json::object pod = Parse(R"({"spec":{"containers":[
      {"name":"a","resources":{"limits":{"cpu":"600m"}}},
      {"name":"b","resources":{"limits":{"cpu":"600m"}}}]}})");
  auto v = LimitRangeViolations(pod, lrs);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], "maximum cpu usage per Pod is 1, but limit is 1200m");
}

TEST(QuotaExceededText, NamesOnlyTheExceededResources) {
  auto list = [](const std::string& text) {
    json::value v = json::parse(text);
    return api::quota::ParseResourceList(&v);
  };
  auto hard = list(R"({"pods":"2","requests.cpu":"1","configmaps":"1"})");
  auto used = list(R"({"pods":"1","requests.cpu":"800m"})");
  EXPECT_EQ(QuotaExceeded("q", hard, used, list(R"({"pods":"1","requests.cpu":"100m"})")),
            std::nullopt);
  EXPECT_EQ(QuotaExceeded("q", hard, used, list(R"({"pods":"1","requests.cpu":"300m"})")),
            "exceeded quota: q, requested: requests.cpu=300m, used: requests.cpu=800m, limited: "
            "requests.cpu=1");
  // Resources without a hard limit and zero requests never count.
  EXPECT_EQ(QuotaExceeded("q", hard, used, list(R"({"secrets":"5","configmaps":"0"})")),
            std::nullopt);
  EXPECT_EQ(QuotaExceeded("q", hard, {}, list(R"({"configmaps":"2"})")),
            "exceeded quota: q, requested: configmaps=2, used: configmaps=0, limited: configmaps=1");
}

}  // namespace
}  // namespace berth::apiserver::admission
