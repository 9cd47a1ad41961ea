// Integration: request errors are Kubernetes Status bodies with the right
// code, reason and causes.
#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class IntegrationErrors : public IntegrationTest {};

TEST_F(IntegrationErrors, MalformedJson) {
  std::string ns = MakeNamespace();
  auto r = Client().Do("POST", CmPath(ns), R"({"apiVersion":"v1","kind":"ConfigMap",)",
                       "application/json");
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest")) << r.body;
  r = Client().Do("POST", CmPath(ns), "[1,2,3]", "application/json");
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest")) << r.body;
  r = Client().Do("POST", CmPath(ns), R"({"metadata":{"name":5}})", "application/json");
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest")) << r.body;
  r = Client().Do("POST", CmPath(ns), "", "application/json");
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest")) << r.body;
  // Wrong kind for the URL.
  r = Client().Post(CmPath(ns), Deployment("d"));
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest")) << r.body;
}

TEST_F(IntegrationErrors, UnknownContentType) {
  std::string ns = MakeNamespace();
  auto r = Client().Do("POST", CmPath(ns), json::serialize(ConfigMap("x")), "text/plain");
  EXPECT_TRUE(IsStatus(r, 415, "UnsupportedMediaType")) << r.body;
  // YAML is fine.
  r = Client().Do("POST", CmPath(ns), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n",
                  "application/yaml");
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(IntegrationErrors, BodyTooLarge) {
  std::string ns = MakeNamespace();
  json::object cm = ConfigMap("big", {{"blob", std::string(3 * 1024 * 1024 + 100, 'a')}});
  auto r = Client().Post(CmPath(ns), cm);
  EXPECT_TRUE(IsStatus(r, 413, "RequestEntityTooLarge")) << r.status << r.error;
  EXPECT_TRUE(IsStatus(Client().Get(CmPath(ns, "big")), 404, "NotFound"));
  // Just under the limit is accepted by the HTTP layer (then refused or stored by the API).
  json::object ok = ConfigMap("nearly", {{"blob", std::string(900 * 1024, 'a')}});
  EXPECT_EQ(Client().Post(CmPath(ns), ok).status, 201);
}

TEST_F(IntegrationErrors, StrictFieldValidation) {
  std::string ns = MakeNamespace();
  json::object d = Deployment("strict");
  d["spec"].as_object()["bogus"] = true;
  auto r = Client().Post(DeployPath(ns) + "?fieldValidation=Strict", d);
  ASSERT_TRUE(IsStatus(r, 400, "BadRequest")) << r.body;
  EXPECT_NE(Str(r.Json(), "message").find("strict decoding error: unknown field \"spec.bogus\""),
            std::string::npos)
      << r.body;
  EXPECT_EQ(Client().Get(DeployPath(ns, "strict")).status, 404);

  auto bad_mode = Client().Post(DeployPath(ns) + "?fieldValidation=Loose", Deployment("m"));
  EXPECT_TRUE(IsStatus(bad_mode, 400, "BadRequest"));
}

TEST_F(IntegrationErrors, WarnFieldValidationPrunes) {
  std::string ns = MakeNamespace();
  json::object d = Deployment("warn");
  d["spec"].as_object()["bogus"] = true;
  auto r = Client().Post(DeployPath(ns) + "?fieldValidation=Warn", d);
  ASSERT_EQ(r.status, 201) << r.body;
  auto warnings = r.HeaderAll("warning");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "299 - \"unknown field \\\"spec.bogus\\\"\"");
  EXPECT_EQ(At(r.Json(), "spec.bogus"), nullptr);
  EXPECT_EQ(At(Client().Get(DeployPath(ns, "warn")).Json(), "spec.bogus"), nullptr);

  // Warn is the default; Ignore drops silently.
  d["metadata"].as_object()["name"] = "dflt";
  auto r2 = Client().Post(DeployPath(ns), d);
  ASSERT_EQ(r2.status, 201);
  EXPECT_EQ(r2.HeaderAll("warning").size(), 1u);
  d["metadata"].as_object()["name"] = "ign";
  auto r3 = Client().Post(DeployPath(ns) + "?fieldValidation=Ignore", d);
  ASSERT_EQ(r3.status, 201);
  EXPECT_TRUE(r3.HeaderAll("warning").empty());
  EXPECT_EQ(At(r3.Json(), "spec.bogus"), nullptr);
}

TEST_F(IntegrationErrors, InvalidDeploymentHasCauses) {
  std::string ns = MakeNamespace();
  json::object d = Deployment("inv", -1);
  d["spec"].as_object()["template"].as_object()["spec"].as_object()["containers"] =
      json::array{json::object{{"name", "web"}}};
  auto r = Client().Post(DeployPath(ns), d);
  ASSERT_TRUE(IsStatus(r, 422, "Invalid")) << r.body;
  json::value v = r.Json();
  EXPECT_EQ(Str(v, "details.name"), "inv");
  EXPECT_EQ(Str(v, "details.group"), "apps");
  EXPECT_EQ(Str(v, "details.kind"), "Deployment");
  EXPECT_EQ(Str(v, "message").rfind("Deployment.apps \"inv\" is invalid: ", 0), 0u) << r.body;
  std::map<std::string, std::string> causes;
  for (const auto& c : At(v, "details.causes")->as_array()) causes[Str(c, "field")] = Str(c, "reason");
  EXPECT_EQ(causes["spec.replicas"], "FieldValueInvalid") << r.body;
  EXPECT_EQ(causes["spec.template.spec.containers[0].image"], "FieldValueRequired") << r.body;
  EXPECT_EQ(Client().Get(DeployPath(ns, "inv")).status, 404);

  // The same validation applies on update.
  ASSERT_EQ(Client().Post(DeployPath(ns), Deployment("ok")).status, 201);
  auto u = Client().Patch(DeployPath(ns, "ok"), "application/merge-patch+json",
                          R"({"spec":{"replicas":-3}})");
  EXPECT_TRUE(IsStatus(u, 422, "Invalid")) << u.body;
  // Selector is immutable on update.
  auto sel = Client().Patch(DeployPath(ns, "ok"), "application/merge-patch+json",
                            R"({"spec":{"selector":{"matchLabels":{"app":"other"}},
                                "template":{"metadata":{"labels":{"app":"other"}}}}})");
  EXPECT_TRUE(IsStatus(sel, 422, "Invalid")) << sel.body;
}

TEST_F(IntegrationErrors, MethodNotAllowed) {
  std::string ns = MakeNamespace();
  ASSERT_EQ(Client().Post(CmPath(ns), ConfigMap("x")).status, 201);
  auto r = Client().Post(CmPath(ns, "x"), ConfigMap("x"));
  EXPECT_TRUE(IsStatus(r, 405, "MethodNotAllowed")) << r.body;
}

}  // namespace
}  // namespace berth::apiserver::testing
