// LeaderElector: one active control plane at a time, through a coordination.k8s.io/v1 Lease
// (client-go's leaderelection with a Lease lock).
//
// Every candidate tries every retry_period to acquire or renew the Lease `namespace/name`. It
// acquires a Lease that does not exist, has no holder, or whose renewTime is more than
// leaseDurationSeconds old (by the injected clock); all writes are compare-and-swap on the
// resourceVersion, so two candidates never both win. A leader that cannot renew for
// renew_deadline stops leading (on_stopped) and competes again. Stop() releases a held Lease
// (holder cleared) so a successor takes over at once.
//
// Callbacks run on the elector's thread. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "client/interface.h"
#include "common/clock.h"

namespace berth::controller {

struct LeaderElectionConfig {
  std::string namespace_ = "kube-system";
  std::string name = "berth-controller-manager";
  std::string identity;  // unique per candidate ("host_uuid")
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::milliseconds retry_period{2000};
};

class LeaderElector {
 public:
  LeaderElector(client::Interface* client, const Clock* clock, LeaderElectionConfig config,
                std::function<void()> on_started, std::function<void()> on_stopped);
  ~LeaderElector();

  void Start();
  void Stop();
  bool IsLeader() const { return leading_.load(); }

  // One acquire-or-renew attempt (the loop's step; tests call it directly with a ManualClock).
  // Returns whether this candidate holds the Lease afterwards. Does not run callbacks.
  bool TryAcquireOrRenew();
  // Clears the holder if this candidate holds the Lease.
  void Release();

 private:
  void Loop();
  std::string LeasePath() const;

  client::Interface* client_;
  const Clock* clock_;
  LeaderElectionConfig config_;
  std::function<void()> on_started_, on_stopped_;
  std::atomic<bool> leading_{false};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace berth::controller
