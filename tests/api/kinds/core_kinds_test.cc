#include <gtest/gtest.h>

#include "api/kinds/kinds.h"
#include "common/clock.h"
#include "common/json.h"

namespace berth::api {
namespace {

json::object Obj(const char* text) { return ParseJson(text).value().as_object(); }

ResourceTypePtr Kind(const char* plural) {
  static Registry* r = [] {
    auto* reg = new Registry();
    RegisterCoreKinds(*reg);
    return reg;
  }();
  return r->Find("", "v1", plural);
}

HookContext Ctx() {
  Clock::time_point t;
  EXPECT_TRUE(ParseRfc3339("2024-01-01T01:00:00Z", &t));
  return HookContext{t};
}

TEST(CoreKindsTest, ServiceDefaultsAndRow) {
  json::object svc = Obj(R"({"metadata":{"name":"web","creationTimestamp":"2024-01-01T00:00:00Z"},
      "spec":{"type":"NodePort","selector":{"app":"web","tier":"fe"},"clusterIP":"10.96.0.10",
        "clusterIPs":["10.96.0.10"],
        "ports":[{"port":80},{"name":"tls","port":443,"nodePort":30443,"targetPort":8443}]}})");
  svc["spec"].as_object()["ports"].as_array()[0].as_object()["name"] = "http";
  Kind("services")->default_fn(svc);
  const json::value v(svc);
  EXPECT_EQ(GetString(v, {"spec", "sessionAffinity"}), "None");
  EXPECT_EQ(GetString(v, {"spec", "internalTrafficPolicy"}), "Cluster");
  EXPECT_EQ(GetString(v, {"spec", "externalTrafficPolicy"}), "Cluster");
  EXPECT_EQ(GetString(v, {"spec", "ipFamilyPolicy"}), "SingleStack");
  EXPECT_EQ(GetInt(v.at("spec").at("ports").at(0), {"targetPort"}), 80);
  EXPECT_EQ(GetString(v.at("spec").at("ports").at(0), {"protocol"}), "TCP");
  EXPECT_TRUE(Kind("services")->validate_fn(svc, nullptr).empty());
  json::array row = Kind("services")->row_fn(svc, Ctx());
  EXPECT_EQ(json::serialize(row),
            R"(["web","NodePort","10.96.0.10","<none>","80/TCP,443:30443/TCP","60m","app=web,tier=fe"])");
}

TEST(CoreKindsTest, ServiceValidation) {
  json::object svc = Obj(R"({"spec":{"type":"Weird","ports":[]}})");
  auto causes = Kind("services")->validate_fn(svc, nullptr);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].field, "spec.type");
  EXPECT_EQ(causes[0].message,
            "Unsupported value: \"Weird\": supported values: \"ClusterIP\", \"ExternalName\", "
            "\"LoadBalancer\", \"NodePort\"");
  EXPECT_EQ(causes[1].field, "spec.ports");
  EXPECT_EQ(causes[1].message, "Required value");
  json::object headless = Obj(R"({"spec":{"clusterIP":"None","selector":{"a":"b"}}})");
  Kind("services")->default_fn(headless);
  EXPECT_TRUE(Kind("services")->validate_fn(headless, nullptr).empty());
  json::object bad_port = Obj(R"({"spec":{"ports":[{"port":0}]}})");
  causes = Kind("services")->validate_fn(bad_port, nullptr);
  ASSERT_FALSE(causes.empty());
  EXPECT_EQ(causes[0].field, "spec.ports[0].port");
  EXPECT_EQ(causes[0].message.rfind("Invalid value: 0: ", 0), 0u);
}

TEST(CoreKindsTest, NamespaceDefaults) {
  json::object ns = Obj(R"({"metadata":{"name":"team-a"}})");
  Kind("namespaces")->default_fn(ns);
  const json::value v(ns);
  EXPECT_EQ(GetString(v, {"status", "phase"}), "Active");
  EXPECT_EQ(json::serialize(*GetPath(v, {"spec", "finalizers"})), R"(["kubernetes"])");
  EXPECT_EQ(GetString(v, {"metadata", "labels", "kubernetes.io/metadata.name"}), "team-a");
  EXPECT_EQ(json::serialize(Kind("namespaces")->row_fn(ns, Ctx())),
            R"(["team-a","Active","<unknown>"])");
}

TEST(CoreKindsTest, SecretStringDataTypeAndImmutability) {
  json::object s = Obj(R"({"metadata":{"name":"s"},"stringData":{"user":"admin"},
      "data":{"pw":"aHVudGVyMg=="}})");
  Kind("secrets")->default_fn(s);
  EXPECT_EQ(GetString(json::value(s), {"type"}), "Opaque");
  EXPECT_EQ(GetString(json::value(s), {"data", "user"}), "YWRtaW4=");
  EXPECT_FALSE(s.contains("stringData"));
  EXPECT_TRUE(Kind("secrets")->validate_fn(s, nullptr).empty());
  EXPECT_EQ(json::serialize(Kind("secrets")->row_fn(s, Ctx())),
            R"(["s","Opaque",2,"<unknown>"])");
  json::object bad = Obj(R"({"type":"Opaque","data":{"k":"not base64!"}})");
  auto causes = Kind("secrets")->validate_fn(bad, nullptr);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "data[k]");
  json::object old = Obj(R"({"type":"Opaque","immutable":true,"data":{"k":"YQ=="}})");
  json::object changed = Obj(R"({"type":"Opaque","immutable":true,"data":{"k":"Yg=="}})");
  causes = Kind("secrets")->validate_fn(changed, &old);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "data");
  EXPECT_EQ(causes[0].type, "FieldValueForbidden");
  json::object tls = Obj(R"({"type":"kubernetes.io/tls","data":{}})");
  EXPECT_EQ(Kind("secrets")->validate_fn(tls, nullptr).size(), 2u);
}

TEST(CoreKindsTest, ConfigMapKeysAndRow) {
  json::object cm = Obj(R"({"metadata":{"name":"c"},"data":{"good.key":"1","bad key":"2"}})");
  auto causes = Kind("configmaps")->validate_fn(cm, nullptr);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "data[bad key]");
  EXPECT_EQ(causes[0].message.rfind("Invalid value: \"bad key\": a valid config key", 0), 0u);
  EXPECT_EQ(Kind("configmaps")->row_fn(cm, Ctx())[1], 2);
}

TEST(CoreKindsTest, NodeRow) {
  json::object node = Obj(R"({"metadata":{"name":"n1","labels":{"node-role.kubernetes.io/control-plane":""}},
      "spec":{"unschedulable":true},
      "status":{"conditions":[{"type":"Ready","status":"True"}],
        "addresses":[{"type":"InternalIP","address":"192.168.1.2"}],
        "nodeInfo":{"kubeletVersion":"v1.32.4","osImage":"Debian","kernelVersion":"6.1",
                    "containerRuntimeVersion":"runc://1.1"}}})");
  EXPECT_EQ(json::serialize(Kind("nodes")->row_fn(node, Ctx())),
            R"(["n1","Ready,SchedulingDisabled","control-plane","<unknown>","v1.32.4","192.168.1.2","<none>","Debian","6.1","runc://1.1"])");
  EXPECT_EQ(Kind("nodes")->selectable_fields.at("spec.unschedulable")(node), "true");
}

TEST(CoreKindsTest, EventAndEndpointsRows) {
  json::object ev = Obj(R"({"metadata":{"name":"web.1","namespace":"default"},
      "involvedObject":{"kind":"Pod","name":"web","namespace":"default","fieldPath":"spec.containers{a}"},
      "reason":"Pulled","message":"pulled image ","type":"Normal","count":2,
      "source":{"component":"kubelet","host":"n1"},
      "firstTimestamp":"2024-01-01T00:00:00Z","lastTimestamp":"2024-01-01T00:59:00Z"})");
  EXPECT_EQ(json::serialize(Kind("events")->row_fn(ev, Ctx())),
            R"(["60s","Normal","Pulled","pod/web","spec.containers{a}","kubelet, n1","pulled image","60m",2,"web.1"])");
  EXPECT_TRUE(Kind("events")->validate_fn(ev, nullptr).empty());
  EXPECT_EQ(Kind("events")->selectable_fields.at("involvedObject.name")(ev), "web");
  json::object ep = Obj(R"({"metadata":{"name":"web"},"subsets":[{"addresses":[
      {"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},{"ip":"10.0.0.4"}],
      "ports":[{"port":80}]}]})");
  EXPECT_EQ(Kind("endpoints")->row_fn(ep, Ctx())[1],
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...");
}

}  // namespace
}  // namespace berth::api
