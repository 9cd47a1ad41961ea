// ServiceAccountTokens: the TokenRequest it sends (bound to the pod, audience, lifetime), reuse
// until 80% of the lifetime, a fresh request after, and separate entries per audience and pod.
#include "agent/service_account_tokens.h"

#include <gtest/gtest.h>

namespace berth::agent {
namespace {

using std::chrono::seconds;

json::object Pod(const std::string& uid) {
  return json::object{
      {"metadata", json::object{{"name", "web"}, {"namespace", "ns1"}, {"uid", uid}}},
      {"spec", json::object{{"serviceAccountName", "robot"}}}};
}

struct FakeApi {
  int calls = 0;
  std::string last_path;
  json::value last_body;
  Clock::time_point now;
  Status fail;
  ServiceAccountTokens::CreateFn Fn() {
    return [this](const std::string& path, const json::value& body) -> StatusOr<json::value> {
      ++calls;
      last_path = path;
      last_body = body;
      if (!fail.ok()) return fail;
      int64_t secs = body.as_object().at("spec").as_object().at("expirationSeconds").as_int64();
      return json::value(json::object{
          {"status", json::object{{"token", "tok-" + std::to_string(calls)},
                                  {"expirationTimestamp", FormatRfc3339(now + seconds(secs))}}}});
    };
  }
};

TEST(ServiceAccountTokens, RequestsBoundTokenAndReusesIt) {
  ServiceAccountTokens tokens;
  FakeApi api;
  api.now = Clock::time_point{seconds(1'700'000'000)};
  json::object src{{"path", "token"}, {"expirationSeconds", 1000}, {"audience", "vault"}};
  auto t = tokens.Get(Pod("u1"), src, api.Fn(), api.now);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, "tok-1");
  EXPECT_EQ(api.last_path, "/api/v1/namespaces/ns1/serviceaccounts/robot/token");
  const json::object& spec = api.last_body.as_object().at("spec").as_object();
  EXPECT_EQ(spec.at("expirationSeconds").as_int64(), 1000);
  EXPECT_EQ(spec.at("audiences"), (json::array{"vault"}));
  EXPECT_EQ(GetString(spec, {"boundObjectRef", "kind"}), "Pod");
  EXPECT_EQ(GetString(spec, {"boundObjectRef", "name"}), "web");
  EXPECT_EQ(GetString(spec, {"boundObjectRef", "uid"}), "u1");

  // Reused until 80% of 1000 s.
  EXPECT_EQ(*tokens.Get(Pod("u1"), src, api.Fn(), api.now + seconds(799)), "tok-1");
  EXPECT_EQ(api.calls, 1);
  EXPECT_EQ(*tokens.Get(Pod("u1"), src, api.Fn(), api.now + seconds(800)), "tok-2");
  EXPECT_EQ(api.calls, 2);

  // Another pod or audience is another token.
  EXPECT_EQ(*tokens.Get(Pod("u2"), src, api.Fn(), api.now), "tok-3");
  json::object api_aud{{"path", "token"}, {"expirationSeconds", 3607}};
  EXPECT_EQ(*tokens.Get(Pod("u1"), api_aud, api.Fn(), api.now), "tok-4");
  EXPECT_FALSE(api.last_body.as_object().at("spec").as_object().contains("audiences"));
  EXPECT_EQ(tokens.size(), 3u);
  // Expired entries go on the next Get.
  EXPECT_EQ(*tokens.Get(Pod("u3"), src, api.Fn(), api.now + seconds(5000)), "tok-5");
  EXPECT_EQ(tokens.size(), 1u);
}

TEST(ServiceAccountTokens, DefaultsAndErrors) {
  ServiceAccountTokens tokens;
  FakeApi api;
  api.now = Clock::time_point{seconds(1'700'000'000)};
  json::object pod = Pod("u1");
  pod["spec"].as_object().erase("serviceAccountName");
  api.fail = Status(Reason::kNotFound, "serviceaccounts \"default\" not found");
  auto t = tokens.Get(pod, json::object{{"path", "token"}}, api.Fn(), api.now);
  EXPECT_EQ(t.status().reason(), Reason::kNotFound);
  EXPECT_EQ(api.last_path, "/api/v1/namespaces/ns1/serviceaccounts/default/token");
  EXPECT_EQ(GetInt(api.last_body, {"spec", "expirationSeconds"}), 3600);
  // A failure is not cached: the next call asks again.
  api.fail = Status();
  EXPECT_EQ(*tokens.Get(pod, json::object{{"path", "token"}}, api.Fn(), api.now), "tok-2");
}

}  // namespace
}  // namespace berth::agent
