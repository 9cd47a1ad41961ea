// ResourceQuota and LimitRange kinds, and the quota accounting of api/kinds/core/quota.h.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "api/kinds/core/quota.h"
#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api {
namespace {

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

ResourceTypePtr RT(const std::string& plural) {
  ResourceTypePtr t = BuiltinRegistry().Find("", "v1", plural);
  EXPECT_NE(t, nullptr) << plural;
  return t;
}

std::string Dump(const std::vector<Cause>& causes) {
  std::string out;
  for (const Cause& c : causes) out += c.field + ": " + c.message + "\n";
  return out;
}

std::string Text(const quota::ResourceList& l, const std::string& k) {
  auto it = l.find(k);
  return it == l.end() ? "<none>" : quota::QuantityText(it->second);
}

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

json::object Pod(const std::string& resources, const std::string& extra_spec = "") {
  return Parse(R"({"metadata":{"name":"p","namespace":"ns"},"spec":{)" + extra_spec +
               R"("containers":[{"name":"c","image":"i","resources":)" + resources + "}]}}");
}

TEST(QuotaUsage, PodChargesRequestsLimitsAndCounts) {
  json::object pod = Pod(R"({"requests":{"cpu":"500m","memory":"252Mi",
      "ephemeral-storage":"30Gi","example.com/dongle":"2"},"limits":{"cpu":"1","example.com/dongle":"2"}})");
  auto u = quota::UsageOf("pods", "", pod, kNow);
  EXPECT_EQ(Text(u, "pods"), "1");
  EXPECT_EQ(Text(u, "count/pods"), "1");
  EXPECT_EQ(Text(u, "requests.cpu"), "500m");
  EXPECT_EQ(Text(u, "cpu"), "500m");
  EXPECT_EQ(Text(u, "requests.memory"), "252Mi");
  EXPECT_EQ(Text(u, "requests.ephemeral-storage"), "30Gi");
  EXPECT_EQ(Text(u, "requests.example.com/dongle"), "2");
  EXPECT_EQ(Text(u, "limits.cpu"), "1");
  EXPECT_EQ(Text(u, "limits.memory"), "<none>");
}

TEST(QuotaUsage, InitContainersCountAsMaxAndLimitsDefaultRequests) {
  json::object pod = Parse(R"({"metadata":{"name":"p"},"spec":{
    "initContainers":[{"name":"i","resources":{"requests":{"cpu":"2"}}}],
    "containers":[{"name":"a","resources":{"limits":{"cpu":"300m"}}},
                  {"name":"b","resources":{"requests":{"cpu":"200m"}}}]}})");
  auto u = quota::UsageOf("pods", "", pod, kNow);
  EXPECT_EQ(Text(u, "requests.cpu"), "2");  // max(300m + 200m, 2)
  EXPECT_EQ(Text(u, "limits.cpu"), "300m");
}

TEST(QuotaUsage, FinishedAndExpiredTerminatingPodsChargeOnlyTheObjectCount) {
  json::object done = Pod(R"({"requests":{"cpu":"1"}})");
  done["status"] = json::object{{"phase", "Succeeded"}};
  auto u = quota::UsageOf("pods", "", done, kNow);
  EXPECT_EQ(Text(u, "pods"), "0");
  EXPECT_EQ(Text(u, "count/pods"), "1");
  EXPECT_EQ(Text(u, "requests.cpu"), "<none>");

  json::object deleting = Pod(R"({"requests":{"cpu":"1"}})");
  deleting["metadata"].as_object()["deletionTimestamp"] = FormatRfc3339(kNow);
  deleting["metadata"].as_object()["deletionGracePeriodSeconds"] = 30;
  EXPECT_TRUE(quota::PodChargeable(deleting, kNow + std::chrono::seconds(30)));
  EXPECT_FALSE(quota::PodChargeable(deleting, kNow + std::chrono::seconds(31)));
}

TEST(QuotaUsage, ServicesAndObjectCounts) {
  json::object svc = Parse(R"({"metadata":{"name":"s"},"spec":{"type":"NodePort",
    "ports":[{"port":80},{"port":81}]}})");
  auto u = quota::UsageOf("services", "", svc, kNow);
  EXPECT_EQ(Text(u, "services"), "1");
  EXPECT_EQ(Text(u, "services.nodeports"), "2");
  EXPECT_EQ(Text(u, "services.loadbalancers"), "0");
  auto rs = quota::UsageOf("replicasets", "apps", Parse(R"({"metadata":{"name":"r"}})"), kNow);
  EXPECT_EQ(Text(rs, "count/replicasets.apps"), "1");
  EXPECT_EQ(rs.size(), 1u);
  auto cm = quota::UsageOf("configmaps", "", Parse(R"({"metadata":{"name":"c"}})"), kNow);
  EXPECT_EQ(Text(cm, "configmaps"), "1");
  EXPECT_TRUE(quota::Feeds("replicationcontrollers", "", "replicationcontrollers"));
  EXPECT_TRUE(quota::Feeds("replicationcontrollers", "", "count/replicationcontrollers"));
  EXPECT_FALSE(quota::Feeds("secrets", "", "configmaps"));
  EXPECT_TRUE(quota::Feeds("pods", "", "requests.example.com/dongle"));
}

TEST(QuotaScopes, BestEffortAndTerminating) {
  json::object best_effort = Pod("{}");
  json::object burstable = Pod(R"({"requests":{"cpu":"100m"}})", R"("activeDeadlineSeconds":60,)");
  json::object be = Parse(R"({"spec":{"hard":{"pods":"5"},"scopes":["BestEffort"]}})");
  json::object nbe = Parse(R"({"spec":{"hard":{"pods":"5"},"scopes":["NotBestEffort"]}})");
  json::object term = Parse(R"({"spec":{"hard":{"pods":"5"},"scopes":["Terminating"]}})");
  json::object nterm = Parse(R"({"spec":{"hard":{"pods":"5"},"scopes":["NotTerminating"]}})");
  EXPECT_TRUE(quota::QuotaSelectsPod(be, best_effort));
  EXPECT_FALSE(quota::QuotaSelectsPod(be, burstable));
  EXPECT_TRUE(quota::QuotaSelectsPod(nbe, burstable));
  EXPECT_FALSE(quota::QuotaSelectsPod(nbe, best_effort));
  EXPECT_TRUE(quota::QuotaSelectsPod(term, burstable));
  EXPECT_FALSE(quota::QuotaSelectsPod(term, best_effort));
  EXPECT_TRUE(quota::QuotaSelectsPod(nterm, best_effort));
  // Scoped quotas never apply to other kinds; unscoped ones always do.
  EXPECT_FALSE(quota::QuotaApplies(be, "configmaps", "", Parse(R"({"metadata":{}})")));
  EXPECT_TRUE(quota::QuotaApplies(Parse(R"({"spec":{"hard":{"pods":"1"}}})"), "configmaps", "",
                                  Parse(R"({"metadata":{}})")));
}

TEST(QuotaScopes, PriorityClassSelector) {
  json::object q = Parse(R"({"spec":{"hard":{"pods":"5"},"scopeSelector":{"matchExpressions":[
      {"scopeName":"PriorityClass","operator":"In","values":["high"]}]}}})");
  json::object high = Pod("{}", R"("priorityClassName":"high",)");
  EXPECT_TRUE(quota::QuotaSelectsPod(q, high));
  EXPECT_FALSE(quota::QuotaSelectsPod(q, Pod("{}")));
}

TEST(QuotaConstraints, CpuQuotaNeedsEveryContainerToAsk) {
  json::object pod = Parse(R"({"spec":{"containers":[
      {"name":"a","resources":{"requests":{"cpu":"1"}}},{"name":"b"}]}})");
  EXPECT_EQ(quota::MissingPodConstraints(pod, {"requests.cpu", "limits.memory", "pods"}),
            "limits.memory for: a,b; requests.cpu for: b");
  EXPECT_EQ(quota::MissingPodConstraints(pod, {"pods"}), "");
}

TEST(ResourceQuotaKind, ValidatesQuantitiesAndScopes) {
  ResourceTypePtr t = RT("resourcequotas");
  ASSERT_TRUE(t->has_status);
  auto ok = t->validate_fn(Parse(R"({"spec":{"hard":{"pods":"2","requests.cpu":"1"}}})"), nullptr);
  EXPECT_TRUE(ok.empty()) << Dump(ok);
  auto neg = t->validate_fn(Parse(R"({"spec":{"hard":{"pods":"-1"}}})"), nullptr);
  ASSERT_EQ(neg.size(), 1u) << Dump(neg);
  EXPECT_EQ(neg[0].field, "spec.hard[pods]");
  auto conflict = t->validate_fn(
      Parse(R"({"spec":{"hard":{"pods":"2"},"scopes":["BestEffort","NotBestEffort"]}})"), nullptr);
  EXPECT_NE(Dump(conflict).find("conflicting scopes"), std::string::npos) << Dump(conflict);
  auto bad = t->validate_fn(
      Parse(R"({"spec":{"hard":{"requests.cpu":"2"},"scopes":["BestEffort"]}})"), nullptr);
  EXPECT_NE(Dump(bad).find("unsupported scope applied to resource"), std::string::npos);
}

TEST(ResourceQuotaKind, TableShowsRequestAndLimitColumns) {
  ResourceTypePtr t = RT("resourcequotas");
  json::object rq = Parse(R"({"metadata":{"name":"q"},"status":{
      "hard":{"pods":"5","limits.cpu":"2","configmaps":"3"},"used":{"pods":"1","limits.cpu":"500m"}}})");
  json::array row = t->row_fn(rq, HookContext{std::chrono::system_clock::now()});
  ASSERT_EQ(row.size(), 4u);
  EXPECT_EQ(row[2].as_string(), "configmaps: 0/3, pods: 1/5");
  EXPECT_EQ(row[3].as_string(), "limits.cpu: 500m/2");
}

TEST(LimitRangeKind, DefaultsContainerItems) {
  ResourceTypePtr t = RT("limitranges");
  json::object lr = Parse(R"({"spec":{"limits":[{"type":"Container",
      "max":{"cpu":"500m","memory":"1Gi"},"min":{"cpu":"50m","memory":"10Mi"},
      "default":{"memory":"500Mi"}},{"type":"Pod","max":{"cpu":"2"}}]}})");
  t->default_fn(lr);
  const json::object& c = lr["spec"].as_object()["limits"].as_array()[0].as_object();
  // default <- max (cpu), defaultRequest <- default, then min for what is left.
  EXPECT_EQ(json::serialize(c.at("default")), R"({"memory":"500Mi","cpu":"500m"})");
  EXPECT_EQ(json::serialize(c.at("defaultRequest")), R"({"memory":"500Mi","cpu":"500m"})");
  const json::object& p = lr["spec"].as_object()["limits"].as_array()[1].as_object();
  EXPECT_FALSE(p.contains("default"));
  auto causes = t->validate_fn(lr, nullptr);
  EXPECT_TRUE(causes.empty()) << Dump(causes);
}

TEST(LimitRangeKind, RejectsInconsistentBounds) {
  ResourceTypePtr t = RT("limitranges");
  auto causes = t->validate_fn(Parse(R"({"spec":{"limits":[{"type":"Container",
      "min":{"cpu":"1"},"max":{"cpu":"500m"}},{"type":"Pod","default":{"cpu":"1"}},
      {"type":"Widget"}]}})"),
                               nullptr);
  std::string d = Dump(causes);
  EXPECT_NE(d.find("spec.limits[0].min[cpu]: Invalid value: \"1\": min value 1 is greater than "
                   "max value 500m"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("spec.limits[1].default: Forbidden"), std::string::npos) << d;
  EXPECT_NE(d.find("spec.limits[2].type: Unsupported value"), std::string::npos) << d;
}

}  // namespace
}  // namespace berth::api
