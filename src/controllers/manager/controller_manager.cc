#include "controllers/manager/controller_manager.h"

#include <unistd.h>

#include <cstdio>
#include <random>

#include "controllers/daemonset/daemonset_controller.h"
#include "controllers/deployment/deployment_controller.h"
#include "controllers/deployment/replicaset_controller.h"
#include "controllers/disruption/disruption_controller.h"
#include "controllers/endpointslice/endpoints_controller.h"
#include "controllers/endpointslice/endpointslice_controller.h"
#include "controllers/endpointslice/endpointslice_mirroring_controller.h"
#include "controllers/gc/garbage_collector.h"
#include "controllers/job/cronjob_controller.h"
#include "controllers/job/job_controller.h"
#include "controllers/resourcequota/resource_quota_controller.h"
#include "controllers/serviceaccount/root_ca_publisher.h"
#include "controllers/serviceaccount/serviceaccounts_controller.h"
#include "controllers/statefulset/statefulset_controller.h"

namespace berth::controllers {

namespace {
std::string DefaultIdentity() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::mt19937_64 rng(std::random_device{}());
  char suffix[17];
  snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(host) + "_" + suffix;
}
}  // namespace

ControllerManager::ControllerManager(client::Interface* client, const Clock* clock,
                                     ControllerManagerOptions opts)
    : client_(client), clock_(clock), opts_(std::move(opts)) {
  if (opts_.identity.empty()) opts_.identity = DefaultIdentity();
  recorder_ = std::make_unique<client::EventRecorder>(client_, clock_, "berth-controller-manager",
                                                      "");
}

ControllerManager::~ControllerManager() { Stop(); }

void ControllerManager::Start() {
  if (!opts_.leader_elect) {
    RunControllers();
    return;
  }
  auto cfg = opts_.leader_election;
  cfg.identity = opts_.identity;
  elector_ = std::make_unique<controller::LeaderElector>(
      client_, clock_, cfg, [this] { RunControllers(); }, [this] { StopControllers(); });
  elector_->Start();
}

void ControllerManager::Stop() {
  if (elector_) {
    elector_->Stop();  // releases the Lease and stops the controllers
    elector_.reset();
  }
  StopControllers();
}

bool ControllerManager::leading() const {
  std::lock_guard<std::mutex> l(mu_);
  return running_;
}

scheduler::Scheduler* ControllerManager::scheduler() {
  std::lock_guard<std::mutex> l(mu_);
  return scheduler_;
}

void ControllerManager::RunControllers() {
  std::lock_guard<std::mutex> l(mu_);
  if (running_) return;
  informers_ = std::make_unique<controller::InformerFactory>(client_);
  controller::Context ctx{client_, informers_.get(), clock_, recorder_.get()};
  controllers_.push_back(std::make_unique<ReplicaSetController>(ctx));
  controllers_.push_back(std::make_unique<ReplicaSetController>(
      ctx, ReplicaSetController::ReplicationControllers()));
  controllers_.push_back(std::make_unique<DeploymentController>(ctx));
  controllers_.push_back(std::make_unique<DaemonSetController>(ctx));
  controllers_.push_back(std::make_unique<StatefulSetController>(ctx));
  controllers_.push_back(std::make_unique<JobController>(ctx));
  controllers_.push_back(std::make_unique<CronJobController>(ctx));
  controllers_.push_back(std::make_unique<GarbageCollector>(ctx));
  controllers_.push_back(std::make_unique<NodeLifecycleController>(ctx, opts_.node_lifecycle));
  controllers_.push_back(std::make_unique<DisruptionController>(ctx));
  controllers_.push_back(std::make_unique<EndpointSliceController>(ctx));
  controllers_.push_back(std::make_unique<EndpointsController>(ctx));
  controllers_.push_back(std::make_unique<ResourceQuotaController>(ctx));
  controllers_.push_back(std::make_unique<EndpointSliceMirroringController>(ctx));
  controllers_.push_back(std::make_unique<ServiceAccountsController>(ctx));
  if (!opts_.root_ca_pem.empty()) {
    controllers_.push_back(std::make_unique<RootCaPublisher>(ctx, opts_.root_ca_pem));
  }
  if (opts_.run_scheduler) {
    auto s = std::make_unique<scheduler::Scheduler>(ctx, opts_.scheduler);
    scheduler_ = s.get();
    controllers_.push_back(std::move(s));
  }
  informers_->StartAll();
  // Workers act on the caches: a ReplicaSet synced against a half-listed pod cache would
  // create pods that already exist.
  if (!informers_->WaitForSync(std::chrono::seconds(60))) {
    fprintf(stderr, "controller-manager: informers did not sync within 60 s; starting anyway\n");
  }
  for (auto& c : controllers_) c->Start(opts_.workers);
  running_ = true;
}

void ControllerManager::StopControllers() {
  std::lock_guard<std::mutex> l(mu_);
  if (!running_) return;
  for (auto& c : controllers_) c->Stop();
  informers_->StopAll();
  controllers_.clear();
  informers_.reset();
  scheduler_ = nullptr;
  running_ = false;
}

}  // namespace berth::controllers
