// apps/v1 kinds: registration, defaulting, validation causes, Table rows, schema/proto tags.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/kinds.h"

namespace berth::api {
namespace {

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

ResourceTypePtr RT(const std::string& plural) {
  ResourceTypePtr t = BuiltinRegistry().Find("apps", "v1", plural);
  EXPECT_NE(t, nullptr) << plural;
  return t;
}

const Field& FieldOf(const SchemaPtr& s, const std::string& name) {
  const Field* f = s->FindField(name);
  EXPECT_NE(f, nullptr) << name;
  static const Field kMissing;
  return f != nullptr ? *f : kMissing;
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

const char* kDeployment = R"({
  "apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"web","namespace":"default"},
  "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
                      "spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},
                                            {"name":"side","image":"busybox"}]}}}})";

json::object DefaultedDeployment() {
  json::object d = Parse(kDeployment);
  RT("deployments")->default_fn(d);
  return d;
}

TEST(AppsRegistry, DiscoveryOrderAndNames) {
  std::vector<std::string> order;
  for (const ResourceTypePtr& t : BuiltinRegistry().All()) {
    if (t->group == "apps") order.push_back(t->plural);
  }
  auto pos = [&](const std::string& p) {
    return std::find(order.begin(), order.end(), p) - order.begin();
  };
  EXPECT_LT(pos("daemonsets"), pos("deployments"));
  EXPECT_LT(pos("deployments"), pos("replicasets"));
  EXPECT_LT(pos("replicasets"), pos("statefulsets"));
  EXPECT_LT(pos("statefulsets"), static_cast<long>(order.size()));
  EXPECT_EQ(RT("deployments")->short_names, std::vector<std::string>{"deploy"});
  EXPECT_EQ(RT("daemonsets")->short_names, std::vector<std::string>{"ds"});
  EXPECT_EQ(RT("statefulsets")->categories, std::vector<std::string>{"all"});
  EXPECT_TRUE(RT("deployments")->scale.has_value());
  EXPECT_FALSE(RT("daemonsets")->scale.has_value());
  EXPECT_TRUE(RT("controllerrevisions")->categories.empty());
}

TEST(Deployment, DefaultsLikeKubernetes) {
  json::object d = DefaultedDeployment();
  const json::object& spec = d["spec"].as_object();
  EXPECT_EQ(spec.at("replicas").to_number<int64_t>(), 1);
  EXPECT_EQ(spec.at("revisionHistoryLimit").to_number<int64_t>(), 10);
  EXPECT_EQ(spec.at("progressDeadlineSeconds").to_number<int64_t>(), 600);
  const json::object& strategy = spec.at("strategy").as_object();
  EXPECT_EQ(strategy.at("type").as_string(), "RollingUpdate");
  EXPECT_EQ(strategy.at("rollingUpdate").at("maxSurge").as_string(), "25%");
  EXPECT_EQ(strategy.at("rollingUpdate").at("maxUnavailable").as_string(), "25%");
  // The pod template got PodSpec defaulting.
  EXPECT_EQ(spec.at("template").at("spec").at("restartPolicy").as_string(), "Always");
}

TEST(Deployment, DefaultingKeepsExplicitValues) {
  json::object d = Parse(kDeployment);
  d["spec"].as_object()["replicas"] = 0;
  d["spec"].as_object()["strategy"] = json::object{{"type", "Recreate"}};
  RT("deployments")->default_fn(d);
  EXPECT_EQ(d["spec"].at("replicas").to_number<int64_t>(), 0);
  EXPECT_FALSE(d["spec"].at("strategy").as_object().contains("rollingUpdate"));
}

TEST(Deployment, ValidObjectHasNoCauses) {
  json::object d = DefaultedDeployment();
  std::vector<Cause> causes = RT("deployments")->validate_fn(d, nullptr);
  EXPECT_TRUE(causes.empty()) << Dump(causes);
}

TEST(Deployment, SelectorMustMatchTemplateLabels) {
  json::object d = DefaultedDeployment();
  d["spec"].as_object()["selector"] = json::object{{"matchLabels", {{"app", "x"}}}};
  std::vector<Cause> causes = RT("deployments")->validate_fn(d, nullptr);
  ASSERT_TRUE(HasCause(causes, "spec.template.metadata.labels",
                       "Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not "
                       "match template `labels`"))
      << Dump(causes);
}

TEST(Deployment, MissingSelectorIsRequired) {
  json::object d = DefaultedDeployment();
  d["spec"].as_object().erase("selector");
  std::vector<Cause> causes = RT("deployments")->validate_fn(d, nullptr);
  ASSERT_TRUE(HasCause(causes, "spec.selector", "Required value")) << Dump(causes);
  EXPECT_EQ(causes.front().type, "FieldValueRequired");
}

TEST(Deployment, NegativeReplicas) {
  json::object d = DefaultedDeployment();
  d["spec"].as_object()["replicas"] = -1;
  std::vector<Cause> causes = RT("deployments")->validate_fn(d, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.replicas",
                       "Invalid value: -1: must be greater than or equal to 0"))
      << Dump(causes);
}

TEST(Deployment, SurgeAndUnavailableNotBothZero) {
  json::object d = DefaultedDeployment();
  d["spec"].as_object()["strategy"] = json::object{
      {"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 0}, {"maxUnavailable", "0%"}}}};
  std::vector<Cause> causes = RT("deployments")->validate_fn(d, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.strategy.rollingUpdate.maxUnavailable",
                       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may "
                       "not be 0 when `maxSurge` is 0"))
      << Dump(causes);
}

TEST(Deployment, BadPercentAndUnknownStrategyType) {
  json::object d = DefaultedDeployment();
  d["spec"].as_object()["strategy"] = json::object{
      {"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "abc"}, {"maxUnavailable", "150%"}}}};
  std::vector<Cause> causes = RT("deployments")->validate_fn(d, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.strategy.rollingUpdate.maxUnavailable",
                       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: "
                       "must not be greater than 100%"))
      << Dump(causes);
  bool percent_error = false;
  for (const Cause& c : causes) {
    percent_error |= c.field == "spec.strategy.rollingUpdate.maxSurge" &&
                     c.message.find("a valid percent string") != std::string::npos;
  }
  EXPECT_TRUE(percent_error) << Dump(causes);

  d["spec"].as_object()["strategy"] = json::object{{"type", "Blue"}};
  causes = RT("deployments")->validate_fn(d, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.strategy.type",
                       "Unsupported value: \"Blue\": supported values: \"Recreate\", "
                       "\"RollingUpdate\""))
      << Dump(causes);
}

TEST(Deployment, SelectorIsImmutable) {
  json::object old = DefaultedDeployment();
  json::object now = old;
  now["spec"].as_object()["selector"] = json::object{{"matchLabels", {{"app", "web"}, {"v", "2"}}}};
  now["spec"].as_object()["template"].as_object()["metadata"] =
      json::object{{"labels", {{"app", "web"}, {"v", "2"}}}};
  std::vector<Cause> causes = RT("deployments")->validate_fn(now, &old);
  EXPECT_TRUE(HasCause(causes, "spec.selector",
                       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
                       "\"web\", \"v\":\"2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
                       ": field is immutable"))
      << Dump(causes);
  // Changing only the replica count is fine.
  json::object scaled = old;
  scaled["spec"].as_object()["replicas"] = 5;
  EXPECT_TRUE(RT("deployments")->validate_fn(scaled, &old).empty());
}

TEST(Deployment, TableRow) {
  json::object d = DefaultedDeployment();
  d["spec"].as_object()["replicas"] = 3;
  d["status"] = json::object{{"readyReplicas", 2}, {"updatedReplicas", 3}, {"availableReplicas", 1}};
  ResourceTypePtr t = RT("deployments");
  json::array row = t->row_fn(d, HookContext{});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[0].as_string(), "web");
  EXPECT_EQ(row[1].as_string(), "2/3");
  EXPECT_EQ(row[2].to_number<int64_t>(), 3);
  EXPECT_EQ(row[3].to_number<int64_t>(), 1);
  EXPECT_EQ(row[5].as_string(), "nginx,side");
  EXPECT_EQ(row[6].as_string(), "nginx:1.27,busybox");
  EXPECT_EQ(row[7].as_string(), "app=web");
  EXPECT_EQ(t->columns[2].name, "Up-to-date");
  EXPECT_EQ(t->columns[5].priority, 1);
  EXPECT_EQ(t->columns[0].format, "name");
}

TEST(Deployment, SchemaProtoTagsAndListSemantics) {
  SchemaPtr s = RT("deployments")->schema;
  EXPECT_EQ(FieldOf(s, "spec").proto_tag, 2);
  EXPECT_EQ(FieldOf(s, "status").proto_tag, 3);
  SchemaPtr spec = FieldOf(s, "spec").schema;
  EXPECT_EQ(spec->name, "io.k8s.api.apps.v1.DeploymentSpec");
  EXPECT_EQ(FieldOf(spec, "replicas").proto_tag, 1);
  EXPECT_EQ(FieldOf(spec, "selector").proto_tag, 2);
  EXPECT_EQ(FieldOf(spec, "template").proto_tag, 3);
  EXPECT_EQ(FieldOf(spec, "strategy").proto_tag, 4);
  EXPECT_EQ(FieldOf(spec, "minReadySeconds").proto_tag, 5);
  EXPECT_EQ(FieldOf(spec, "revisionHistoryLimit").proto_tag, 6);
  EXPECT_EQ(FieldOf(spec, "paused").proto_tag, 7);
  EXPECT_EQ(FieldOf(spec, "progressDeadlineSeconds").proto_tag, 9);
  SchemaPtr strategy = FieldOf(spec, "strategy").schema;
  EXPECT_TRUE(strategy->retain_keys);
  EXPECT_FALSE(FieldOf(strategy, "type").description.empty());
  SchemaPtr ru = FieldOf(strategy, "rollingUpdate").schema;
  EXPECT_EQ(FieldOf(ru, "maxUnavailable").proto_tag, 1);
  EXPECT_EQ(FieldOf(ru, "maxSurge").proto_tag, 2);
  EXPECT_EQ(FieldOf(ru, "maxSurge").schema->type, Type::kIntOrString);
  SchemaPtr status = FieldOf(s, "status").schema;
  EXPECT_EQ(FieldOf(status, "readyReplicas").proto_tag, 7);
  EXPECT_EQ(FieldOf(status, "availableReplicas").proto_tag, 4);
  EXPECT_EQ(FieldOf(status, "collisionCount").proto_tag, 8);
  SchemaPtr conds = FieldOf(status, "conditions").schema;
  EXPECT_EQ(conds->list_type, ListType::kMap);
  EXPECT_EQ(conds->merge_keys, std::vector<std::string>{"type"});
  EXPECT_EQ(FieldOf(conds->items, "lastUpdateTime").proto_tag, 6);
}

TEST(ReplicaSet, DefaultsValidatesAndPrints) {
  json::object rs = Parse(kDeployment);
  rs["kind"] = "ReplicaSet";
  ResourceTypePtr t = RT("replicasets");
  t->default_fn(rs);
  EXPECT_EQ(rs["spec"].at("replicas").to_number<int64_t>(), 1);
  EXPECT_FALSE(rs["spec"].as_object().contains("strategy"));
  EXPECT_TRUE(t->validate_fn(rs, nullptr).empty());
  rs["status"] = json::object{{"replicas", 1}, {"readyReplicas", 0}};
  json::array row = t->row_fn(rs, HookContext{});
  ASSERT_EQ(row.size(), 8u);
  EXPECT_EQ(row[1].to_number<int64_t>(), 1);
  EXPECT_EQ(row[2].to_number<int64_t>(), 1);
  EXPECT_EQ(row[3].to_number<int64_t>(), 0);
  EXPECT_EQ(row[7].as_string(), "app=web");
  EXPECT_EQ(t->selectable_fields.at("status.replicas")(rs), "1");
}

TEST(DaemonSet, DefaultsAndRow) {
  json::object ds = Parse(kDeployment);
  ds["kind"] = "DaemonSet";
  ds["spec"].as_object()["template"].as_object()["spec"].as_object()["nodeSelector"] =
      json::object{{"zone", "a"}, {"disk", "ssd"}};
  ResourceTypePtr t = RT("daemonsets");
  t->default_fn(ds);
  const json::object& strategy = ds["spec"].at("updateStrategy").as_object();
  EXPECT_EQ(strategy.at("type").as_string(), "RollingUpdate");
  EXPECT_EQ(strategy.at("rollingUpdate").at("maxUnavailable").to_number<int64_t>(), 1);
  EXPECT_EQ(strategy.at("rollingUpdate").at("maxSurge").to_number<int64_t>(), 0);
  EXPECT_EQ(ds["spec"].at("revisionHistoryLimit").to_number<int64_t>(), 10);
  EXPECT_TRUE(t->validate_fn(ds, nullptr).empty()) << Dump(t->validate_fn(ds, nullptr));
  ds["status"] = json::object{{"desiredNumberScheduled", 3}, {"currentNumberScheduled", 2},
                              {"numberReady", 1}, {"updatedNumberScheduled", 2},
                              {"numberAvailable", 1}};
  json::array row = t->row_fn(ds, HookContext{});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[1].to_number<int64_t>(), 3);
  EXPECT_EQ(row[4].to_number<int64_t>(), 2);
  EXPECT_EQ(row[6].as_string(), "disk=ssd,zone=a");
  EXPECT_EQ(t->columns[6].name, "Node Selector");
}

TEST(DaemonSet, RollingUpdateNeedsExactlyOneNonZero) {
  json::object ds = Parse(kDeployment);
  ResourceTypePtr t = RT("daemonsets");
  ds["spec"].as_object()["updateStrategy"] = json::object{
      {"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 1}, {"maxSurge", "10%"}}}};
  t->default_fn(ds);
  std::vector<Cause> causes = t->validate_fn(ds, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.updateStrategy.rollingUpdate.maxSurge",
                       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"10%\"}: may "
                       "not be set when maxUnavailable is non-zero"))
      << Dump(causes);
  ds["spec"].as_object()["updateStrategy"].as_object()["rollingUpdate"] =
      json::object{{"maxUnavailable", 0}, {"maxSurge", 0}};
  causes = t->validate_fn(ds, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.updateStrategy.rollingUpdate.maxUnavailable",
                       "Required value: cannot be 0 when maxSurge is 0"))
      << Dump(causes);
}

TEST(DaemonSet, RestartPolicyMustBeAlwaysAndSelectorNotEmpty) {
  json::object ds = Parse(kDeployment);
  ResourceTypePtr t = RT("daemonsets");
  t->default_fn(ds);
  ds["spec"].as_object()["template"].as_object()["spec"].as_object()["restartPolicy"] = "Never";
  ds["spec"].as_object()["selector"] = json::object{};
  std::vector<Cause> causes = t->validate_fn(ds, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.template.spec.restartPolicy",
                       "Unsupported value: \"Never\": supported values: \"Always\""))
      << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "spec.selector",
                       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is "
                       "invalid for daemonset"))
      << Dump(causes);
}

TEST(StatefulSet, DefaultsLikeKubernetes) {
  json::object sts = Parse(kDeployment);
  ResourceTypePtr t = RT("statefulsets");
  t->default_fn(sts);
  const json::object& spec = sts["spec"].as_object();
  EXPECT_EQ(spec.at("replicas").to_number<int64_t>(), 1);
  EXPECT_EQ(spec.at("podManagementPolicy").as_string(), "OrderedReady");
  EXPECT_EQ(spec.at("updateStrategy").at("type").as_string(), "RollingUpdate");
  EXPECT_EQ(spec.at("updateStrategy").at("rollingUpdate").at("partition").to_number<int64_t>(), 0);
  EXPECT_EQ(spec.at("revisionHistoryLimit").to_number<int64_t>(), 10);
  EXPECT_EQ(spec.at("persistentVolumeClaimRetentionPolicy").at("whenDeleted").as_string(),
            "Retain");
  EXPECT_EQ(spec.at("persistentVolumeClaimRetentionPolicy").at("whenScaled").as_string(),
            "Retain");
  EXPECT_TRUE(t->validate_fn(sts, nullptr).empty());
  json::array row = t->row_fn(sts, HookContext{});
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ(row[1].as_string(), "0/1");
}

TEST(StatefulSet, OnlySomeSpecFieldsMayChange) {
  json::object old = Parse(kDeployment);
  ResourceTypePtr t = RT("statefulsets");
  t->default_fn(old);
  json::object now = old;
  now["spec"].as_object()["replicas"] = 4;
  EXPECT_TRUE(t->validate_fn(now, &old).empty());
  now["spec"].as_object()["serviceName"] = "other";
  std::vector<Cause> causes = t->validate_fn(now, &old);
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec");
  EXPECT_EQ(causes[0].type, "FieldValueForbidden");
  EXPECT_NE(causes[0].message.find("updates to statefulset spec for fields other than"),
            std::string::npos);
}

TEST(LabelSelectorText, SortedRequirementsAndMatching) {
  json::value sel = json::parse(R"({"matchLabels":{"tier":"web","app":"x"},
      "matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},
                          {"key":"canary","operator":"DoesNotExist"}]})");
  EXPECT_EQ(workload::SelectorText(&sel), "app=x,!canary,env in (dev,prod),tier=web");
  json::value ok = json::parse(R"({"app":"x","tier":"web","env":"dev"})");
  json::value bad = json::parse(R"({"app":"x","tier":"web","env":"dev","canary":"1"})");
  EXPECT_TRUE(workload::SelectorMatches(&sel, &ok));
  EXPECT_FALSE(workload::SelectorMatches(&sel, &bad));
  json::value empty = json::parse("{}");
  EXPECT_EQ(workload::FormatLabelSelector(&empty), "<none>");
  EXPECT_EQ(workload::FormatLabelSelector(nullptr), "<none>");
}

}  // namespace
}  // namespace berth::api
