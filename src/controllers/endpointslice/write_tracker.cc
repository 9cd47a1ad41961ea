#include "controllers/endpointslice/write_tracker.h"

#include <vector>

namespace berth::controllers::endpoints {

namespace {
int64_t ParseRv(const std::string& rv) {
  try {
    return rv.empty() ? 0 : std::stoll(rv);
  } catch (...) {
    return 0;
  }
}
}  // namespace

void WriteTracker::Wrote(const std::string& owner, const std::string& name,
                         const std::string& resource_version) {
  std::lock_guard<std::mutex> l(mu_);
  expected_[owner][name] = ParseRv(resource_version);
}

void WriteTracker::Deleted(const std::string& owner, const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  expected_[owner][name] = kDeleted;
}

void WriteTracker::ObservedDeletion(const std::string& owner, const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = expected_.find(owner);
  if (it == expected_.end()) return;
  it->second.erase(name);
  if (it->second.empty()) expected_.erase(it);
}

bool WriteTracker::Stale(const std::string& owner,
                         const std::function<controller::ObjectPtr(const std::string&)>& lookup,
                         const std::function<bool(const std::string&)>& gone) {
  std::map<std::string, int64_t> entries;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = expected_.find(owner);
    if (it == expected_.end()) return false;
    entries = it->second;
  }
  std::vector<std::string> reflected;
  bool stale = false;
  for (const auto& [name, rv] : entries) {
    controller::ObjectPtr cached = lookup(name);
    if (rv == kDeleted) {
      if (cached) {
        stale = true;
      } else {
        reflected.push_back(name);
      }
      continue;
    }
    if (cached) {
      if (ParseRv(GetString(*cached, {"metadata", "resourceVersion"})) >= rv) {
        reflected.push_back(name);
      } else {
        stale = true;
      }
    } else if (gone(name)) {
      reflected.push_back(name);
    } else {
      stale = true;
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  auto it = expected_.find(owner);
  if (it == expected_.end()) return stale;
  for (const auto& name : reflected) {
    // Only when nothing newer was recorded meanwhile (one worker per key, but be exact).
    auto e = it->second.find(name);
    if (e != it->second.end() && e->second == entries[name]) it->second.erase(e);
  }
  if (it->second.empty()) expected_.erase(it);
  return stale;
}

}  // namespace berth::controllers::endpoints
