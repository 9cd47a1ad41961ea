// Decoding of real kubectl 1.32 protobuf bodies. The fixtures were captured
// from `kubectl create ...` / `kubectl auth can-i create pods` against a
// recording HTTP server (see fixtures/README.md).
#include "api/protobuf/protobuf_body.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "api/kinds/kinds.h"
#include "wire_test_encoding.h"

namespace berth::api::protobuf {
namespace {

using namespace berth::api::protobuf::testing;  // NOLINT

std::string Fixture(const std::string& name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "fixtures" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json::value DecodeFixture(const std::string& name) {
  auto r = DecodeProtobufBody(Fixture(name), BuiltinRegistry());
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  return r.ok() ? *r : json::value();
}

const json::value& At(const json::value& v, std::initializer_list<std::string_view> path) {
  static const json::value kMissing = "<missing>";
  const json::value* p = GetPath(v, path);
  return p ? *p : kMissing;
}

TEST(ProtobufBodyTest, Deployment) {
  const json::value d = DecodeFixture("deployment.pb");
  EXPECT_EQ(At(d, {"apiVersion"}), "apps/v1");
  EXPECT_EQ(At(d, {"kind"}), "Deployment");
  EXPECT_EQ(d.as_object().begin()->key(), "apiVersion");
  EXPECT_EQ(At(d, {"metadata", "name"}), "web");
  EXPECT_EQ(At(d, {"metadata", "labels"}), (json::object{{"app", "web"}}));
  // Go's zero values that kubectl marshals anyway must not appear as data.
  EXPECT_EQ(GetPath(d, {"metadata", "namespace"}), nullptr);
  EXPECT_EQ(GetPath(d, {"metadata", "creationTimestamp"}), nullptr);
  EXPECT_EQ(At(d, {"spec", "replicas"}), 3);
  EXPECT_EQ(At(d, {"spec", "selector", "matchLabels"}), (json::object{{"app", "web"}}));
  EXPECT_EQ(At(d, {"spec", "template", "metadata", "labels"}), (json::object{{"app", "web"}}));
  const json::value& containers = At(d, {"spec", "template", "spec", "containers"});
  ASSERT_TRUE(containers.is_array()) << d;
  ASSERT_EQ(containers.as_array().size(), 1u);
  const json::value& c = containers.as_array()[0];
  EXPECT_EQ(At(c, {"name"}), "busybox");
  EXPECT_EQ(At(c, {"image"}), "busybox:1.36");
  EXPECT_EQ(GetPath(c, {"imagePullPolicy"}), nullptr);
  ASSERT_TRUE(At(c, {"ports"}).is_array()) << c;
  EXPECT_EQ(At(c, {"ports"}).as_array().at(0).at("containerPort"), 8080);
  EXPECT_TRUE(At(d, {"spec", "strategy"}).is_object());
}

TEST(ProtobufBodyTest, Service) {
  const json::value s = DecodeFixture("service.pb");
  EXPECT_EQ(At(s, {"apiVersion"}), "v1");
  EXPECT_EQ(At(s, {"kind"}), "Service");
  EXPECT_EQ(At(s, {"metadata", "name"}), "svc1");
  EXPECT_EQ(At(s, {"spec", "type"}), "ClusterIP");
  EXPECT_EQ(At(s, {"spec", "selector"}), (json::object{{"app", "svc1"}}));
  const json::value& ports = At(s, {"spec", "ports"});
  ASSERT_TRUE(ports.is_array()) << s;
  ASSERT_EQ(ports.as_array().size(), 1u);
  const json::value& p = ports.as_array()[0];
  EXPECT_EQ(At(p, {"name"}), "80-8080");
  EXPECT_EQ(At(p, {"protocol"}), "TCP");
  EXPECT_EQ(At(p, {"port"}), 80);
  ASSERT_TRUE(At(p, {"targetPort"}).is_int64()) << p;  // IntOrString carrying an int
  EXPECT_EQ(At(p, {"targetPort"}), 8080);
}

TEST(ProtobufBodyTest, ConfigMap) {
  const json::value cm = DecodeFixture("configmap.pb");
  EXPECT_EQ(At(cm, {"kind"}), "ConfigMap");
  EXPECT_EQ(At(cm, {"metadata", "name"}), "cm1");
  EXPECT_EQ(At(cm, {"data"}), (json::object{{"a", "1"}}));
}

TEST(ProtobufBodyTest, Secret) {
  const json::value s = DecodeFixture("secret.pb");
  EXPECT_EQ(At(s, {"kind"}), "Secret");
  EXPECT_EQ(At(s, {"metadata", "name"}), "s1");
  EXPECT_EQ(At(s, {"data"}), (json::object{{"k", "dg=="}}));  // base64("v")
  EXPECT_EQ(GetPath(s, {"type"}), nullptr);  // kubectl sent "", the server defaults it
}

TEST(ProtobufBodyTest, Namespace) {
  const json::value ns = DecodeFixture("namespace.pb");
  EXPECT_EQ(At(ns, {"apiVersion"}), "v1");
  EXPECT_EQ(At(ns, {"kind"}), "Namespace");
  EXPECT_EQ(At(ns, {"metadata", "name"}), "ns1");
}

TEST(ProtobufBodyTest, Job) {
  const json::value j = DecodeFixture("job.pb");
  EXPECT_EQ(At(j, {"apiVersion"}), "batch/v1");
  EXPECT_EQ(At(j, {"kind"}), "Job");
  EXPECT_EQ(At(j, {"metadata", "name"}), "j1");
  EXPECT_EQ(At(j, {"spec", "template", "spec", "restartPolicy"}), "Never");
  const json::value& containers = At(j, {"spec", "template", "spec", "containers"});
  ASSERT_TRUE(containers.is_array()) << j;
  const json::value& c = containers.as_array().at(0);
  EXPECT_EQ(At(c, {"name"}), "j1");
  EXPECT_EQ(At(c, {"image"}), "busybox");
  EXPECT_EQ(At(c, {"command"}), (json::array{"echo", "hi"}));
}

TEST(ProtobufBodyTest, SelfSubjectAccessReview) {
  // Not a registry kind: the decoder's own schema is used.
  const json::value r = DecodeFixture("selfsubjectaccessreview.pb");
  EXPECT_EQ(At(r, {"apiVersion"}), "authorization.k8s.io/v1");
  EXPECT_EQ(At(r, {"kind"}), "SelfSubjectAccessReview");
  EXPECT_EQ(At(r, {"spec", "resourceAttributes"}),
            (json::object{{"namespace", "default"}, {"verb", "create"}, {"resource", "pods"}}));
  EXPECT_EQ(At(r, {"status", "allowed"}), false);
  // The same body decodes with an empty registry.
  EXPECT_TRUE(DecodeProtobufBody(Fixture("selfsubjectaccessreview.pb"), Registry()).ok());
}

TEST(ProtobufBodyTest, EnvelopeFields) {
  auto env = ParseEnvelope(Fixture("deployment.pb"));
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_EQ(env->api_version, "apps/v1");
  EXPECT_EQ(env->kind, "Deployment");
  EXPECT_FALSE(env->raw.empty());
  EXPECT_TRUE(env->content_encoding.empty());
}

TEST(ProtobufBodyTest, ErrorsAreBadRequest) {
  const Registry& reg = BuiltinRegistry();
  const std::vector<std::string> bad = {
      "",
      "k8s",
      "{\"kind\":\"Namespace\"}",
      std::string("k8s\0", 4),                                  // no typeMeta
      std::string("k8s\1", 4) + Fixture("namespace.pb").substr(4),  // wrong magic
      Body("v1", "NoSuchKind", ""),
      Body("v2", "Namespace", ""),                              // wrong version
      Body("v1", "Namespace", std::string("\x0a\x09", 2)),      // truncated metadata
      std::string("k8s\0", 4) + BytesField(1, BytesField(1, "v1") + BytesField(2, "Namespace")) +
          BytesField(3, "gzip"),                                // contentEncoding
  };
  for (const std::string& b : bad) {
    auto r = DecodeProtobufBody(b, reg);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().reason(), Reason::kBadRequest) << r.status().ToString();
  }
}

TEST(ProtobufBodyTest, ReplicasZeroIsKept) {
  const std::string raw = BytesField(1, BytesField(1, "web")) + BytesField(2, VarintField(1, 0));
  auto r = DecodeProtobufBody(Body("apps/v1", "Deployment", raw), BuiltinRegistry());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(At(*r, {"spec", "replicas"}), 0);
}

// Truncations and random corruptions of real bodies must give a value or a
// 400, never a crash (run under ASan/UBSan in CI to catch reads out of bounds).
TEST(ProtobufBodyTest, FuzzedBodiesNeverCrash) {
  const Registry& reg = BuiltinRegistry();
  std::mt19937 rng(12345);
  int ok = 0;
  int rejected = 0;
  auto check = [&](const std::string& b) {
    auto r = DecodeProtobufBody(b, reg);
    if (r.ok()) {
      ++ok;
      EXPECT_TRUE(r->is_object());
    } else {
      ++rejected;
      EXPECT_EQ(r.status().reason(), Reason::kBadRequest) << r.status().ToString();
    }
  };
  for (const char* name : {"deployment.pb", "service.pb", "configmap.pb", "secret.pb",
                           "namespace.pb", "job.pb", "selfsubjectaccessreview.pb"}) {
    const std::string body = Fixture(name);
    for (size_t n = 0; n < body.size(); ++n) check(body.substr(0, n));
    for (int i = 0; i < 1500; ++i) {
      std::string m = body;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t pos = 4 + rng() % (m.size() - 4);
        switch (rng() % 3) {
          case 0: m[pos] = static_cast<char>(rng()); break;
          case 1: m[pos] = static_cast<char>(m[pos] ^ (1 << (rng() % 8))); break;
          default: m.insert(pos, 1, static_cast<char>(rng())); break;
        }
      }
      check(m);
    }
  }
  for (int i = 0; i < 3000; ++i) {
    std::string m("k8s\0", 4);
    const size_t len = rng() % 64;
    for (size_t k = 0; k < len; ++k) m += static_cast<char>(rng());
    check(m);
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace berth::api::protobuf
