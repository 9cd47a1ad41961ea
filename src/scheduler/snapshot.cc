#include "scheduler/snapshot.h"

#include <algorithm>

namespace berth::scheduler {

namespace {

std::string PodKey(const std::string& ns, const std::string& name) { return ns + "/" + name; }

template <typename T>
void EraseOne(std::vector<T>& v, const T& x) {
  auto it = std::find(v.begin(), v.end(), x);
  if (it != v.end()) v.erase(it);
}

}  // namespace

NodeInfo* Snapshot::Ensure(const std::string& name) {
  auto& slot = infos_[name];
  if (!slot) {
    slot = std::make_unique<NodeInfo>();
    slot->name = name;
  }
  return slot.get();
}

void Snapshot::Reindex(size_t from) {
  for (size_t i = from; i < order_.size(); i++) infos_[order_[i]->name]->index = i;
}

void Snapshot::UpsertNode(const json::object& node) {
  std::string name = GetString(node, {"metadata", "name"});
  if (name.empty()) return;
  NodeInfo* n = Ensure(name);
  n->labels.clear();
  if (const auto* l = GetPath(node, {"metadata", "labels"}); l && l->is_object()) {
    for (const auto& [k, v] : l->as_object()) {
      if (v.is_string()) n->labels.emplace(std::string(k), std::string(v.as_string()));
    }
  }
  n->taints = ParseTaints(GetPath(node, {"spec", "taints"}));
  const json::value* u = GetPath(node, {"spec", "unschedulable"});
  n->unschedulable = u && u->is_bool() && u->as_bool();
  const json::value* alloc = GetPath(node, {"status", "allocatable"});
  if (!alloc || !alloc->is_object()) alloc = GetPath(node, {"status", "capacity"});
  n->allowed_pods = 0;
  n->allocatable = ParseResourceList(alloc, &n->allowed_pods);
  if (!n->known) {
    n->known = true;
    n->index = order_.size();
    order_.push_back(n);
  }
}

void Snapshot::RemoveNode(const std::string& name) {
  auto it = infos_.find(name);
  if (it == infos_.end() || !it->second->known) return;
  NodeInfo* n = it->second.get();
  size_t idx = n->index;
  order_.erase(order_.begin() + static_cast<std::ptrdiff_t>(idx));
  Reindex(idx);
  if (n->pods.empty()) {
    infos_.erase(it);
    return;
  }
  n->known = false;
  n->labels.clear();
  n->taints.clear();
  n->allocatable = Resources();
  n->allowed_pods = 0;
  n->unschedulable = false;
}

void Snapshot::AddPod(std::shared_ptr<const PodInfo> pod) {
  if (!pod || pod->node_name.empty()) return;
  RemovePod(pod->ns, pod->name);
  NodeInfo* n = Ensure(pod->node_name);
  n->requested.Add(pod->requests);
  n->non_zero_milli_cpu += pod->non_zero_milli_cpu;
  n->non_zero_memory += pod->non_zero_memory;
  for (const auto& hp : pod->host_ports) n->used_ports.push_back(hp);
  if (pod->HasPodAffinity()) {
    n->pods_with_affinity.push_back(pod.get());
    pods_with_affinity_++;
  }
  if (!pod->required_anti_affinity.empty()) {
    n->pods_with_required_anti_affinity.push_back(pod.get());
    pods_with_required_anti_affinity_++;
  }
  pods_[PodKey(pod->ns, pod->name)] = n;
  n->pods.push_back(std::move(pod));
}

void Snapshot::RemovePod(const std::string& ns, const std::string& name) {
  auto it = pods_.find(PodKey(ns, name));
  if (it == pods_.end()) return;
  NodeInfo* n = it->second;
  pods_.erase(it);
  auto pit = std::find_if(n->pods.begin(), n->pods.end(), [&](const auto& p) {
    return p->ns == ns && p->name == name;
  });
  if (pit == n->pods.end()) return;
  std::shared_ptr<const PodInfo> pod = std::move(*pit);
  n->pods.erase(pit);
  n->requested.Subtract(pod->requests);
  n->non_zero_milli_cpu -= pod->non_zero_milli_cpu;
  n->non_zero_memory -= pod->non_zero_memory;
  for (const auto& hp : pod->host_ports) {
    auto hit = std::find_if(n->used_ports.begin(), n->used_ports.end(), [&](const HostPort& u) {
      return u.port == hp.port && u.protocol == hp.protocol && u.ip == hp.ip;
    });
    if (hit != n->used_ports.end()) n->used_ports.erase(hit);
  }
  if (pod->HasPodAffinity()) {
    EraseOne(n->pods_with_affinity, pod.get());
    pods_with_affinity_--;
  }
  if (!pod->required_anti_affinity.empty()) {
    EraseOne(n->pods_with_required_anti_affinity, pod.get());
    pods_with_required_anti_affinity_--;
  }
  if (!n->known && n->pods.empty()) {
    std::string node_name = n->name;  // the key must outlive the erase
    infos_.erase(node_name);
  }
}

const NodeInfo* Snapshot::FindNode(const std::string& name) const {
  auto it = infos_.find(name);
  return it == infos_.end() || !it->second->known ? nullptr : it->second.get();
}

}  // namespace berth::scheduler
