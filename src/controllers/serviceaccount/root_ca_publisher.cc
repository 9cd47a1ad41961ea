#include "controllers/serviceaccount/root_ca_publisher.h"

#include "controllers/serviceaccount/serviceaccounts_controller.h"

namespace berth::controllers {
namespace {

constexpr const char* kDescriptionAnnotation = "kubernetes.io/description";
constexpr const char* kDescription =
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters.";

}  // namespace

RootCaPublisher::RootCaPublisher(const controller::Context& ctx, std::string ca_pem)
    : QueueController(ctx),
      ca_pem_(std::move(ca_pem)),
      namespaces_(ctx.informers->For("/api/v1/namespaces")),
      configmaps_(ctx.informers->For("/api/v1/configmaps")) {
  auto enqueue_ns = [this](const controller::ObjectPtr& o) {
    queue_.Add(GetString(*o, {"metadata", "name"}));
  };
  namespaces_->AddHandler(controller::EventHandler{
      enqueue_ns, [enqueue_ns](const controller::ObjectPtr&, const controller::ObjectPtr& o) {
        enqueue_ns(o);
      },
      [](const controller::ObjectPtr&) {}});
  auto enqueue_cm = [this](const controller::ObjectPtr& o) {
    if (GetString(*o, {"metadata", "name"}) == kRootCaConfigMapName) {
      queue_.Add(GetString(*o, {"metadata", "namespace"}));
    }
  };
  configmaps_->AddHandler(controller::EventHandler{
      [](const controller::ObjectPtr&) {},
      [enqueue_cm](const controller::ObjectPtr&, const controller::ObjectPtr& o) { enqueue_cm(o); },
      enqueue_cm});
}

RootCaPublisher::~RootCaPublisher() { Stop(); }

Status RootCaPublisher::Sync(const std::string& ns) {
  controller::ObjectPtr nso = namespaces_->Get("", ns);
  if (!nso || NamespaceTerminating(*nso)) return {};
  json::object data{{"ca.crt", ca_pem_}};
  controller::ObjectPtr cm = configmaps_->Get(ns, kRootCaConfigMapName);
  std::string collection = "/api/v1/namespaces/" + ns + "/configmaps";
  if (!cm) {
    json::object obj{
        {"apiVersion", "v1"},
        {"kind", "ConfigMap"},
        {"metadata",
         json::object{{"name", kRootCaConfigMapName},
                      {"annotations", json::object{{kDescriptionAnnotation, kDescription}}}}},
        {"data", data}};
    auto r = ctx_.client->Create(collection, obj);
    if (r.ok()) return {};
    Reason why = r.status().reason();
    if (why == Reason::kForbidden || why == Reason::kNotFound) return {};
    return r.status();  // AlreadyExists: retried once the cache has it
  }
  const json::value* have = cm->if_contains("data");
  bool data_ok = have && have->is_object() && have->as_object() == data;
  bool annotated = !GetString(*cm, {"metadata", "annotations", kDescriptionAnnotation}).empty();
  if (data_ok && annotated) return {};
  json::object updated = *cm;
  updated["data"] = data;
  updated.erase("binaryData");
  json::value& ann = updated["metadata"].as_object()["annotations"];
  if (!ann.is_object()) ann = json::object();
  ann.as_object()[kDescriptionAnnotation] = kDescription;
  auto r = ctx_.client->Update(collection + "/" + kRootCaConfigMapName, updated);
  if (r.ok() || r.status().reason() == Reason::kNotFound) return {};  // deleted: its event syncs
  return r.status();
}

}  // namespace berth::controllers
