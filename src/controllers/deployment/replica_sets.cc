#include "controllers/deployment/replica_sets.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "controllers/deployment/conditions.h"
#include "controllers/deployment/revision.h"
#include "controllers/deployment/rolling.h"

namespace berth::controllers::deployutil {

int64_t SpecReplicas(const json::object& obj) { return GetInt(obj, {"spec", "replicas"}, 1); }

int64_t StatusCount(const json::object& obj, const char* field) {
  return GetInt(obj, {"status", field}, 0);
}

int64_t SumSpecReplicas(const std::vector<RsPtr>& list) {
  int64_t n = 0;
  for (const auto& rs : list) {
    if (rs) n += SpecReplicas(*rs);
  }
  return n;
}

int64_t SumStatus(const std::vector<RsPtr>& list, const char* field) {
  int64_t n = 0;
  for (const auto& rs : list) {
    if (rs) n += StatusCount(*rs, field);
  }
  return n;
}

std::vector<RsPtr> FilterActive(const std::vector<RsPtr>& list) {
  std::vector<RsPtr> out;
  for (const auto& rs : list) {
    if (rs && SpecReplicas(*rs) > 0) out.push_back(rs);
  }
  return out;
}

namespace {

Clock::time_point CreatedAt(const json::object& obj) {
  Clock::time_point t{};
  ParseRfc3339(GetString(obj, {"metadata", "creationTimestamp"}), &t);
  return t;
}

bool OlderThan(const json::object& a, const json::object& b) {
  Clock::time_point ta = CreatedAt(a), tb = CreatedAt(b);
  if (ta != tb) return ta < tb;
  return GetString(a, {"metadata", "name"}) < GetString(b, {"metadata", "name"});
}

}  // namespace

void SortByCreation(std::vector<RsPtr>& list) {
  std::stable_sort(list.begin(), list.end(),
                   [](const RsPtr& a, const RsPtr& b) { return OlderThan(*a, *b); });
}

void SortByRevision(std::vector<RsPtr>& list) {
  std::stable_sort(list.begin(), list.end(), [](const RsPtr& a, const RsPtr& b) {
    int64_t ra = RevisionOf(*a), rb = RevisionOf(*b);
    if (ra != rb) return ra < rb;
    return OlderThan(*a, *b);
  });
}

void SortBySize(std::vector<RsPtr>& list, bool newer_first) {
  std::stable_sort(list.begin(), list.end(), [newer_first](const RsPtr& a, const RsPtr& b) {
    int64_t sa = SpecReplicas(*a), sb = SpecReplicas(*b);
    if (sa != sb) return sa > sb;
    return newer_first ? OlderThan(*b, *a) : OlderThan(*a, *b);
  });
}

int64_t NewRSNewReplicas(const json::object& d, const std::vector<RsPtr>& all,
                         const json::object& new_rs) {
  int64_t desired = SpecReplicas(d);
  if (!IsRollingUpdate(d)) return desired;
  int64_t max_total = desired + MaxSurge(d);
  int64_t current = SumSpecReplicas(all);
  int64_t new_replicas = SpecReplicas(new_rs);
  if (current >= max_total) return new_replicas;  // no room to surge
  int64_t up = std::min(max_total - current, desired - new_replicas);
  return new_replicas + std::max<int64_t>(up, 0);
}

bool IsSaturated(const json::object& d, const json::object* rs) {
  if (!rs) return false;
  int64_t desired = SpecReplicas(d);
  std::optional<int64_t> annotated = IntAnnotation(*rs, kDesiredReplicasAnnotation);
  return SpecReplicas(*rs) == desired && annotated && *annotated == desired &&
         StatusCount(*rs, "availableReplicas") == desired;
}

int64_t GetProportion(const json::object& d, const json::object& rs, int64_t to_add,
                      int64_t added) {
  int64_t size = SpecReplicas(rs);
  if (size == 0 || to_add == 0 || to_add == added) return 0;
  int64_t fraction;
  if (SpecReplicas(d) == 0) {
    fraction = -size;
  } else {
    int64_t deployment_replicas = SpecReplicas(d) + MaxSurge(d);
    int64_t annotated = IntAnnotation(rs, kMaxReplicasAnnotation)
                            .value_or(GetInt(d, {"status", "replicas"}, 0));
    if (annotated <= 0) {
      fraction = 0;
    } else {
      double scaled = static_cast<double>(size * deployment_replicas) /
                      static_cast<double>(annotated);
      fraction = static_cast<int64_t>(std::llround(scaled)) - size;
    }
  }
  int64_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

bool HasProgressDeadline(const json::object& d) {
  const json::value* v = GetPath(d, {"spec", "progressDeadlineSeconds"});
  if (!v || v->is_null()) return false;
  return GetInt(d, {"spec", "progressDeadlineSeconds"}) != INT32_MAX;
}

bool DeploymentComplete(const json::object& d, const json::object& st) {
  int64_t desired = SpecReplicas(d);
  return GetInt(st, {"updatedReplicas"}) == desired && GetInt(st, {"replicas"}) == desired &&
         GetInt(st, {"availableReplicas"}) == desired &&
         GetInt(st, {"observedGeneration"}) >= GetInt(d, {"metadata", "generation"}, 1);
}

bool DeploymentProgressing(const json::object& d, const json::object& st) {
  int64_t old_updated = GetInt(d, {"status", "updatedReplicas"});
  int64_t old_old = GetInt(d, {"status", "replicas"}) - old_updated;
  int64_t new_old = GetInt(st, {"replicas"}) - GetInt(st, {"updatedReplicas"});
  return GetInt(st, {"updatedReplicas"}) > old_updated || new_old < old_old ||
         GetInt(st, {"readyReplicas"}) > GetInt(d, {"status", "readyReplicas"}) ||
         GetInt(st, {"availableReplicas"}) > GetInt(d, {"status", "availableReplicas"});
}

bool DeploymentTimedOut(const json::object& d, const json::object& st, Clock::time_point now) {
  if (!HasProgressDeadline(d)) return false;
  const json::object* cond = GetCondition(st, "Progressing");
  if (!cond) return false;
  std::string reason = GetString(*cond, {"reason"});
  if (reason == "NewReplicaSetAvailable") return false;
  if (reason == "ProgressDeadlineExceeded") return true;
  Clock::time_point from{};
  if (!ParseRfc3339(GetString(*cond, {"lastUpdateTime"}), &from)) return false;
  return from + std::chrono::seconds(GetInt(d, {"spec", "progressDeadlineSeconds"})) < now;
}

}  // namespace berth::controllers::deployutil
