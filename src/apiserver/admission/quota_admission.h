// QuotaAdmission: the admission step enforcing the namespace's ResourceQuotas
// on create (kube's ResourceQuota plugin). For every quota that applies to
// the new object (api/kinds/core/quota.h: unscoped, or scoped and selecting
// the pod) and whose spec.hard names a resource the object uses (non-zero):
//  * cpu/memory quotas require each container to state that request/limit:
//    403 `failed quota: <q>: must specify limits.cpu for: c1`;
//  * current usage + the object's usage must stay within hard:
//    403 `exceeded quota: <q>, requested: pods=1, used: pods=2, limited: pods=2`.
// Usage is summed from the objects in the store (not status.used, which the
// controller fills), under a per-namespace lock held by the returned guard
// until the store write finished, so concurrent creates cannot both take the
// last unit. Namespaces without quotas take no lock. Thread-safe.
#pragma once

#include <array>
#include <mutex>
#include <optional>

#include "api/kinds/core/quota.h"
#include "apiserver/admission/admission.h"
#include "common/clock.h"
#include "store/store.h"

namespace berth::apiserver::admission {

// The refusal text for adding `delta` to `used` under `hard` (only resources
// named in `hard` with a non-zero delta count), or nullopt when it fits.
std::optional<std::string> QuotaExceeded(const std::string& quota_name,
                                         const api::quota::ResourceList& hard,
                                         const api::quota::ResourceList& used,
                                         const api::quota::ResourceList& delta);

class QuotaAdmission : public AdmissionStep {
 public:
  // Every pointer outlives this; `quotas` is the ResourceQuota type.
  QuotaAdmission(store::Store* store, const api::ResourceType* quotas, const Clock* clock)
      : store_(store), quotas_(quotas), clock_(clock) {}

  Status Mutate(const api::ResourceType&, boost::json::object&) override { return {}; }
  StatusOr<std::unique_ptr<AdmissionGuard>> Admit(const api::ResourceType& t,
                                                  const boost::json::object& obj) override;

 private:
  std::mutex& LockFor(const std::string& ns);

  store::Store* store_;
  const api::ResourceType* quotas_;
  const Clock* clock_;
  std::array<std::mutex, 64> stripes_;
};

}  // namespace berth::apiserver::admission
