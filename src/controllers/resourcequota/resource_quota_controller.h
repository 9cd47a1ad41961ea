// ResourceQuotaController: keeps ResourceQuota status current (kube's
// resource quota controller): status.hard = spec.hard and status.used = what
// the namespace uses of each resource named in spec.hard, summed with
// api/kinds/core/quota.h over the objects the quota applies to (scopes and
// scopeSelector select pods; finished pods and pods past their deletion grace
// count only towards count/pods).
//
// Sources: shared informers over every registered kind quota can count
// (pods, services, configmaps, secrets, replicationcontrollers,
// resourcequotas and the apps/batch workloads); any other "count/<plural>.<group>"
// of a registered kind is counted with a list through the client. A quota is
// recalculated when it is created or its spec changes (status-only updates do
// not trigger a sync, as in kube), when an object of its namespace is created
// or deleted or changes its usage, when a terminating pod's grace runs out,
// and every `resync` (every `fast_resync` for quotas with list-counted
// resources). The status is written (PUT .../status with resourceVersion)
// only when it changed; a conflict is retried.
//
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/kinds/core/quota.h"
#include "controller/controller.h"

namespace berth::controllers {

struct ResourceQuotaOptions {
  std::chrono::seconds resync{300};
  std::chrono::seconds fast_resync{10};
};

class ResourceQuotaController : public controller::QueueController {
 public:
  explicit ResourceQuotaController(const controller::Context& ctx,
                                   ResourceQuotaOptions opts = {});
  ~ResourceQuotaController() override;
  const char* Name() const override { return "resourcequota"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  struct Tracked {
    std::string plural, group;
    controller::Informer* informer;
  };
  void EnqueueNamespace(const std::string& ns);
  // Usage of `name` from the resources without an informer (nullopt: nothing counts it).
  StatusOr<std::optional<api::quota::ResourceList>> ListedUsage(const std::string& ns,
                                                                const std::string& name);

  ResourceQuotaOptions opts_;
  controller::Informer* quotas_;
  std::vector<Tracked> tracked_;
  // resourceVersion of the last status this controller wrote, per quota key: when that write
  // reaches the informer the quota is synced again (a Sync that compared against an older
  // cached status may have skipped a needed write). Status writes by others are left alone.
  std::mutex written_mu_;
  std::map<std::string, std::string> written_rv_;
};

}  // namespace berth::controllers
