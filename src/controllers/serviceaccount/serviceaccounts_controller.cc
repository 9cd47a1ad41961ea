#include "controllers/serviceaccount/serviceaccounts_controller.h"

namespace berth::controllers {
namespace {

constexpr const char* kDefaultAccount = "default";

}  // namespace

bool NamespaceTerminating(const json::object& ns) {
  return GetString(ns, {"status", "phase"}) == "Terminating" ||
         !GetString(ns, {"metadata", "deletionTimestamp"}).empty();
}

ServiceAccountsController::ServiceAccountsController(const controller::Context& ctx)
    : QueueController(ctx),
      namespaces_(ctx.informers->For("/api/v1/namespaces")),
      accounts_(ctx.informers->For("/api/v1/serviceaccounts")) {
  auto enqueue_ns = [this](const controller::ObjectPtr& o) {
    queue_.Add(GetString(*o, {"metadata", "name"}));
  };
  namespaces_->AddHandler(controller::EventHandler{
      enqueue_ns, [enqueue_ns](const controller::ObjectPtr&, const controller::ObjectPtr& o) {
        enqueue_ns(o);
      },
      [](const controller::ObjectPtr&) {}});
  accounts_->AddHandler(controller::EventHandler{
      [](const controller::ObjectPtr&) {},
      [](const controller::ObjectPtr&, const controller::ObjectPtr&) {},
      [this](const controller::ObjectPtr& o) {
        if (GetString(*o, {"metadata", "name"}) == kDefaultAccount) {
          queue_.Add(GetString(*o, {"metadata", "namespace"}));
        }
      }});
}

ServiceAccountsController::~ServiceAccountsController() { Stop(); }

Status ServiceAccountsController::Sync(const std::string& ns) {
  controller::ObjectPtr nso = namespaces_->Get("", ns);
  if (!nso || NamespaceTerminating(*nso)) return {};
  if (accounts_->Get(ns, kDefaultAccount)) return {};
  json::object sa{{"apiVersion", "v1"},
                  {"kind", "ServiceAccount"},
                  {"metadata", json::object{{"name", kDefaultAccount}}}};
  auto r = ctx_.client->Create("/api/v1/namespaces/" + ns + "/serviceaccounts", sa);
  if (r.ok()) return {};
  Reason why = r.status().reason();
  // Already there (the cache lags) or the namespace started terminating meanwhile.
  if (why == Reason::kAlreadyExists || why == Reason::kForbidden || why == Reason::kNotFound) {
    return {};
  }
  return r.status();
}

}  // namespace berth::controllers
