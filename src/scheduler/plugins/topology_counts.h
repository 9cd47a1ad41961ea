// TopologyCounts: numbers per topology domain (topologyKey, value), looked up per node without
// building strings. Used by inter-pod affinity and topology spreading. Value type.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scheduler/node_info.h"

namespace berth::scheduler {

class TopologyCounts {
 public:
  void Add(const std::string& key, const std::string& value, int64_t n) {
    ForKey(key)[value] += n;
  }
  // The count of the domain `node` is in for `key`; nullptr when the node lacks the label or
  // the domain has no entry.
  const int64_t* Find(const std::string& key, const NodeInfo& node) const {
    const std::string* v = node.Label(key);
    if (!v) return nullptr;
    for (const auto& [k, m] : keys_) {
      if (k != key) continue;
      auto it = m.find(*v);
      return it == m.end() ? nullptr : &it->second;
    }
    return nullptr;
  }
  int64_t Get(const std::string& key, const NodeInfo& node) const {
    const int64_t* c = Find(key, node);
    return c ? *c : 0;
  }
  bool empty() const { return keys_.empty(); }
  const std::vector<std::pair<std::string, std::unordered_map<std::string, int64_t>>>& keys()
      const {
    return keys_;
  }

 private:
  std::unordered_map<std::string, int64_t>& ForKey(const std::string& key) {
    for (auto& [k, m] : keys_) {
      if (k == key) return m;
    }
    keys_.emplace_back(key, std::unordered_map<std::string, int64_t>{});
    return keys_.back().second;
  }

  std::vector<std::pair<std::string, std::unordered_map<std::string, int64_t>>> keys_;
};

}  // namespace berth::scheduler
