#include "controllers/deployment/pod_ranking.h"

#include <algorithm>

#include "controllers/common/pod_state.h"

namespace berth::controllers::deployutil {

namespace {

int PhaseRank(const json::object& pod) {
  std::string phase = GetString(pod, {"status", "phase"});
  if (phase == "Pending" || phase.empty()) return 0;
  if (phase == "Unknown") return 1;
  if (phase == "Running") return 2;
  return 3;
}

int64_t Restarts(const json::object& pod) {
  int64_t max = 0;
  const json::value* st = GetPath(pod, {"status", "containerStatuses"});
  if (st && st->is_array()) {
    for (const auto& c : st->as_array()) {
      if (c.is_object()) max = std::max(max, GetInt(c.as_object(), {"restartCount"}));
    }
  }
  return max;
}

Clock::time_point Created(const json::object& pod) {
  Clock::time_point t{};
  ParseRfc3339(GetString(pod, {"metadata", "creationTimestamp"}), &t);
  return t;
}

}  // namespace

bool DeleteBefore(const json::object& a, const json::object& b) {
  bool a_bound = !GetString(a, {"spec", "nodeName"}).empty();
  bool b_bound = !GetString(b, {"spec", "nodeName"}).empty();
  if (a_bound != b_bound) return !a_bound;
  int pa = PhaseRank(a), pb = PhaseRank(b);
  if (pa != pb) return pa < pb;
  bool ra = IsPodReady(a), rb = IsPodReady(b);
  if (ra != rb) return !ra;
  if (ra && rb) {
    Clock::time_point ta{}, tb{};
    PodReadySince(a, &ta);
    PodReadySince(b, &tb);
    if (ta != tb) return ta > tb;  // ready for less time goes first
  }
  int64_t ca = Restarts(a), cb = Restarts(b);
  if (ca != cb) return ca > cb;
  Clock::time_point ta = Created(a), tb = Created(b);
  if (ta != tb) return ta > tb;
  return GetString(a, {"metadata", "name"}) > GetString(b, {"metadata", "name"});
}

std::vector<controller::ObjectPtr> PodsToDelete(std::vector<controller::ObjectPtr> pods,
                                                size_t n) {
  std::stable_sort(pods.begin(), pods.end(),
                   [](const controller::ObjectPtr& a, const controller::ObjectPtr& b) {
                     return DeleteBefore(*a, *b);
                   });
  if (pods.size() > n) pods.resize(n);
  return pods;
}

}  // namespace berth::controllers::deployutil
