#include <gtest/gtest.h>

#include "api/kinds/kinds.h"
#include "common/clock.h"
#include "common/json.h"

namespace berth::api {
namespace {

json::object Obj(const char* text) { return ParseJson(text).value().as_object(); }

ResourceTypePtr Pods() {
  static Registry* r = [] {
    auto* reg = new Registry();
    RegisterCoreKinds(*reg);
    return reg;
  }();
  return r->Find("", "v1", "pods");
}

bool HasCause(const std::vector<Cause>& causes, const std::string& field, const std::string& msg,
              const std::string& type) {
  for (const auto& c : causes) {
    if (c.field == field && c.message == msg && c.type == type) return true;
  }
  std::string all;
  for (const auto& c : causes) all += c.type + " " + c.field + ": " + c.message + "\n";
  ADD_FAILURE() << "missing " << field << ": " << msg << "\nhave:\n" << all;
  return false;
}

TEST(CorePodTest, DefaultsPodSpecAndStatus) {
  json::object pod = Obj(R"({"metadata":{"name":"web"},"spec":{"containers":[
      {"name":"a","image":"nginx","ports":[{"containerPort":80}],
       "livenessProbe":{"httpGet":{"port":80}},
       "resources":{"limits":{"cpu":"1","memory":"1Gi"}}},
      {"name":"b","image":"busybox:1.36"}],
      "volumes":[{"name":"c","configMap":{"name":"x"}},{"name":"e"}]}})");
  Pods()->default_fn(pod);
  const json::value v(pod);
  EXPECT_EQ(GetString(v, {"spec", "restartPolicy"}), "Always");
  EXPECT_EQ(GetString(v, {"spec", "dnsPolicy"}), "ClusterFirst");
  EXPECT_EQ(GetInt(v, {"spec", "terminationGracePeriodSeconds"}), 30);
  EXPECT_EQ(GetString(v, {"spec", "schedulerName"}), "default-scheduler");
  EXPECT_TRUE(GetPath(v, {"spec", "securityContext"})->is_object());
  EXPECT_TRUE(GetPath(v, {"spec", "enableServiceLinks"})->as_bool());
  const json::array& cs = v.at("spec").at("containers").as_array();
  EXPECT_EQ(GetString(cs[0], {"imagePullPolicy"}), "Always");
  EXPECT_EQ(GetString(cs[1], {"imagePullPolicy"}), "IfNotPresent");
  EXPECT_EQ(GetString(cs[0], {"terminationMessagePath"}), "/dev/termination-log");
  EXPECT_EQ(GetString(cs[0], {"terminationMessagePolicy"}), "File");
  EXPECT_EQ(GetString(cs[0].at("ports").at(0), {"protocol"}), "TCP");
  EXPECT_EQ(GetInt(cs[0], {"livenessProbe", "timeoutSeconds"}), 1);
  EXPECT_EQ(GetInt(cs[0], {"livenessProbe", "periodSeconds"}), 10);
  EXPECT_EQ(GetInt(cs[0], {"livenessProbe", "successThreshold"}), 1);
  EXPECT_EQ(GetInt(cs[0], {"livenessProbe", "failureThreshold"}), 3);
  EXPECT_EQ(GetString(cs[0], {"livenessProbe", "httpGet", "scheme"}), "HTTP");
  EXPECT_EQ(GetString(cs[0], {"resources", "requests", "cpu"}), "1");
  EXPECT_EQ(GetString(cs[0], {"resources", "requests", "memory"}), "1Gi");
  const json::array& vols = v.at("spec").at("volumes").as_array();
  EXPECT_EQ(GetInt(vols[0], {"configMap", "defaultMode"}), 420);
  EXPECT_TRUE(GetPath(vols[1], {"emptyDir"})->is_object());
  EXPECT_EQ(GetString(v, {"status", "phase"}), "Pending");
  EXPECT_EQ(GetString(v, {"status", "qosClass"}), "Burstable");  // container b has nothing
}

TEST(CorePodTest, QosClasses) {
  auto qos = [](const char* text) {
    json::object pod = Obj(text);
    Pods()->default_fn(pod);
    return GetString(json::value(pod), {"status", "qosClass"});
  };
  EXPECT_EQ(qos(R"({"spec":{"containers":[{"name":"a","image":"x"}]}})"), "BestEffort");
  EXPECT_EQ(qos(R"({"spec":{"containers":[{"name":"a","image":"x",
      "resources":{"limits":{"cpu":"500m","memory":"64Mi"}}}]}})"),
            "Guaranteed");
  EXPECT_EQ(qos(R"({"spec":{"containers":[{"name":"a","image":"x",
      "resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"500m","memory":"64Mi"}}}]}})"),
            "Burstable");
}

TEST(CorePodTest, ValidationCauses) {
  json::object pod = Obj(R"({"metadata":{"name":"p"},"spec":{"restartPolicy":"Sometimes",
      "containers":[
        {"name":"Bad_Name","ports":[{"containerPort":70000,"protocol":"ICMP"}],
         "volumeMounts":[{"name":"missing","mountPath":"/m"}],
         "resources":{"limits":{"cpu":"1"},"requests":{"cpu":"2"}},
         "readinessProbe":{"periodSeconds":-1}},
        {"name":"dup","image":"x"},{"name":"dup","image":"x"}],
      "volumes":[{"name":"v","emptyDir":{}},{"name":"v","emptyDir":{}}]}})");
  auto causes = Pods()->validate_fn(pod, nullptr);
  HasCause(causes, "spec.restartPolicy",
           "Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\"",
           "FieldValueNotSupported");
  HasCause(causes, "spec.containers[0].image", "Required value", "FieldValueRequired");
  HasCause(causes, "spec.containers[2].name", "Duplicate value: \"dup\"", "FieldValueDuplicate");
  HasCause(causes, "spec.volumes[1].name", "Duplicate value: \"v\"", "FieldValueDuplicate");
  HasCause(causes, "spec.containers[0].volumeMounts[0].name", "Not found: \"missing\"",
           "FieldValueNotFound");
  HasCause(causes, "spec.containers[0].ports[0].protocol",
           "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
           "FieldValueNotSupported");
  HasCause(causes, "spec.containers[0].resources.requests[cpu]",
           "Invalid value: \"2\": must be less than or equal to cpu limit of 1",
           "FieldValueInvalid");
  HasCause(causes, "spec.containers[0].readinessProbe", "Required value: must specify a handler type",
           "FieldValueRequired");
  HasCause(causes, "spec.containers[0].readinessProbe.periodSeconds",
           "Invalid value: -1: must be greater than or equal to 0", "FieldValueInvalid");
  bool port_range = false, bad_name = false;
  for (const auto& c : causes) {
    port_range |= c.field == "spec.containers[0].ports[0].containerPort" &&
                  c.message.rfind("Invalid value: 70000: ", 0) == 0;
    bad_name |= c.field == "spec.containers[0].name" &&
                c.message.rfind("Invalid value: \"Bad_Name\": ", 0) == 0;
  }
  EXPECT_TRUE(port_range);
  EXPECT_TRUE(bad_name);

  json::object empty = Obj(R"({"spec":{}})");
  HasCause(Pods()->validate_fn(empty, nullptr), "spec.containers", "Required value",
           "FieldValueRequired");

  json::object good = Obj(R"({"spec":{"containers":[{"name":"a","image":"nginx",
      "livenessProbe":{"exec":{"command":["true"]}}}]}})");
  Pods()->default_fn(good);
  EXPECT_TRUE(Pods()->validate_fn(good, nullptr).empty());
}

TEST(CorePodTest, UpdatesMayOnlyChangeImages) {
  json::object old = Obj(R"({"spec":{"containers":[{"name":"a","image":"nginx:1"}]}})");
  Pods()->default_fn(old);
  json::object image = old;
  image["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = "nginx:2";
  EXPECT_TRUE(Pods()->validate_fn(image, &old).empty());
  json::object policy = old;
  policy["spec"].as_object()["restartPolicy"] = "Never";
  auto causes = Pods()->validate_fn(policy, &old);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueForbidden");
  EXPECT_EQ(causes[0].field, "spec");
  EXPECT_EQ(causes[0].message.rfind("Forbidden: pod updates may not change fields other than ", 0),
            0u);
}

json::array Row(const char* text, int seconds_since_creation = 300) {
  Clock::time_point created;
  EXPECT_TRUE(ParseRfc3339("2024-01-01T00:00:00Z", &created));
  HookContext ctx{created + std::chrono::seconds(seconds_since_creation)};
  return Pods()->row_fn(Obj(text), ctx);
}

TEST(CorePodTest, TableRows) {
  ASSERT_EQ(Pods()->columns.size(), 9u);
  EXPECT_EQ(Pods()->columns[0].format, "name");
  EXPECT_EQ(Pods()->columns[5].priority, 1);

  json::array running = Row(R"({"metadata":{"name":"web","creationTimestamp":"2024-01-01T00:00:00Z"},
      "spec":{"nodeName":"n1","containers":[{"name":"a"}]},
      "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"}],
        "containerStatuses":[{"name":"a","ready":true,"restartCount":0,
          "state":{"running":{"startedAt":"2024-01-01T00:00:01Z"}}}]}})");
  EXPECT_EQ(json::serialize(running),
            R"(["web","1/1","Running","0","5m","10.0.0.5","n1","<none>","<none>"])");

  json::array pending = Row(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
      "status":{"phase":"Pending"}})");
  EXPECT_EQ(pending[1], "0/1");
  EXPECT_EQ(pending[2], "Pending");
  EXPECT_EQ(pending[4], "<unknown>");

  json::array creating = Row(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
      "status":{"phase":"Pending","containerStatuses":[{"name":"a","ready":false,"restartCount":0,
        "state":{"waiting":{"reason":"ContainerCreating"}}}]}})");
  EXPECT_EQ(creating[2], "ContainerCreating");

  json::array crash = Row(R"({"metadata":{"name":"p","creationTimestamp":"2024-01-01T00:00:00Z"},
      "spec":{"containers":[{"name":"a"}]},
      "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":false,"restartCount":3,
        "state":{"waiting":{"reason":"CrashLoopBackOff"}},
        "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-01-01T00:04:00Z"}}}]}})");
  EXPECT_EQ(crash[2], "CrashLoopBackOff");
  EXPECT_EQ(crash[3], "3 (60s ago)");

  json::array completed = Row(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
      "status":{"phase":"Succeeded","containerStatuses":[{"name":"a","ready":false,
        "restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})");
  EXPECT_EQ(completed[2], "Completed");
  EXPECT_EQ(completed[1], "0/1");

  json::array terminating = Row(R"({"metadata":{"name":"p","deletionTimestamp":"2024-01-01T00:01:00Z"},
      "spec":{"containers":[{"name":"a"}]},
      "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,"restartCount":0,
        "state":{"running":{}}}]}})");
  EXPECT_EQ(terminating[2], "Terminating");

  json::array init = Row(R"({"metadata":{"name":"p"},
      "spec":{"initContainers":[{"name":"i"}],"containers":[{"name":"a"}]},
      "status":{"phase":"Pending","initContainerStatuses":[{"name":"i","ready":false,
        "restartCount":0,"state":{"running":{}}}]}})");
  EXPECT_EQ(init[2], "Init:0/1");
}

TEST(CorePodTest, SelectableFields) {
  json::object pod = Obj(R"({"spec":{"nodeName":"n1"},"status":{"phase":"Running"}})");
  EXPECT_EQ(Pods()->selectable_fields.at("spec.nodeName")(pod), "n1");
  EXPECT_EQ(Pods()->selectable_fields.at("status.phase")(pod), "Running");
  EXPECT_EQ(Pods()->selectable_fields.at("spec.serviceAccountName")(pod), "");
}

TEST(CorePodTest, LabelSelectorValidation) {
  json::value empty = ParseJson("{}").value();
  auto c = ValidateLabelSelector(&empty, "spec.selector", true);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].type, "FieldValueInvalid");
  EXPECT_TRUE(ValidateLabelSelector(nullptr, "spec.selector", false).empty());
  EXPECT_EQ(ValidateLabelSelector(nullptr, "spec.selector", true)[0].message, "Required value");
  json::value bad = ParseJson(R"({"matchExpressions":[{"key":"a","operator":"In"},
      {"key":"b","operator":"Exists","values":["x"]},{"key":"c","operator":"Near"}]})").value();
  auto causes = ValidateLabelSelector(&bad, "spec.selector", true);
  HasCause(causes, "spec.selector.matchExpressions[0].values",
           "Required value: must be specified when `operator` is 'In' or 'NotIn'",
           "FieldValueRequired");
  HasCause(causes, "spec.selector.matchExpressions[1].values",
           "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
           "FieldValueForbidden");
  HasCause(causes, "spec.selector.matchExpressions[2].operator",
           "Invalid value: \"Near\": not a valid selector operator", "FieldValueInvalid");
  json::value ok = ParseJson(R"({"matchLabels":{"app":"web"}})").value();
  EXPECT_TRUE(ValidateLabelSelector(&ok, "spec.selector", true).empty());
}

}  // namespace
}  // namespace berth::api
