// WriteTracker: remembers the controller's own writes until its informer cache has seen them
// (kube's endpointSliceTracker), so a sync never acts on a cache older than its last write —
// which would create duplicate slices or overwrite with a stale resourceVersion.
//
// Per owner key ("ns/service") it keeps, per object name, the resourceVersion written (or
// "deleted"). Stale(owner, cache) is true while any remembered write is not yet reflected in
// the cache: a written object missing or with a lower resourceVersion (resourceVersions are the
// store's revisions, so numeric order is write order), a deleted one still present. Entries the
// cache reflects are dropped. Since every write also produces an informer event that queues the
// owner again, a stale sync can simply return and wait for it.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "controller/informer.h"

namespace berth::controllers::endpoints {

class WriteTracker {
 public:
  // After a successful create/update that returned `resource_version`.
  void Wrote(const std::string& owner, const std::string& name,
             const std::string& resource_version);
  // After a delete (also after NotFound).
  void Deleted(const std::string& owner, const std::string& name);
  // The informer reported the object gone: forget any expectation about it.
  void ObservedDeletion(const std::string& owner, const std::string& name);

  // `lookup(name)` returns the cached object (null when absent). An object written but missing
  // from the cache is asked about with `gone(name)` (a GET to the server): true means someone
  // deleted it meanwhile (an informer that relisted may never report it), and the entry goes.
  // Drops reflected entries. `gone` is called without the tracker's lock held.
  bool Stale(const std::string& owner,
             const std::function<controller::ObjectPtr(const std::string&)>& lookup,
             const std::function<bool(const std::string&)>& gone);

 private:
  static constexpr int64_t kDeleted = -1;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> expected_;
};

}  // namespace berth::controllers::endpoints
