// Service accounts through a real API server over HTTPS: TokenRequest (defaults, validation,
// binding), the tokens as bearer credentials (and their end when the account or bound pod goes),
// OIDC discovery, and the pod admission step (token volume, opt-outs, missing accounts).
#include <gtest/gtest.h>

#include "../integration/integration_fixture.h"
#include "apiserver/serviceaccount/base64url.h"

namespace berth::apiserver::testing {
namespace {

class ServiceAccountApi : public IntegrationTest {
 protected:
  static json::object Account(const std::string& name, std::optional<bool> automount = {}) {
    json::object sa{{"apiVersion", "v1"},
                    {"kind", "ServiceAccount"},
                    {"metadata", json::object{{"name", name}}}};
    if (automount) sa["automountServiceAccountToken"] = *automount;
    return sa;
  }
  static void CreateAccount(const std::string& ns, const json::object& sa) {
    auto r = Client().Post("/api/v1/namespaces/" + ns + "/serviceaccounts", sa);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  static json::object Pod(const std::string& name, const std::string& sa = "",
                          std::optional<bool> automount = {}) {
    json::object spec{{"containers", json::array{json::object{{"name", "c"}, {"image", "x"}},
                                                 json::object{{"name", "d"}, {"image", "x"}}}},
                      {"initContainers", json::array{json::object{{"name", "i"}, {"image", "x"}}}}};
    if (!sa.empty()) spec["serviceAccountName"] = sa;
    if (automount) spec["automountServiceAccountToken"] = *automount;
    return json::object{{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", json::object{{"name", name}}},
                        {"spec", std::move(spec)}};
  }
  static HttpResponse CreatePod(const std::string& ns, const json::object& pod) {
    return Client().Post("/api/v1/namespaces/" + ns + "/pods", pod);
  }
  static HttpResponse RequestToken(const std::string& ns, const std::string& sa,
                                   json::object spec = {}) {
    return Client().Post(
        "/api/v1/namespaces/" + ns + "/serviceaccounts/" + sa + "/token",
        json::object{{"apiVersion", "authentication.k8s.io/v1"},
                     {"kind", "TokenRequest"},
                     {"spec", std::move(spec)}});
  }
  static HttpsClient As(const std::string& token) {
    return HttpsClient("127.0.0.1", server_->port(), token);
  }
  static json::value Claims(const std::string& token) {
    size_t d1 = token.find('.'), d2 = token.rfind('.');
    auto bytes = serviceaccount::Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
    return bytes ? json::parse(*bytes) : json::value();
  }
  // Names of the volumes of kind projected whose name starts with kube-api-access-.
  static std::vector<std::string> ApiAccessVolumes(const json::value& pod) {
    std::vector<std::string> out;
    if (const json::value* v = At(pod, "spec.volumes"); v && v->is_array())
      for (const auto& vol : v->as_array())
        if (Str(vol, "name").rfind("kube-api-access-", 0) == 0) out.push_back(Str(vol, "name"));
    return out;
  }
  static std::string MountAt(const json::value& container, const std::string& path) {
    if (const json::value* m = At(container, "volumeMounts"); m && m->is_array())
      for (const auto& e : m->as_array())
        if (Str(e, "mountPath") == path) return Str(e, "name");
    return "";
  }
};

constexpr char kMount[] = "/var/run/secrets/kubernetes.io/serviceaccount";

TEST_F(ServiceAccountApi, TokenRequestIssuesAUsableToken) {
  std::string ns = MakeNamespace("sa");
  CreateAccount(ns, Account("robot"));
  auto r = RequestToken(ns, "robot");
  ASSERT_EQ(r.status, 201) << r.body;
  json::value tr = r.Json();
  EXPECT_EQ(Str(tr, "kind"), "TokenRequest");
  EXPECT_EQ(Int(tr, "spec.expirationSeconds"), 3600);
  EXPECT_EQ(Str(tr, "spec.audiences.0"), "https://kubernetes.default.svc.cluster.local");
  std::string token = Str(tr, "status.token");
  ASSERT_FALSE(token.empty());
  EXPECT_FALSE(Str(tr, "status.expirationTimestamp").empty());
  json::value claims = Claims(token);
  EXPECT_EQ(Str(claims, "sub"), "system:serviceaccount:" + ns + ":robot");
  EXPECT_EQ(Int(claims, "exp") - Int(claims, "iat"), 3600);

  // The token authenticates: who am I, discovery allowed, pods forbidden (no RBAC grants).
  auto who = As(token).Post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                            json::object{{"apiVersion", "authentication.k8s.io/v1"},
                                         {"kind", "SelfSubjectReview"}});
  ASSERT_EQ(who.status, 201) << who.body;
  EXPECT_EQ(Str(who.Json(), "status.userInfo.username"), "system:serviceaccount:" + ns + ":robot");
  std::string groups = json::serialize(*At(who.Json(), "status.userInfo.groups"));
  EXPECT_NE(groups.find("\"system:serviceaccounts:" + ns + "\""), std::string::npos) << groups;
  EXPECT_NE(groups.find("\"system:authenticated\""), std::string::npos) << groups;
  EXPECT_EQ(As(token).Get("/api").status, 200);
  EXPECT_TRUE(IsStatus(As(token).Get("/api/v1/namespaces/" + ns + "/pods"), 403, "Forbidden"));

  // A forged or foreign-issuer token is not recognised.
  std::string tampered = token;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'a' ? 'b' : 'a';
  EXPECT_TRUE(IsStatus(As(tampered).Get("/api"), 401, "Unauthorized"));

  // Deleting and re-creating the account (new uid) ends the old token.
  ASSERT_EQ(Client().Delete("/api/v1/namespaces/" + ns + "/serviceaccounts/robot").status, 200);
  EXPECT_TRUE(IsStatus(As(token).Get("/api"), 401, "Unauthorized"));
  CreateAccount(ns, Account("robot"));
  EXPECT_TRUE(IsStatus(As(token).Get("/api"), 401, "Unauthorized"));
}

TEST_F(ServiceAccountApi, TokenRequestValidatesAndBinds) {
  std::string ns = MakeNamespace("sa");
  CreateAccount(ns, Account("robot"));
  EXPECT_TRUE(IsStatus(RequestToken(ns, "nobody"), 404, "NotFound"));
  auto shortr = RequestToken(ns, "robot", json::object{{"expirationSeconds", 60}});
  EXPECT_TRUE(IsStatus(shortr, 422, "Invalid"));
  EXPECT_NE(shortr.body.find("less than 10 minutes"), std::string::npos) << shortr.body;
  EXPECT_EQ(Client().Get("/api/v1/namespaces/" + ns + "/serviceaccounts/robot/token").status, 405);

  auto custom = RequestToken(ns, "robot", json::object{{"audiences", json::array{"vault"}},
                                                       {"expirationSeconds", 7200}});
  ASSERT_EQ(custom.status, 201) << custom.body;
  json::value claims = Claims(Str(custom.Json(), "status.token"));
  EXPECT_EQ(Str(claims, "aud.0"), "vault");
  EXPECT_EQ(Int(claims, "exp") - Int(claims, "iat"), 7200);
  // Another audience than the API's is not accepted by the API.
  EXPECT_TRUE(IsStatus(As(Str(custom.Json(), "status.token")).Get("/api"), 401, "Unauthorized"));

  // Bound to a pod: the pod must run as the account, the token dies with the pod.
  ASSERT_EQ(CreatePod(ns, Pod("other")).status, 201);  // runs as "default"
  auto wrong = RequestToken(
      ns, "robot",
      json::object{{"boundObjectRef", json::object{{"kind", "Pod"}, {"name", "other"}}}});
  EXPECT_TRUE(IsStatus(wrong, 400, "BadRequest"));
  auto pod = CreatePod(ns, Pod("mine", "robot"));
  ASSERT_EQ(pod.status, 201) << pod.body;
  std::string uid = Str(pod.Json(), "metadata.uid");
  auto bad_uid = RequestToken(
      ns, "robot",
      json::object{{"boundObjectRef",
                    json::object{{"kind", "Pod"}, {"name", "mine"}, {"uid", "not-it"}}}});
  EXPECT_TRUE(IsStatus(bad_uid, 409, "Conflict"));
  auto bound = RequestToken(
      ns, "robot",
      json::object{{"boundObjectRef",
                    json::object{{"kind", "Pod"}, {"name", "mine"}, {"uid", uid}}}});
  ASSERT_EQ(bound.status, 201) << bound.body;
  std::string token = Str(bound.Json(), "status.token");
  EXPECT_EQ(GetString(Claims(token), {"kubernetes.io", "pod", "uid"}), uid);
  EXPECT_EQ(As(token).Get("/api").status, 200);
  ASSERT_EQ(Client().Delete("/api/v1/namespaces/" + ns + "/pods/mine",
                            R"({"gracePeriodSeconds":0})")
                .status,
            200);
  EXPECT_TRUE(Eventually([&] { return As(token).Get("/api").status == 401; }));
}

TEST_F(ServiceAccountApi, OidcDiscovery) {
  std::string ns = MakeNamespace("sa");
  CreateAccount(ns, Account("robot"));
  std::string token = Str(RequestToken(ns, "robot").Json(), "status.token");
  EXPECT_TRUE(IsStatus(Anonymous().Get("/.well-known/openid-configuration"), 401, "Unauthorized"));
  auto conf = As(token).Get("/.well-known/openid-configuration");
  ASSERT_EQ(conf.status, 200) << conf.body;
  json::value c = conf.Json();
  EXPECT_EQ(Str(c, "issuer"), Str(Claims(token), "iss"));
  EXPECT_EQ(Str(c, "jwks_uri"), Str(c, "issuer") + "/openid/v1/jwks");
  EXPECT_EQ(Str(c, "id_token_signing_alg_values_supported.0"), "ES256");
  EXPECT_EQ(Str(c, "subject_types_supported.0"), "public");
  auto jwks = As(token).Get("/openid/v1/jwks");
  ASSERT_EQ(jwks.status, 200);
  EXPECT_EQ(jwks.Header("content-type"), "application/jwk-set+json");
  json::value k = jwks.Json();
  EXPECT_EQ(Str(k, "keys.0.kty"), "EC");
  EXPECT_EQ(Str(k, "keys.0.crv"), "P-256");
  // The token's kid names the published key.
  size_t d1 = token.find('.');
  auto header = serviceaccount::Base64UrlDecode(token.substr(0, d1));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(Str(json::parse(*header), "kid"), Str(k, "keys.0.kid"));
}

TEST_F(ServiceAccountApi, AdmissionMountsTheTokenVolume) {
  std::string ns = MakeNamespace("sa");
  // No "default" account exists here (no controllers run): the pod is admitted anyway.
  auto r = CreatePod(ns, Pod("p1"));
  ASSERT_EQ(r.status, 201) << r.body;
  json::value pod = r.Json();
  EXPECT_EQ(Str(pod, "spec.serviceAccountName"), "default");
  EXPECT_EQ(Str(pod, "spec.serviceAccount"), "default");
  auto vols = ApiAccessVolumes(pod);
  ASSERT_EQ(vols.size(), 1u) << r.body;
  EXPECT_EQ(vols[0].size(), std::string("kube-api-access-").size() + 5);
  const json::value* vol = At(pod, "spec.volumes.0");
  EXPECT_EQ(Str(*vol, "projected.sources.0.serviceAccountToken.path"), "token");
  EXPECT_EQ(Int(*vol, "projected.sources.0.serviceAccountToken.expirationSeconds"), 3607);
  EXPECT_EQ(Str(*vol, "projected.sources.1.configMap.name"), "kube-root-ca.crt");
  EXPECT_EQ(Str(*vol, "projected.sources.1.configMap.items.0.key"), "ca.crt");
  EXPECT_EQ(Str(*vol, "projected.sources.2.downwardAPI.items.0.fieldRef.fieldPath"),
            "metadata.namespace");
  for (const char* c : {"spec.containers.0", "spec.containers.1", "spec.initContainers.0"}) {
    EXPECT_EQ(MountAt(*At(pod, c), kMount), vols[0]) << c;
  }

  // Opt-outs: the pod's field wins over the account's.
  CreateAccount(ns, Account("quiet", false));
  CreateAccount(ns, Account("loud", true));
  struct Case {
    std::string sa;
    std::optional<bool> pod;
    bool mounted;
  };
  std::vector<Case> cases{{"", std::nullopt, true},  {"loud", std::nullopt, true},
                          {"quiet", std::nullopt, false}, {"", true, true},
                          {"loud", true, true},       {"quiet", true, true},
                          {"", false, false},         {"loud", false, false},
                          {"quiet", false, false}};
  int i = 0;
  for (const Case& c : cases) {
    std::string name = "opt-" + std::to_string(i++);
    auto cr = CreatePod(ns, Pod(name, c.sa, c.pod));
    ASSERT_EQ(cr.status, 201) << cr.body;
    EXPECT_EQ(ApiAccessVolumes(cr.Json()).size(), c.mounted ? 1u : 0u)
        << "sa=" << c.sa << " pod=" << (c.pod ? (*c.pod ? "true" : "false") : "unset");
  }

  // A container that mounts something at the path keeps it; the others get the token volume.
  json::object own = Pod("own");
  own["spec"].as_object()["volumes"] =
      json::array{json::object{{"name", "mine"}, {"emptyDir", json::object{}}}};
  own["spec"].as_object()["containers"].as_array()[0].as_object()["volumeMounts"] =
      json::array{json::object{{"name", "mine"}, {"mountPath", kMount}}};
  auto owned = CreatePod(ns, own);
  ASSERT_EQ(owned.status, 201) << owned.body;
  EXPECT_EQ(MountAt(*At(owned.Json(), "spec.containers.0"), kMount), "mine");
  auto v2 = ApiAccessVolumes(owned.Json());
  ASSERT_EQ(v2.size(), 1u);
  EXPECT_EQ(MountAt(*At(owned.Json(), "spec.containers.1"), kMount), v2[0]);

  // A named account that does not exist is refused.
  auto missing = CreatePod(ns, Pod("ghost", "ghost"));
  EXPECT_TRUE(IsStatus(missing, 403, "Forbidden"));
  EXPECT_NE(missing.body.find("error looking up service account " + ns + "/ghost"),
            std::string::npos)
      << missing.body;
}

TEST_F(ServiceAccountApi, AdmissionCopiesImagePullSecrets) {
  std::string ns = MakeNamespace("sa");
  json::object sa = Account("puller");
  sa["imagePullSecrets"] = json::array{json::object{{"name", "regcred"}}};
  CreateAccount(ns, sa);
  auto r = CreatePod(ns, Pod("p", "puller"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(r.Json(), "spec.imagePullSecrets.0.name"), "regcred");
}

}  // namespace
}  // namespace berth::apiserver::testing
