// ServiceAccountsController: every active namespace has a ServiceAccount named "default" (kube's
// serviceaccounts-controller). Keys are namespace names; a namespace that appears or changes, or
// whose "default" account is deleted, is synced: the account is created when the cache lacks it.
// Terminating or missing namespaces are skipped (the server refuses creates there anyway).
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <string>

#include "controller/controller.h"

namespace berth::controllers {

class ServiceAccountsController : public controller::QueueController {
 public:
  explicit ServiceAccountsController(const controller::Context& ctx);
  ~ServiceAccountsController() override;
  const char* Name() const override { return "serviceaccount"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  controller::Informer* namespaces_;
  controller::Informer* accounts_;
};

// True when `ns` (a Namespace object) is being deleted.
bool NamespaceTerminating(const json::object& ns);

}  // namespace berth::controllers
