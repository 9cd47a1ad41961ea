#include "controllers/disruption/disruption_controller.h"

#include <algorithm>
#include <map>

#include "api/selector/label_selector.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/disruption/budget_math.h"

namespace berth::controllers {

namespace {

constexpr const char* kPdbPath = "/apis/policy/v1/poddisruptionbudgets";
constexpr const char* kPodPath = "/api/v1/pods";
constexpr std::chrono::minutes kDeletionTimeout{2};

// policy/v1: an empty selector selects every pod of the namespace, a null one none.
bool Selects(const json::object& pdb, const json::object& pod) {
  const json::value* sel = GetPath(pdb, {"spec", "selector"});
  if (!sel || sel->is_null()) return false;
  auto s = api::selector::FromLabelSelectorJson(*sel);
  return s.ok() && s->Matches(LabelsOf(pod));
}

json::object Condition(bool allowed, const std::string& reason, const std::string& message,
                       int64_t generation) {
  return json::object{{"type", "DisruptionAllowed"},
                      {"status", allowed ? "True" : "False"},
                      {"reason", reason},
                      {"message", message},
                      {"observedGeneration", generation}};
}

// The status with `cond` merged into the existing conditions (lastTransitionTime kept while
// the status stays the same).
json::array MergeCondition(const json::object& pdb, json::object cond, const std::string& now) {
  json::array out;
  const json::value* existing = GetPath(pdb, {"status", "conditions"});
  bool placed = false;
  if (existing && existing->is_array()) {
    for (const auto& c : existing->as_array()) {
      if (GetString(c, {"type"}) != "DisruptionAllowed") {
        out.push_back(c);
        continue;
      }
      std::string ltt = GetString(c, {"lastTransitionTime"});
      bool same = GetString(c, {"status"}) == GetString(cond, {"status"});
      cond["lastTransitionTime"] = same && !ltt.empty() ? ltt : now;
      out.push_back(cond);
      placed = true;
    }
  }
  if (!placed) {
    cond["lastTransitionTime"] = now;
    out.push_back(std::move(cond));
  }
  return out;
}

}  // namespace

DisruptionController::DisruptionController(const controller::Context& ctx)
    : QueueController(ctx),
      pdbs_(ctx.informers->For(kPdbPath)),
      pods_(ctx.informers->For(kPodPath)),
      replicasets_(ctx.informers->For("/apis/apps/v1/replicasets")),
      deployments_(ctx.informers->For("/apis/apps/v1/deployments")),
      statefulsets_(ctx.informers->For("/apis/apps/v1/statefulsets")) {
  pdbs_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& o) { Enqueue(*o); },
      [this](const controller::ObjectPtr&, const controller::ObjectPtr& o) { Enqueue(*o); },
      [this](const controller::ObjectPtr&) {}});
  pods_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& p) { EnqueueBudgetsFor(*p); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& p) {
        if (LabelsOf(*o) != LabelsOf(*p)) EnqueueBudgetsFor(*o);
        EnqueueBudgetsFor(*p);
      },
      [this](const controller::ObjectPtr& p) { EnqueueBudgetsFor(*p); }});
  // Scale changes of the owners change expectedPods.
  auto owner_changed = [this](const controller::ObjectPtr& o) {
    std::string ns = GetString(*o, {"metadata", "namespace"});
    for (const auto& pdb : pdbs_->List(ns)) {
      if (BaseOf(*pdb) == BudgetBase::kControllerScale) Enqueue(*pdb);
    }
  };
  for (controller::Informer* inf : {replicasets_, deployments_, statefulsets_}) {
    inf->AddHandler(controller::EventHandler{
        owner_changed,
        [owner_changed](const controller::ObjectPtr& o, const controller::ObjectPtr& n) {
          if (GetInt(*o, {"spec", "replicas"}, 1) != GetInt(*n, {"spec", "replicas"}, 1)) {
            owner_changed(n);
          }
        },
        owner_changed});
  }
}

DisruptionController::~DisruptionController() { Stop(); }

void DisruptionController::EnqueueBudgetsFor(const json::object& pod) {
  std::string ns = GetString(pod, {"metadata", "namespace"});
  for (const auto& pdb : pdbs_->List(ns)) {
    if (Selects(*pdb, pod)) Enqueue(*pdb);
  }
}

StatusOr<int64_t> DisruptionController::ExpectedScale(
    const json::object& pdb, const std::vector<controller::ObjectPtr>& pods) {
  std::string ns = GetString(pdb, {"metadata", "namespace"});
  std::map<std::string, int64_t> scale_by_uid;
  std::vector<std::string> unmanaged;
  for (const auto& pod : pods) {
    const json::object* ref = ControllerRefOf(*pod);
    if (!ref) {
      unmanaged.push_back(GetString(*pod, {"metadata", "name"}));
      continue;
    }
    std::string uid = GetString(*ref, {"uid"});
    if (scale_by_uid.count(uid)) continue;
    std::string kind = GetString(*ref, {"kind"});
    std::string name = GetString(*ref, {"name"});
    bool found = false;
    if (kind == "ReplicaSet") {
      controller::ObjectPtr rs = replicasets_->Get(ns, name);
      if (rs && GetString(*rs, {"metadata", "uid"}) == uid) {
        found = true;
        const json::object* dref = ControllerRefOf(*rs);
        controller::ObjectPtr d = dref && GetString(*dref, {"kind"}) == "Deployment"
                                      ? deployments_->Get(ns, GetString(*dref, {"name"}))
                                      : nullptr;
        if (d && GetString(*d, {"metadata", "uid"}) == GetString(*dref, {"uid"})) {
          // Pods of every ReplicaSet of the Deployment count once, against its replicas.
          scale_by_uid[uid] = 0;
          scale_by_uid[GetString(*d, {"metadata", "uid"})] = GetInt(*d, {"spec", "replicas"}, 1);
        } else {
          scale_by_uid[uid] = GetInt(*rs, {"spec", "replicas"}, 1);
        }
      }
    } else if (kind == "StatefulSet") {
      controller::ObjectPtr ss = statefulsets_->Get(ns, name);
      if (ss && GetString(*ss, {"metadata", "uid"}) == uid) {
        found = true;
        scale_by_uid[uid] = GetInt(*ss, {"spec", "replicas"}, 1);
      }
    }
    if (!found)
      return InternalError("found no controllers for pod \"" +
                           GetString(*pod, {"metadata", "name"}) + "\"");
  }
  if (!unmanaged.empty() && ctx_.recorder) {
    const json::value* sel = GetPath(pdb, {"spec", "selector"});
    ctx_.recorder->Record(
        client::RefTo(pdb), "Warning", "UnmanagedPods",
        "Pods selected by this PodDisruptionBudget (selector: " +
            (sel ? api::selector::ToSelectorString(*sel) : std::string()) +
            ") were found to be unmanaged. As a result, the status of the PDB cannot be "
            "calculated correctly, which may result in undefined behavior. To account for these "
            "pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
  }
  int64_t total = 0;
  for (const auto& [uid, n] : scale_by_uid) total += n;
  return total;
}

Status DisruptionController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  controller::ObjectPtr pdb_ptr = pdbs_->Get(ns, name);
  if (!pdb_ptr) return {};
  const json::object& pdb = *pdb_ptr;
  Clock::time_point now = ctx_.clock->Now();
  std::string now_s = FormatRfc3339(now);
  int64_t generation = GetInt(pdb, {"metadata", "generation"}, 0);

  std::vector<controller::ObjectPtr> pods;
  for (const auto& p : pods_->List(ns)) {
    if (Selects(pdb, *p)) pods.push_back(p);
  }

  // Evictions not yet confirmed by a deletion.
  json::object disrupted;
  std::optional<Clock::time_point> recheck;
  if (const json::value* d = GetPath(pdb, {"status", "disruptedPods"}); d && d->is_object()) {
    for (const auto& [pod_name, when] : d->as_object()) {
      auto it = std::find_if(pods.begin(), pods.end(), [&](const controller::ObjectPtr& p) {
        return GetString(*p, {"metadata", "name"}) == std::string(pod_name);
      });
      if (it == pods.end() || IsBeingDeleted(**it)) continue;
      Clock::time_point at;
      if (!when.is_string() || !ParseRfc3339(std::string(when.get_string()), &at)) continue;
      Clock::time_point expires = at + kDeletionTimeout;
      if (expires < now) continue;
      disrupted[pod_name] = when;
      if (!recheck || expires < *recheck) recheck = expires;
    }
  }

  int64_t current = 0;
  for (const auto& p : pods) {
    if (IsBeingDeleted(*p)) continue;
    if (disrupted.contains(GetString(*p, {"metadata", "name"}))) continue;
    if (IsPodReady(*p)) ++current;
  }

  json::object status;
  bool has_min =
      GetPath(pdb, {"spec", "minAvailable"}) && !GetPath(pdb, {"spec", "minAvailable"})->is_null();
  bool has_max = GetPath(pdb, {"spec", "maxUnavailable"}) &&
                 !GetPath(pdb, {"spec", "maxUnavailable"})->is_null();
  StatusOr<int64_t> expected = int64_t{0};
  if (BaseOf(pdb) == BudgetBase::kControllerScale) {
    expected = ExpectedScale(pdb, pods);
  } else if (has_min) {
    expected = static_cast<int64_t>(pods.size());
  }
  StatusOr<int64_t> desired = expected.ok() ? DesiredHealthy(pdb, *expected) : expected.status();
  if (!expected.ok() || !desired.ok()) {
    // Fail safe: no disruptions while the budget cannot be computed.
    const Status& err = expected.ok() ? desired.status() : expected.status();
    status = json::object{
        {"observedGeneration", generation},
        {"disruptionsAllowed", 0},
        {"currentHealthy", current},
        {"desiredHealthy", GetInt(pdb, {"status", "desiredHealthy"}, 0)},
        {"expectedPods", GetInt(pdb, {"status", "expectedPods"}, 0)},
        {"conditions",
         MergeCondition(pdb, Condition(false, "SyncFailed", err.message(), generation), now_s)}};
  } else {
    (void)has_max;
    int64_t allowed = DisruptionsAllowed(current, *desired, *expected);
    status = json::object{
        {"observedGeneration", generation},
        {"disruptionsAllowed", allowed},
        {"currentHealthy", current},
        {"desiredHealthy", *desired},
        {"expectedPods", *expected},
        {"conditions",
         MergeCondition(pdb,
                        Condition(allowed > 0, allowed > 0 ? "SufficientPods" : "InsufficientPods",
                                  "", generation),
                        now_s)}};
  }
  if (!disrupted.empty()) status["disruptedPods"] = disrupted;

  if (recheck) {
    queue_.AddAfter(key, *recheck - now + std::chrono::seconds(1));
  }
  // Write only on change.
  json::object old_status;
  if (const json::value* s = pdb.if_contains("status"); s && s->is_object()) {
    old_status = s->as_object();
  }
  json::object cmp_old = old_status;
  if (auto* d = cmp_old.if_contains("disruptedPods");
      d && d->is_object() && d->as_object().empty()) {
    cmp_old.erase("disruptedPods");
  }
  if (cmp_old == status) return {};
  // A full status update (resourceVersion-checked) so that dropped disruptedPods entries go.
  json::object updated = pdb;
  updated["status"] = std::move(status);
  auto r = ctx_.client->Update(
      ObjectPath("/apis/policy/v1", ns, "poddisruptionbudgets", name) + "/status", updated);
  if (!r.ok()) return r.status();
  return {};
}

}  // namespace berth::controllers
