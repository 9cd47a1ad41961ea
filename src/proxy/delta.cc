#include "proxy/delta.h"

#include <algorithm>
#include <map>
#include <set>

namespace berth::proxy {

namespace {

struct Change {
  PortObjects before;  // empty for an added port
  PortObjects after;   // empty for a removed port
};

bool HasChain(const PortObjects& po, const std::string& name) {
  return std::any_of(po.chains.begin(), po.chains.end(),
                     [&](const NftChain& c) { return c.name == name; });
}

const NftSet* FindSet(const PortObjects& po, const std::string& name) {
  for (const NftSet& s : po.sets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool HasElement(const PortObjects& po, const NftElement& e) {
  return std::find(po.elements.begin(), po.elements.end(), e) != po.elements.end();
}

}  // namespace

std::string RenderDelta(const RenderOptions& o, const Model& old_model, const Model& new_model) {
  std::vector<Change> changes;
  for (const auto& [key, p] : new_model) {
    auto it = old_model.find(key);
    if (it != old_model.end() && it->second == p) continue;
    changes.push_back({it == old_model.end() ? PortObjects{} : RenderPort(o, it->second),
                       RenderPort(o, p)});
  }
  for (const auto& [key, p] : old_model) {
    if (!new_model.count(key)) changes.push_back({RenderPort(o, p), PortObjects{}});
  }
  if (changes.empty()) return "";

  const std::string t = " ip " + o.table + " ";
  std::string s;
  // 1. Elements leaving (or changing verdict).
  for (const Change& c : changes) {
    for (const NftElement& e : c.before.elements) {
      if (!HasElement(c.after, e)) s += "delete element" + t + e.map + " { " + e.key + " }\n";
    }
  }
  // 2. Chains: create-or-empty the new ones, empty the ones going away.
  for (const Change& c : changes) {
    for (const NftChain& ch : c.after.chains) {
      s += "add chain" + t + ch.name + "\n";
      s += "flush chain" + t + ch.name + "\n";
    }
    for (const NftChain& ch : c.before.chains) {
      if (!HasChain(c.after, ch.name)) s += "flush chain" + t + ch.name + "\n";
    }
  }
  // 3. Affinity sets.
  for (const Change& c : changes) {
    for (const NftSet& set : c.before.sets) {
      const NftSet* now = FindSet(c.after, set.name);
      if (now == nullptr || !(*now == set)) s += "delete set" + t + set.name + "\n";
    }
    for (const NftSet& set : c.after.sets) {
      const NftSet* was = FindSet(c.before, set.name);
      if (was == nullptr || !(*was == set)) {
        s += "add set" + t + set.name + " { type ipv4_addr; flags dynamic,timeout; timeout " +
             std::to_string(set.timeout_seconds) + "s; }\n";
      }
    }
  }
  // 4. Rules.
  for (const Change& c : changes) {
    for (const NftChain& ch : c.after.chains) {
      for (const std::string& r : ch.rules) s += "add rule" + t + ch.name + " " + r + "\n";
    }
  }
  // 5. Elements arriving.
  for (const Change& c : changes) {
    for (const NftElement& e : c.after.elements) {
      if (!HasElement(c.before, e)) {
        s += "add element" + t + e.map + " { " + e.key + " : " + e.verdict + " }\n";
      }
    }
  }
  // 6. Chains gone.
  for (const Change& c : changes) {
    for (const NftChain& ch : c.before.chains) {
      if (!HasChain(c.after, ch.name)) s += "delete chain" + t + ch.name + "\n";
    }
  }
  return s;
}

}  // namespace berth::proxy
