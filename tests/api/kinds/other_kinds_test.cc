// autoscaling, networking, policy, discovery and coordination kinds.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/kinds/kinds.h"

namespace berth::api {
namespace {

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

ResourceTypePtr RT(const std::string& group, const std::string& version,
                   const std::string& plural) {
  ResourceTypePtr t = BuiltinRegistry().Find(group, version, plural);
  EXPECT_NE(t, nullptr) << plural;
  return t;
}

bool HasCause(const std::vector<Cause>& causes, const std::string& field, const std::string& msg) {
  for (const Cause& c : causes) {
    if (c.field == field && c.message == msg) return true;
  }
  return false;
}

std::string Dump(const std::vector<Cause>& causes) {
  std::string out;
  for (const Cause& c : causes) out += c.field + ": " + c.message + " [" + c.type + "]\n";
  return out;
}

TEST(HorizontalPodAutoscaler, DefaultsAndTargetsColumn) {
  ResourceTypePtr t = RT("autoscaling", "v2", "horizontalpodautoscalers");
  json::object hpa = Parse(R"({"metadata":{"name":"web"},
    "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
            "maxReplicas":5}})");
  t->default_fn(hpa);
  EXPECT_EQ(hpa["spec"].at("minReplicas").to_number<int64_t>(), 1);
  const json::value& metric = hpa["spec"].at("metrics").as_array().at(0);
  EXPECT_EQ(metric.at("resource").at("name").as_string(), "cpu");
  EXPECT_EQ(metric.at("resource").at("target").at("averageUtilization").to_number<int64_t>(), 80);
  EXPECT_TRUE(t->validate_fn(hpa, nullptr).empty());
  json::array row = t->row_fn(hpa, HookContext{});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[1].as_string(), "Deployment/web");
  EXPECT_EQ(row[2].as_string(), "cpu: <unknown>/80%");
  EXPECT_EQ(row[3].as_string(), "1");
  EXPECT_EQ(row[4].to_number<int64_t>(), 5);
  hpa["status"] = json::object{
      {"currentReplicas", 2},
      {"currentMetrics",
       json::array{json::object{{"type", "Resource"},
                                {"resource", {{"name", "cpu"},
                                              {"current", {{"averageUtilization", 42}}}}}}}}};
  EXPECT_EQ(t->row_fn(hpa, HookContext{})[2].as_string(), "cpu: 42%/80%");
  EXPECT_EQ(t->short_names, std::vector<std::string>{"hpa"});
  EXPECT_EQ(t->categories, std::vector<std::string>{"all"});
}

TEST(HorizontalPodAutoscaler, ReplicaBoundsValidation) {
  ResourceTypePtr t = RT("autoscaling", "v2", "horizontalpodautoscalers");
  json::object hpa = Parse(R"({"metadata":{"name":"web"},
    "spec":{"scaleTargetRef":{"kind":"Deployment"},"minReplicas":4,"maxReplicas":2}})");
  t->default_fn(hpa);
  std::vector<Cause> causes = t->validate_fn(hpa, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.maxReplicas",
                       "Invalid value: 2: must be greater than or equal to `minReplicas`"))
      << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "spec.scaleTargetRef.name", "Required value")) << Dump(causes);
}

TEST(PodDisruptionBudget, ExclusiveFieldsAndRow) {
  ResourceTypePtr t = RT("policy", "v1", "poddisruptionbudgets");
  json::object pdb = Parse(R"({"metadata":{"name":"db"},
    "spec":{"minAvailable":"50%","maxUnavailable":1,"selector":{"matchLabels":{"app":"db"}}}})");
  std::vector<Cause> causes = t->validate_fn(pdb, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.minAvailable",
                       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"50%\"}: "
                       "minAvailable and maxUnavailable cannot be both set"))
      << Dump(causes);
  pdb["spec"].as_object().erase("maxUnavailable");
  EXPECT_TRUE(t->validate_fn(pdb, nullptr).empty());
  pdb["status"] = json::object{{"disruptionsAllowed", 2}};
  json::array row = t->row_fn(pdb, HookContext{});
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ(row[1].as_string(), "50%");
  EXPECT_EQ(row[2].as_string(), "N/A");
  EXPECT_EQ(row[3].to_number<int64_t>(), 2);
  EXPECT_EQ(t->columns[3].name, "Allowed Disruptions");
  EXPECT_TRUE(t->has_status);
  EXPECT_EQ(t->schema->FindField("spec")->schema->FindField("maxUnavailable")->proto_tag, 3);
}

TEST(NetworkPolicy, DefaultsPolicyTypesAndPrintsSelector) {
  ResourceTypePtr t = RT("networking.k8s.io", "v1", "networkpolicies");
  json::object np = Parse(R"({"metadata":{"name":"deny"},
    "spec":{"podSelector":{},"egress":[{"ports":[{"port":53}]}]}})");
  t->default_fn(np);
  EXPECT_EQ(np["spec"].at("policyTypes"), json::parse(R"(["Ingress","Egress"])"));
  EXPECT_EQ(np["spec"].at("egress").at(0).at("ports").at(0).at("protocol").as_string(), "TCP");
  EXPECT_TRUE(t->validate_fn(np, nullptr).empty());
  json::array row = t->row_fn(np, HookContext{});
  EXPECT_EQ(row[1].as_string(), "<none>");
  np["spec"].as_object()["podSelector"] = json::object{{"matchLabels", {{"role", "db"}}}};
  EXPECT_EQ(t->row_fn(np, HookContext{})[1].as_string(), "role=db");
  np["spec"].as_object()["policyTypes"] = json::array{"Sideways"};
  std::vector<Cause> causes = t->validate_fn(np, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.policyTypes[0]",
                       "Unsupported value: \"Sideways\": supported values: \"Ingress\", "
                       "\"Egress\""))
      << Dump(causes);
  EXPECT_EQ(t->short_names, std::vector<std::string>{"netpol"});
}

TEST(EndpointSlice, RowDefaultsAndImmutableAddressType) {
  ResourceTypePtr t = RT("discovery.k8s.io", "v1", "endpointslices");
  json::object es = Parse(R"({"metadata":{"name":"web-abc"},"addressType":"IPv4",
    "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2","10.0.0.3"]},
                 {"addresses":["10.0.0.4"]},{"addresses":["10.0.0.5"]}],
    "ports":[{"port":80},{"name":"metrics"}]})");
  t->default_fn(es);
  EXPECT_EQ(es["ports"].at(0).at("protocol").as_string(), "TCP");
  EXPECT_EQ(es["ports"].at(0).at("name").as_string(), "");
  EXPECT_TRUE(t->validate_fn(es, nullptr).empty());
  json::array row = t->row_fn(es, HookContext{});
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ(row[1].as_string(), "IPv4");
  EXPECT_EQ(row[2].as_string(), "80,metrics");
  EXPECT_EQ(row[3].as_string(), "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...");
  json::object empty_slice = Parse(R"({"metadata":{"name":"x"},"addressType":"IPv4",
                                       "endpoints":[]})");
  EXPECT_EQ(t->row_fn(empty_slice, HookContext{})[3].as_string(), "<unset>");
  json::object changed = es;
  changed["addressType"] = "IPv6";
  std::vector<Cause> causes = t->validate_fn(changed, &es);
  EXPECT_TRUE(HasCause(causes, "addressType", "Invalid value: \"IPv6\": field is immutable"))
      << Dump(causes);
  EXPECT_EQ(t->schema->FindField("addressType")->proto_tag, 4);
}

TEST(Lease, ValidationAndRow) {
  ResourceTypePtr t = RT("coordination.k8s.io", "v1", "leases");
  json::object lease = Parse(R"({"metadata":{"name":"node-1"},
    "spec":{"holderIdentity":"node-1","leaseDurationSeconds":0}})");
  std::vector<Cause> causes = t->validate_fn(lease, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.leaseDurationSeconds",
                       "Invalid value: 0: must be greater than 0"))
      << Dump(causes);
  lease["spec"].as_object()["leaseDurationSeconds"] = 40;
  EXPECT_TRUE(t->validate_fn(lease, nullptr).empty());
  json::array row = t->row_fn(lease, HookContext{});
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row[1].as_string(), "node-1");
  EXPECT_EQ(t->columns[1].name, "Holder");
}

}  // namespace
}  // namespace berth::api
