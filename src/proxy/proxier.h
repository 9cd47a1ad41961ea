// Proxier: berth's service proxy (kube-proxy's nftables mode, written for berth). It watches
// Services and EndpointSlices and keeps one nftables table (family ip, `options.table`) in step:
// cluster IPs, node ports and external IPs are DNATed to endpoints (see ruleset.h for the layout).
//
//   auto p = std::make_unique<Proxier>(client, ProxyOptions{.table = "berth-c1", ...},
//                                      NewNftRunner());
//   Status st = p->Start();   // informers + sync thread; waits (<= 10 s) for the first full sync
//   ...
//   p->Stop();                // rules stay: traffic keeps flowing across an agent restart
//   p->Destroy();             // removes the table
//
// Syncing: informer events mark services dirty; the sync thread applies the changes at most once
// per min_sync_interval (a change after a quiet period is applied at once), as one incremental
// `nft -f` transaction covering only the dirty services (delta.h). The first sync after Start and
// the one after any failed apply render the whole table (ruleset.h RenderFull), which also
// removes leftovers of services deleted while the proxy was down. Failed applies are retried
// with a back-off of max(min_sync_interval, 1 s).
//
// Thread-safety: Start/Stop/Destroy from one thread; stats(), WaitForSyncs() and
// RequestFullSync() from any thread. The observer runs on the sync thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "client/interface.h"
#include "common/status.h"
#include "proxy/model.h"
#include "proxy/nft_runner.h"
#include "proxy/ruleset.h"

namespace berth::controller {
class Informer;
}

namespace berth::proxy {

struct ProxyOptions {
  std::string table;         // nftables table name, unique per cluster, e.g. "berth-<cluster>"
  std::string node_name;     // for traffic policy Local
  // e.g. 10.88.0.0/16: traffic from outside it to a ClusterIP is masqueraded ("" = all of it)
  std::string pod_cidr;
  std::string service_cidr;  // e.g. 10.96.0.0/16 (informational)
  // Node-local cluster DNS: <cluster_ip>:53 udp+tcp is DNATed to <target_ip>:<target_port> on
  // this node, and any Service object carrying that cluster IP is ignored. Empty = none.
  std::string dns_cluster_ip, dns_target_ip;
  int dns_target_port = 53;
  std::chrono::milliseconds min_sync_interval{100};  // batching of updates
};

// One applied (or failed) sync, for observers, tests and benchmarks.
struct SyncReport {
  bool full = false;
  Status status;
  size_t services = 0;      // services rendered (all for a full sync, the dirty ones otherwise)
  size_t ports = 0;         // ports in the model after the sync
  size_t script_bytes = 0;
  std::chrono::microseconds build{0};  // model + rendering
  std::chrono::microseconds apply{0};  // nft
};

struct ProxyStats {
  uint64_t syncs = 0;  // attempts, successful or not
  uint64_t full_syncs = 0;
  uint64_t failures = 0;
  SyncReport last;
};

class Proxier {
 public:
  Proxier(client::Interface* api, ProxyOptions options, std::unique_ptr<NftRunner> nft);
  ~Proxier();
  Proxier(const Proxier&) = delete;
  Proxier& operator=(const Proxier&) = delete;

  // Starts the informers on services and endpointslices and the sync thread, then waits up to
  // 10 s for the first full sync: returns its error if nft refused it (and stops), Ok when it
  // applied or when the informers have not listed yet (the thread keeps trying).
  Status Start();
  // Stops the informers and the sync thread; the table stays as it is.
  void Stop();
  // Stop(), then deletes the table (Ok if it does not exist).
  Status Destroy();

  // Called after every sync attempt, on the sync thread. Set before Start.
  void SetObserver(std::function<void(const SyncReport&)> observer);
  ProxyStats stats() const;
  // Waits until stats().syncs >= n; false on timeout.
  bool WaitForSyncs(uint64_t n, std::chrono::milliseconds timeout) const;
  // Makes the next sync a full one and wakes the sync thread.
  void RequestFullSync();

 private:
  void OnService(const std::string& key, std::shared_ptr<const json::object> obj);
  void OnSlice(const std::string& key, std::shared_ptr<const json::object> obj);
  void Loop();
  void SyncOnce(bool full, const std::set<std::string>& dirty);

  client::Interface* api_;
  ProxyOptions options_;
  RenderOptions render_;
  ModelOptions model_options_;
  std::unique_ptr<NftRunner> nft_;
  std::function<void(const SyncReport&)> observer_;

  std::unique_ptr<controller::Informer> services_informer_;
  std::unique_ptr<controller::Informer> slices_informer_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<const json::object>> services_;  // "ns/name"
  // "ns/service" -> slice "ns/name" -> slice
  std::map<std::string, std::map<std::string, std::shared_ptr<const json::object>>> slices_;
  std::map<std::string, std::string> slice_owner_;  // slice "ns/name" -> "ns/service"
  std::set<std::string> dirty_;
  bool full_needed_ = true;
  bool stop_ = false;
  ProxyStats stats_;

  Model model_;  // what the table holds; sync thread only
  std::thread thread_;
};

}  // namespace berth::proxy
