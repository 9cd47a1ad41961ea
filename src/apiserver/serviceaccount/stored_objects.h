// StoredObjects: reads core/v1 objects (ServiceAccounts, Pods, Secrets) straight from the store,
// for the token authenticator, the TokenRequest endpoint and the pod admission step, which run
// below the REST layer. Thread-safe (the store is).
// Errors: NotFound as kube words it (`serviceaccounts "x" not found`), store errors as they come.
#pragma once

#include <string>

#include "api/resource.h"
#include "common/json.h"
#include "common/status.h"
#include "store/store.h"

namespace berth::apiserver::serviceaccount {

class StoredObjects {
 public:
  // Both pointers outlive this.
  StoredObjects(store::Store* store, const api::Registry* registry)
      : store_(store), registry_(registry) {}
  // `resource` is a core/v1 plural ("serviceaccounts", "pods").
  StatusOr<json::object> Get(const std::string& resource, const std::string& ns,
                             const std::string& name) const;

 private:
  store::Store* store_;
  const api::Registry* registry_;
};

}  // namespace berth::apiserver::serviceaccount
