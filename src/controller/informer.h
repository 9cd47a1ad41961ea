// Informer: a local, always-catching-up copy of one resource (client-go's shared informer).
//
// It lists the resource, then watches from the list's resourceVersion; when the watch ends it
// resumes from the last seen version, and when that is too old (410 Expired) or anything fails it
// lists again (back-off 0.5 s doubling to 10 s) and turns the difference into add/update/delete
// notifications, so handlers see every change that matters even across outages.
//
// Handlers run on the informer's own thread, one event at a time, after the cache reflects the
// event. They must be quick (typically: put a key on a WorkQueue). The cache holds immutable
// snapshots (ObjectPtr) that may be kept and shared across threads freely.
//
// Thread-safety: Get/List may be called from any thread; AddHandler only before Start.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/selector/label_selector.h"
#include "client/interface.h"
#include "common/json.h"

namespace berth::controller {

using ObjectPtr = std::shared_ptr<const json::object>;

struct EventHandler {
  std::function<void(const ObjectPtr& obj)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr& obj)> on_delete;
};

// "ns/name" for namespaced objects, "name" otherwise (the work-queue key convention).
std::string KeyOf(const json::object& obj);
// Splits a key made by KeyOf.
void SplitKey(const std::string& key, std::string* ns, std::string* name);

class Informer {
 public:
  // `collection_path` lists every object of the resource ("/api/v1/pods",
  // "/apis/apps/v1/deployments"); `query` is an extra list/watch query
  // ("fieldSelector=spec.nodeName%3Dn1"), "" for none.
  Informer(client::Interface* client, std::string collection_path, std::string query = "");
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void AddHandler(EventHandler handler);
  void Start();
  void Stop();
  bool HasSynced() const;
  // Waits until the first list is in the cache; false on timeout or Stop.
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  ObjectPtr Get(const std::string& ns, const std::string& name) const;
  ObjectPtr GetByKey(const std::string& key) const;
  // Every cached object in `ns` ("" = all namespaces), optionally filtered by labels.
  std::vector<ObjectPtr> List(const std::string& ns = "") const;
  std::vector<ObjectPtr> List(const std::string& ns,
                              const api::selector::LabelSelector& selector) const;
  size_t Size() const;
  const std::string& path() const { return path_; }

  // Testing seam: applies one event as if the server had sent it ("ADDED", "MODIFIED",
  // "DELETED"), updating the cache and calling handlers on the caller's thread. Use only on an
  // informer that was not started.
  void Inject(const std::string& type, json::object obj);

 private:
  void Loop();
  // Lists and reconciles the cache; returns the list's resourceVersion.
  StatusOr<std::string> Relist();
  void Apply(const std::string& type, ObjectPtr obj);
  void SetSynced();

  client::Interface* client_;
  std::string path_;
  std::string query_;
  std::vector<EventHandler> handlers_;

  mutable std::shared_mutex cache_mu_;
  std::map<std::string, std::map<std::string, ObjectPtr>> cache_;  // ns -> name -> object
  size_t size_ = 0;

  mutable std::mutex sync_mu_;
  mutable std::condition_variable sync_cv_;
  bool synced_ = false;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One informer per resource, shared by every controller (so pods are cached once).
class InformerFactory {
 public:
  explicit InformerFactory(client::Interface* client) : client_(client) {}
  ~InformerFactory();
  // The informer of a collection path (created on first use; Start starts it).
  Informer* For(const std::string& collection_path);
  void StartAll();
  void StopAll();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  client::Interface* client_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;
  bool started_ = false;
};

}  // namespace berth::controller
