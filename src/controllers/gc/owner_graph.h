// OwnerGraph: the garbage collector's index of who owns whom, built from informer events.
//
// Nodes are observed objects (by uid) with where to find them (the watched resource's index,
// namespace, name) and their ownerReferences. Edges go from an owner uid to the uids of the
// objects that reference it; an owner uid keeps its dependents even when the owner itself was
// never observed or is gone, which is exactly when those dependents need attention.
//
// Thread-safe (one mutex); every accessor returns copies.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/json.h"

namespace berth::controllers::gc {

struct OwnerRef {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool block_owner_deletion = false;

  bool operator==(const OwnerRef&) const = default;
};

// The ownerReferences of `obj` (entries without a uid are skipped).
std::vector<OwnerRef> OwnerRefsOf(const json::object& obj);

struct GraphNode {
  size_t resource = 0;  // index into the watched resources
  std::string ns;
  std::string name;
  std::vector<OwnerRef> owners;
};

class OwnerGraph {
 public:
  // Records `node` under `uid`; returns the owners it had before (empty when new).
  std::vector<OwnerRef> Upsert(const std::string& uid, GraphNode node);
  // Forgets the node (its outgoing edges too); returns it, or nullopt when unknown.
  std::optional<GraphNode> Remove(const std::string& uid);
  std::optional<GraphNode> Lookup(const std::string& uid) const;
  // The uids of the objects referencing `owner_uid`.
  std::vector<std::string> DependentsOf(const std::string& owner_uid) const;
  size_t Size() const;

 private:
  void Unlink(const std::string& uid, const std::vector<OwnerRef>& owners);

  mutable std::mutex mu_;
  std::map<std::string, GraphNode> nodes_;
  std::map<std::string, std::set<std::string>> dependents_;  // owner uid -> dependent uids
};

}  // namespace berth::controllers::gc
