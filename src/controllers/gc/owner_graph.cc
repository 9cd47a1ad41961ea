#include "controllers/gc/owner_graph.h"

namespace berth::controllers::gc {

std::vector<OwnerRef> OwnerRefsOf(const json::object& obj) {
  std::vector<OwnerRef> out;
  const json::value* refs = GetPath(obj, {"metadata", "ownerReferences"});
  if (!refs || !refs->is_array()) return out;
  for (const auto& r : refs->as_array()) {
    if (!r.is_object()) continue;
    OwnerRef ref;
    ref.api_version = GetString(r, {"apiVersion"});
    ref.kind = GetString(r, {"kind"});
    ref.name = GetString(r, {"name"});
    ref.uid = GetString(r, {"uid"});
    const json::value* b = r.as_object().if_contains("blockOwnerDeletion");
    ref.block_owner_deletion = b && b->is_bool() && b->as_bool();
    if (!ref.uid.empty()) out.push_back(std::move(ref));
  }
  return out;
}

void OwnerGraph::Unlink(const std::string& uid, const std::vector<OwnerRef>& owners) {
  for (const auto& o : owners) {
    auto it = dependents_.find(o.uid);
    if (it == dependents_.end()) continue;
    it->second.erase(uid);
    if (it->second.empty()) dependents_.erase(it);
  }
}

std::vector<OwnerRef> OwnerGraph::Upsert(const std::string& uid, GraphNode node) {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<OwnerRef> before;
  if (auto it = nodes_.find(uid); it != nodes_.end()) {
    before = std::move(it->second.owners);
    Unlink(uid, before);
  }
  for (const auto& o : node.owners) dependents_[o.uid].insert(uid);
  nodes_[uid] = std::move(node);
  return before;
}

std::optional<GraphNode> OwnerGraph::Remove(const std::string& uid) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = nodes_.find(uid);
  if (it == nodes_.end()) return std::nullopt;
  GraphNode n = std::move(it->second);
  nodes_.erase(it);
  Unlink(uid, n.owners);
  return n;
}

std::optional<GraphNode> OwnerGraph::Lookup(const std::string& uid) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = nodes_.find(uid);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> OwnerGraph::DependentsOf(const std::string& owner_uid) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = dependents_.find(owner_uid);
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

size_t OwnerGraph::Size() const {
  std::lock_guard<std::mutex> l(mu_);
  return nodes_.size();
}

}  // namespace berth::controllers::gc
