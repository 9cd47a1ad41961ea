#include "api/resource.h"

namespace berth::api {

void Registry::Add(ResourceType t) {
  if (t.list_kind.empty()) t.list_kind = t.kind + "List";
  all_.push_back(std::make_shared<const ResourceType>(std::move(t)));
}

ResourceTypePtr Registry::Find(const std::string& group, const std::string& version,
                               const std::string& plural) const {
  for (const auto& t : all_) {
    if (t->group == group && t->version == version && t->plural == plural) return t;
  }
  return nullptr;
}

ResourceTypePtr Registry::FindKind(const std::string& group, const std::string& kind) const {
  for (const auto& t : all_) {
    if (t->group == group && t->kind == kind) return t;
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> Registry::GroupVersions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : all_) {
    std::pair<std::string, std::string> gv{t->group, t->version};
    bool seen = false;
    for (const auto& x : out) seen = seen || x == gv;
    if (!seen) out.push_back(gv);
  }
  return out;
}

}  // namespace berth::api
