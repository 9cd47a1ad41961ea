#include "common/json.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(ParseJsonTest, ParsesAndReportsDuplicatePaths) {
  std::vector<std::string> dups;
  auto v = ParseJson(R"({"spec":{"replicas":1,"replicas":3,
                        "containers":[{"name":"a","name":"b"}]},"kind":"X"})",
                     &dups);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(GetInt(*v, {"spec", "replicas"}), 3);  // last occurrence wins
  EXPECT_EQ(dups, (std::vector<std::string>{"spec.replicas", "spec.containers[0].name"}));
  std::vector<std::string> none;
  ASSERT_TRUE(ParseJson(R"({"a":{"x":1},"b":{"x":2}})", &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST(ParseJsonTest, MalformedIsBadRequest) {
  for (const char* bad : {"{", "{\"a\":}", "[1,2", "nope", ""}) {
    auto v = ParseJson(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.status().reason(), Reason::kBadRequest);
    EXPECT_EQ(v.status().code(), 400);
  }
}

TEST(ParseYamlTest, ScalarTyping) {
  auto v = ParseYaml(R"(
i: 42
neg: -7
f: 1.5
e: 2e3
t: true
fl: false
n: null
tilde: ~
empty:
qs: "42"
qb: 'true'
qn: "null"
s: hello world
ver: 1.2.3
)");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const json::object& o = v->as_object();
  EXPECT_TRUE(o.at("i").is_int64());
  EXPECT_EQ(o.at("i").as_int64(), 42);
  EXPECT_EQ(o.at("neg").as_int64(), -7);
  EXPECT_TRUE(o.at("f").is_double());
  EXPECT_DOUBLE_EQ(o.at("f").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(o.at("e").as_double(), 2000.0);
  EXPECT_EQ(o.at("t"), json::value(true));
  EXPECT_EQ(o.at("fl"), json::value(false));
  EXPECT_TRUE(o.at("n").is_null());
  EXPECT_TRUE(o.at("tilde").is_null());
  EXPECT_TRUE(o.at("empty").is_null());
  EXPECT_EQ(o.at("qs"), json::value("42"));
  EXPECT_EQ(o.at("qb"), json::value("true"));
  EXPECT_EQ(o.at("qn"), json::value("null"));
  EXPECT_EQ(o.at("s"), json::value("hello world"));
  EXPECT_EQ(o.at("ver"), json::value("1.2.3"));
}

TEST(ParseYamlTest, NestedStructuresAndDuplicates) {
  std::vector<std::string> dups;
  auto v = ParseYaml(R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  name: web2
spec:
  template:
    spec:
      containers:
      - name: c
        image: nginx
        ports: [{containerPort: 80}]
)",
                     &dups);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(GetString(*v, {"metadata", "name"}), "web2");
  const json::value* ports = GetPath(*v, {"spec", "template", "spec", "containers"});
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ(ports->as_array()[0].as_object().at("ports").as_array()[0].as_object().at(
                "containerPort"),
            json::value(80));
  EXPECT_EQ(dups, (std::vector<std::string>{"metadata.name"}));
}

TEST(ParseYamlTest, MalformedIsBadRequest) {
  auto v = ParseYaml("a: [1, 2\nb: }");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().reason(), Reason::kBadRequest);
  EXPECT_FALSE(ParseYaml("key: \"unterminated").ok());
}

TEST(ParseJsonOrYamlTest, Dispatches) {
  auto j = ParseJsonOrYaml("  {\"a\": 1}");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(GetInt(*j, {"a"}), 1);
  auto y = ParseJsonOrYaml("a: 2");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(GetInt(*y, {"a"}), 2);
  EXPECT_FALSE(ParseJsonOrYaml("{bad json").ok());
}

TEST(JsonPathTest, Helpers) {
  json::value v = json::parse(R"({"a":{"b":{"c":"x","n":2.0,"u":7}}})");
  EXPECT_EQ(GetString(v, {"a", "b", "c"}), "x");
  EXPECT_EQ(GetString(v, {"a", "missing"}, "fb"), "fb");
  EXPECT_EQ(GetString(v, {"a", "b", "c", "deeper"}, "fb"), "fb");
  EXPECT_EQ(GetInt(v, {"a", "b", "n"}), 2);
  EXPECT_EQ(GetInt(v, {"a", "b", "u"}), 7);
  EXPECT_EQ(GetInt(v, {"a", "b", "c"}, -1), -1);
  EXPECT_EQ(GetObject(v, {"a", "x"}), nullptr);
  ASSERT_NE(GetObject(v, {"a", "b"}), nullptr);
  json::value empty;
  EnsureObject(empty, {"metadata", "labels"})["app"] = "web";
  EXPECT_EQ(ToJson(empty), R"({"metadata":{"labels":{"app":"web"}}})");
}

}  // namespace
}  // namespace berth
