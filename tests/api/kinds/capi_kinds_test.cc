// core/v1 ReplicationController and PodTemplate, events.k8s.io/v1 Event: defaulting, validation,
// Table rows, discovery facts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/kinds/kinds.h"

namespace berth::api {
namespace {

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

ResourceTypePtr Find(const std::string& group, const std::string& plural) {
  ResourceTypePtr t = BuiltinRegistry().Find(group, "v1", plural);
  EXPECT_NE(t, nullptr) << plural;
  return t;
}

bool HasCause(const std::vector<Cause>& causes, const std::string& field,
              const std::string& msg_part) {
  for (const Cause& c : causes) {
    if (c.field == field && c.message.find(msg_part) != std::string::npos) return true;
  }
  return false;
}

std::string Dump(const std::vector<Cause>& causes) {
  std::string out;
  for (const Cause& c : causes) out += c.field + ": " + c.message + "\n";
  return out;
}

constexpr const char* kRc = R"({"metadata":{"name":"web","namespace":"default"},
  "spec":{"template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[{"name":"c","image":"nginx"}]}}}})";

TEST(ReplicationController, DefaultsSelectorLabelsReplicasAndPodSpec) {
  ResourceTypePtr t = Find("", "replicationcontrollers");
  ASSERT_NE(t, nullptr);
  json::object rc = Parse(kRc);
  t->default_fn(rc);
  EXPECT_EQ(rc.at("spec").at("replicas").to_number<int64_t>(), 1);
  EXPECT_EQ(rc.at("spec").at("selector").at("app").as_string(), "web");
  EXPECT_EQ(rc.at("metadata").at("labels").at("app").as_string(), "web");
  EXPECT_EQ(rc.at("spec").at("template").at("spec").at("restartPolicy").as_string(), "Always");
  EXPECT_TRUE(t->validate_fn(rc, nullptr).empty()) << Dump(t->validate_fn(rc, nullptr));
  // An explicit selector and labels are kept.
  json::object own = Parse(kRc);
  own["metadata"].as_object()["labels"] = json::object{{"team", "a"}};
  own["spec"].as_object()["selector"] = json::object{{"app", "web"}};
  t->default_fn(own);
  EXPECT_EQ(own.at("metadata").at("labels").at("team").as_string(), "a");
  EXPECT_FALSE(own.at("metadata").at("labels").as_object().contains("app"));
}

TEST(ReplicationController, ValidatesSelectorTemplateAndReplicas) {
  ResourceTypePtr t = Find("", "replicationcontrollers");
  json::object rc = Parse(kRc);
  rc["spec"].as_object()["selector"] = json::object{{"app", "other"}};
  rc["spec"].as_object()["replicas"] = -1;
  std::vector<Cause> causes = t->validate_fn(rc, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.template.metadata.labels", "does not match template"))
      << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "spec.replicas", "greater than or equal to 0")) << Dump(causes);

  json::object no_selector = Parse(R"({"metadata":{"name":"x"},"spec":{"template":{
      "spec":{"containers":[{"name":"c","image":"i"}]}}}})");
  t->default_fn(no_selector);
  EXPECT_TRUE(HasCause(t->validate_fn(no_selector, nullptr), "spec.selector", "Required value"));

  json::object bad_restart = Parse(kRc);
  t->default_fn(bad_restart);
  bad_restart["spec"].as_object()["template"].as_object()["spec"].as_object()["restartPolicy"] =
      "Never";
  EXPECT_TRUE(HasCause(t->validate_fn(bad_restart, nullptr), "spec.template.spec.restartPolicy",
                       "Unsupported value"));
}

TEST(ReplicationController, DiscoveryScaleAndTableRow) {
  ResourceTypePtr t = Find("", "replicationcontrollers");
  EXPECT_EQ(t->kind, "ReplicationController");
  EXPECT_EQ(t->short_names, std::vector<std::string>{"rc"});
  EXPECT_EQ(t->categories, std::vector<std::string>{"all"});
  EXPECT_TRUE(t->has_status);
  ASSERT_TRUE(t->scale.has_value());
  EXPECT_TRUE(t->scale->selector_is_map);
  json::object rc = Parse(kRc);
  t->default_fn(rc);
  rc["status"] = json::object{{"replicas", 1}, {"readyReplicas", 1}};
  json::array row = t->row_fn(rc, HookContext{});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[0].as_string(), "web");
  EXPECT_EQ(row[1].to_number<int64_t>(), 1);
  EXPECT_EQ(row[3].to_number<int64_t>(), 1);
  EXPECT_EQ(row[5].as_string(), "c");
  EXPECT_EQ(row[6].as_string(), "nginx");
  EXPECT_EQ(row[7].as_string(), "app=web");
}

TEST(PodTemplate, DefaultsAndValidatesTheTemplate) {
  ResourceTypePtr t = Find("", "podtemplates");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->namespaced);
  json::object pt = Parse(R"({"metadata":{"name":"pt"},"template":{"metadata":{"labels":{"a":"b"}},
      "spec":{"containers":[{"name":"c","image":"busybox"}]}}})");
  t->default_fn(pt);
  EXPECT_EQ(pt.at("template").at("spec").at("restartPolicy").as_string(), "Always");
  EXPECT_TRUE(t->validate_fn(pt, nullptr).empty()) << Dump(t->validate_fn(pt, nullptr));
  json::array row = t->row_fn(pt, HookContext{});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[0].as_string(), "pt");
  EXPECT_EQ(row[1].as_string(), "c");
  EXPECT_EQ(row[2].as_string(), "busybox");
  EXPECT_EQ(row[3].as_string(), "a=b");
  pt["template"].as_object()["spec"].as_object()["containers"].as_array()[0].as_object()["name"] =
      "Bad_Name";
  EXPECT_TRUE(HasCause(t->validate_fn(pt, nullptr), "template.spec.containers[0].name", "Invalid"))
      << Dump(t->validate_fn(pt, nullptr));
}

TEST(EventsV1Event, RequiresEventTimeAndReportingFields) {
  ResourceTypePtr t = Find("events.k8s.io", "events");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind, "Event");
  json::object ok = Parse(R"({"metadata":{"name":"e","namespace":"ns"},
      "eventTime":"2024-01-01T10:00:00.000000Z","reportingController":"ctl","reportingInstance":"i",
      "action":"Do","reason":"Testing","type":"Normal","note":"hello",
      "regarding":{"kind":"Pod","name":"p","namespace":"ns"}})");
  EXPECT_TRUE(t->validate_fn(ok, nullptr).empty()) << Dump(t->validate_fn(ok, nullptr));
  json::array row = t->row_fn(ok, HookContext{});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[3].as_string(), "pod/p");
  EXPECT_EQ(row[4].as_string(), "hello");

  json::object bad = Parse(R"({"metadata":{"name":"e","namespace":"ns"},"type":"Odd",
      "regarding":{"kind":"Pod","name":"p","namespace":"other"},"series":{"count":1,
      "lastObservedTime":"2024-01-01T10:00:00.000000Z"}})");
  std::vector<Cause> causes = t->validate_fn(bad, nullptr);
  for (const char* f : {"eventTime", "reportingController", "reportingInstance", "action", "reason"}) {
    EXPECT_TRUE(HasCause(causes, f, "Required value")) << f << "\n" << Dump(causes);
  }
  EXPECT_TRUE(HasCause(causes, "type", "Unsupported value")) << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "regarding.namespace", "does not match")) << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "series.count", "at least 2")) << Dump(causes);
}

TEST(EventsV1Event, StoredAsCoreEvents) {
  ResourceTypePtr t = Find("events.k8s.io", "events");
  ASSERT_TRUE(t->storage_group.has_value());
  EXPECT_EQ(*t->storage_group, "");
  json::object ev = Parse(R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
      "metadata":{"name":"e","namespace":"ns"},"eventTime":"2024-01-01T10:00:00.000000Z",
      "reportingController":"ctl","reportingInstance":"i","action":"Do","reason":"R",
      "type":"Normal","note":"hello","regarding":{"kind":"Pod","name":"p","namespace":"ns"},
      "deprecatedSource":{"component":"c"},"deprecatedCount":3,
      "series":{"count":2,"lastObservedTime":"2024-01-01T10:00:01.000000Z"}})");
  const json::object original = ev;
  t->to_storage(ev);
  EXPECT_EQ(ev.at("apiVersion").as_string(), "v1");
  EXPECT_EQ(ev.at("message").as_string(), "hello");
  EXPECT_EQ(ev.at("involvedObject").at("name").as_string(), "p");
  EXPECT_EQ(ev.at("reportingComponent").as_string(), "ctl");
  EXPECT_EQ(ev.at("source").at("component").as_string(), "c");
  EXPECT_EQ(ev.at("count").to_number<int64_t>(), 3);
  EXPECT_EQ(ev.at("reportingInstance").as_string(), "i");
  EXPECT_FALSE(ev.contains("note"));
  EXPECT_FALSE(ev.contains("regarding"));
  // The stored form is a valid core event, and the core field selector "source" sees the
  // reporting controller when source.component is empty.
  ResourceTypePtr core = Find("", "events");
  EXPECT_TRUE(core->validate_fn(ev, nullptr).empty()) << Dump(core->validate_fn(ev, nullptr));
  json::object no_source = ev;
  no_source.erase("source");
  EXPECT_EQ(core->selectable_fields.at("source")(no_source), "ctl");
  t->from_storage(ev);
  EXPECT_EQ(ev, original);
}

TEST(EventsV1Event, ServedBesideCoreEvents) {
  // Both resources exist; core events stay first, so `kubectl get events` keeps meaning core/v1.
  const auto& all = BuiltinRegistry().All();
  int core = -1, v1 = -1;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i]->plural != "events") continue;
    (all[i]->group.empty() ? core : v1) = static_cast<int>(i);
  }
  ASSERT_GE(core, 0);
  ASSERT_GE(v1, 0);
  EXPECT_LT(core, v1);
}

}  // namespace
}  // namespace berth::api
