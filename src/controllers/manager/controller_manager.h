// ControllerManager: berth's kube-controller-manager and kube-scheduler in one — every
// controller and the scheduler, sharing one InformerFactory, running only while this process
// holds the leader Lease (kube-system/berth-controller-manager), so several servers may run
// side by side with one active control plane.
//
// On gaining leadership it creates fresh informers and controllers and starts them; on losing it
// (renewal failed past the deadline) it stops and discards them, and competes again.
// Thread-safe: Start/Stop from one thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/event_recorder.h"
#include "client/interface.h"
#include "common/clock.h"
#include "controller/controller.h"
#include "controller/leader_election.h"
#include "controllers/nodelifecycle/node_lifecycle_controller.h"
#include "scheduler/scheduler.h"

namespace berth::controllers {

struct ControllerManagerOptions {
  std::string identity;  // leader-election identity; default "<hostname>_<random>"
  bool leader_elect = true;
  int workers = 4;       // worker threads per controller
  bool run_scheduler = true;
  scheduler::SchedulerOptions scheduler;
  NodeLifecycleOptions node_lifecycle;
  controller::LeaderElectionConfig leader_election;  // identity filled from `identity`
  // The cluster CA certificate (PEM) published in every namespace as ConfigMap kube-root-ca.crt;
  // empty: that publisher does not run.
  std::string root_ca_pem;
};

class ControllerManager {
 public:
  ControllerManager(client::Interface* client, const Clock* clock, ControllerManagerOptions opts);
  ~ControllerManager();
  void Start();
  void Stop();
  bool leading() const;
  // The running scheduler (null when not leading or disabled); for benchmarks and tests.
  scheduler::Scheduler* scheduler();

 private:
  void RunControllers();
  void StopControllers();

  client::Interface* client_;
  const Clock* clock_;
  ControllerManagerOptions opts_;
  std::unique_ptr<client::EventRecorder> recorder_;
  std::unique_ptr<controller::LeaderElector> elector_;

  mutable std::mutex mu_;
  std::unique_ptr<controller::InformerFactory> informers_;
  std::vector<std::unique_ptr<controller::Controller>> controllers_;
  scheduler::Scheduler* scheduler_ = nullptr;
  bool running_ = false;
};

}  // namespace berth::controllers
