// GarbageCollector: deletes objects whose owners are gone and carries out the propagation a
// DELETE asked for (kube-controller-manager's garbagecollector; see
// apiserver/rest/deletion_propagation.h for the API server's half).
//
// At construction it reads API discovery (ResourceCatalog) and registers handlers on a shared
// informer for every resource that supports list, watch and delete, feeding an OwnerGraph.
// Work-queue keys are object uids. Sync(uid):
// - An object being deleted with the "orphan" finalizer: its dependents' ownerReferences to it
//   are removed, then the finalizer (the API server then deletes the object).
// - An object being deleted with "foregroundDeletion": every dependent is queued for deletion;
//   the finalizer is removed once no dependent referencing it with blockOwnerDeletion=true is
//   left.
// - Any other object being deleted is left alone.
// - An object with ownerReferences: each owner is "solid" (exists), "waiting" (exists, being
//   deleted in the foreground) or "dangling" (absent from the informer and confirmed by a GET
//   that returns 404 or another uid). With a solid owner the references to dangling/waiting
//   owners are removed; with none the object is deleted: in the foreground when an owner is
//   waiting and the object has dependents of its own, else as its own GC finalizer says
//   (orphan/foregroundDeletion), else in the background. Deletes carry uid and
//   resourceVersion preconditions, so a changed object is re-examined instead.
// Nothing happens before every informer has synced; failed syncs are retried with the queue's
// per-key back-off.
//
// Thread-safe: informer handlers and workers share only the graph and the queue.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/controller.h"
#include "controllers/gc/owner_graph.h"
#include "controllers/gc/resource_catalog.h"

namespace berth::controllers {

class GarbageCollector : public controller::QueueController {
 public:
  // Discovers resources through ctx.client and registers informer handlers; call before the
  // informers start. A failed discovery leaves the collector idle (discovery_status() says why).
  explicit GarbageCollector(const controller::Context& ctx);
  // Uses `catalog` instead of discovery (tests).
  GarbageCollector(const controller::Context& ctx, gc::ResourceCatalog catalog);
  ~GarbageCollector() override;

  const char* Name() const override { return "garbagecollector"; }
  const Status& discovery_status() const { return discovery_; }
  const gc::ResourceCatalog& catalog() const { return catalog_; }
  // Objects currently in the graph (tests, metrics).
  size_t GraphSize() const { return graph_.Size(); }

 protected:
  Status Sync(const std::string& uid) override;

 private:
  struct Live {
    controller::ObjectPtr obj;  // null when the object is not in its informer
    gc::GraphNode node;
  };
  enum class OwnerState { kSolid, kWaiting, kDangling };

  void Register();
  void OnObserved(size_t resource, const controller::ObjectPtr& obj);
  void OnGone(const controller::ObjectPtr& obj);
  bool AllSynced() const;
  // The cached object of `uid` (null obj when unknown or replaced).
  Live Find(const std::string& uid) const;
  StatusOr<OwnerState> ClassifyOwner(const json::object& dependent, const gc::OwnerRef& ref);

  Status OrphanDependents(const json::object& owner);
  Status DeleteDependents(const json::object& owner);
  Status AttemptToDelete(const json::object& obj, const gc::GraphNode& node);
  Status RemoveOwnerRefs(const json::object& obj, const gc::GraphNode& node,
                         const std::vector<std::string>& owner_uids);
  Status RemoveFinalizer(const json::object& obj, const gc::GraphNode& node,
                         const std::string& finalizer);
  std::string PathOf(const gc::GraphNode& node) const;

  // Handlers check `alive` under `mu`, so none runs into a destroyed collector.
  struct Guard {
    std::mutex mu;
    bool alive = true;
  };

  std::shared_ptr<Guard> guard_ = std::make_shared<Guard>();
  Status discovery_;
  gc::ResourceCatalog catalog_;
  std::vector<controller::Informer*> informers_;  // parallel to catalog_.Watched()
  gc::OwnerGraph graph_;
};

}  // namespace berth::controllers
