// The pods/eviction subresource (policy/v1 Eviction): a pod deletion that
// respects the PodDisruptionBudget covering the pod, as kube-apiserver's
// EvictionREST does and as `kubectl drain` uses it.
//
//  * Pods that are Pending, Succeeded, Failed or already being deleted are
//    deleted without looking at budgets.
//  * No matching budget: the pod is deleted. More than one: 500.
//  * One budget: a not-ready pod may go when the policy is AlwaysAllow, or
//    (IfHealthyBudget, the default) when the budget is currently met. Otherwise
//    the budget's status.disruptionsAllowed is checked and decremented and the
//    pod recorded in status.disruptedPods (compare-and-swap on the budget), or
//    429 TooManyRequests when no disruption is allowed.
//  * Before the delete the pod gets the DisruptionTarget=True condition.
#include "api/selector/label_selector.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

constexpr int kEvictionRetries = 10;
// kube refuses further evictions when this many are unconfirmed by the controller.
constexpr size_t kMaxDisruptedPods = 2000;

bool IsPodReady(const json::object& pod) {
  const json::value* conds = GetPath(pod, {"status", "conditions"});
  if (!conds || !conds->is_array()) return false;
  for (const auto& c : conds->as_array()) {
    if (GetString(c, {"type"}) == "Ready") return GetString(c, {"status"}) == "True";
  }
  return false;
}

bool CanIgnoreBudget(const json::object& pod) {
  std::string phase = GetString(pod, {"status", "phase"});
  return phase == "Succeeded" || phase == "Failed" || phase == "Pending" ||
         GetPath(pod, {"metadata", "deletionTimestamp"}) != nullptr;
}

bool ShouldEnforceResourceVersion(const json::object& pod) {
  std::string phase = GetString(pod, {"status", "phase"});
  return !(phase == "Succeeded" || phase == "Failed" ||
           GetPath(pod, {"metadata", "deletionTimestamp"}) != nullptr);
}

std::string PreconditionRv(const json::object& opts) {
  return GetString(opts, {"preconditions", "resourceVersion"});
}

void SetPreconditionRv(json::object& opts, const std::string& rv) {
  json::value& pre = opts["preconditions"];
  if (!pre.is_object()) pre = json::object();
  pre.as_object()["resourceVersion"] = rv;
}

Response SuccessCreated() {
  Response r;
  r.status = 201;
  r.body = json::serialize(json::object{{"kind", "Status"},
                                        {"apiVersion", "v1"},
                                        {"metadata", json::object()},
                                        {"status", "Success"},
                                        {"code", 201}});
  return r;
}

Status TooManyRequests(const std::string& cause_message, int retry_after) {
  StatusDetails d;
  d.retry_after_seconds = retry_after;
  d.causes.push_back({"DisruptionBudget", cause_message, ""});
  return Status(Reason::kTooManyRequests,
                "Cannot evict pod as it would violate the pod's disruption budget.", d);
}

// Sets condition `type` in status.conditions (lastTransitionTime changes only
// when the status does).
void SetCondition(json::object& obj, const json::object& cond, const std::string& now) {
  json::value& st = obj["status"];
  if (!st.is_object()) st = json::object();
  json::value& conds = st.as_object()["conditions"];
  if (!conds.is_array()) conds = json::array();
  std::string type = GetString(cond, {"type"});
  for (auto& c : conds.as_array()) {
    if (!c.is_object() || GetString(c, {"type"}) != type) continue;
    std::string ltt = GetString(c, {"lastTransitionTime"});
    bool same = GetString(c, {"status"}) == GetString(cond, {"status"});
    c = cond;
    c.as_object()["lastTransitionTime"] = same && !ltt.empty() ? ltt : now;
    return;
  }
  json::object n = cond;
  n["lastTransitionTime"] = now;
  conds.as_array().push_back(std::move(n));
}

struct StoredPdb {
  json::object obj;
  int64_t rev = 0;
};

}  // namespace

// Adds DisruptionTarget=True to the pod (one CAS), then deletes it with `opts`.
Status ResourceHandler::MarkAndDeletePod(const api::ResourceType& pods, const std::string& ns,
                                         const std::string& name, json::object opts, bool dry_run) {
  if (!dry_run) {
    const std::string key = ObjectKey(pods, ns, name);
    for (int attempt = 0;; ++attempt) {
      auto kv = store_->Get(key);
      if (!kv.ok()) {
        if (kv.status().reason() == Reason::kNotFound) return NotFound("pods", name);
        return kv.status();
      }
      auto pod = DecodeStored(*kv);
      if (!pod.ok()) return pod.status();
      std::string uid = GetString(opts, {"preconditions", "uid"});
      if (!uid.empty() && uid != GetString(*pod, {"metadata", "uid"})) {
        return ConflictError("Pod", name,
                             "the UID in the precondition (" + uid +
                                 ") does not match the UID in record (" +
                                 GetString(*pod, {"metadata", "uid"}) +
                                 "). The object might have been deleted and then recreated");
      }
      std::string rv = PreconditionRv(opts);
      if (!rv.empty() && rv != std::to_string(kv->mod_revision)) {
        return ConflictError("Pod", name,
                             "the ResourceVersion in the precondition (" + rv +
                                 ") does not match the ResourceVersion in record (" +
                                 std::to_string(kv->mod_revision) +
                                 "). The object might have been modified");
      }
      SetCondition(*pod,
                   json::object{{"type", "DisruptionTarget"},
                                {"status", "True"},
                                {"lastProbeTime", nullptr},
                                {"reason", "EvictionByEvictionAPI"},
                                {"message", "Eviction API: evicting"}},
                   FormatRfc3339(clock_->Now()));
      auto w = store_->Update(key, EncodeForStore(*pod), {kv->mod_revision});
      if (!w.ok()) {
        if (w.status().reason() == Reason::kConflict && rv.empty() && attempt < kEvictionRetries) {
          continue;
        }
        if (w.status().reason() == Reason::kConflict) {
          return ConflictError("pods", name,
                               "the object has been modified; please apply your changes to the "
                               "latest version and try again");
        }
        if (w.status().reason() == Reason::kNotFound) return NotFound("pods", name);
        return w.status();
      }
      if (!rv.empty()) SetPreconditionRv(opts, std::to_string(*w));
      break;
    }
  }
  bool deleted_now = false;
  auto r = DoDelete(pods, ns, name, opts, dry_run, &deleted_now);
  return r.ok() ? Status() : r.status();
}

Response ResourceHandler::Eviction(const RequestInfo& info, const api::ResourceType& pods,
                                   const Request& req) {
  auto body = DecodeSubresourceObject(req, info.verb, "Eviction", "policy/v1, Eviction");
  if (!body.ok()) return StatusResponse(body.status());
  const json::object& ev = *body;
  if (GetString(ev, {"metadata", "name"}) != info.name) {
    return StatusResponse(BadRequest("name in URL does not match name in Eviction object"));
  }
  std::string body_ns = GetString(ev, {"metadata", "namespace"});
  if (!body_ns.empty() && body_ns != info.namespace_) {
    return StatusResponse(BadRequest(
        "the namespace of the provided object does not match the namespace sent on the request"));
  }
  json::object options;
  if (const auto* d = ev.if_contains("deleteOptions"); d && d->is_object())
    options = d->as_object();
  bool dry_run = req.Query("dryRun").value_or("") == "All";
  if (auto* d = options.if_contains("dryRun"); d && d->is_array() && !d->as_array().empty()) {
    dry_run = true;
  }
  const std::string& ns = info.namespace_;
  const std::string& name = info.name;
  const bool caller_rv = !PreconditionRv(options).empty();

  // Pods that cannot count against a budget are deleted directly.
  json::object pod;
  int64_t pod_rev = 0;
  for (int attempt = 0;; ++attempt) {
    auto got = GetObject(pods, ns, name, &pod_rev);
    if (!got.ok()) return StatusResponse(got.status());
    pod = std::move(*got);
    if (!CanIgnoreBudget(pod)) break;
    json::object opts = options;
    if (ShouldEnforceResourceVersion(pod) && !caller_rv) {
      SetPreconditionRv(opts, std::to_string(pod_rev));
    }
    Status st = MarkAndDeletePod(pods, ns, name, std::move(opts), dry_run);
    if (st.ok()) return SuccessCreated();
    if (st.reason() == Reason::kConflict && !caller_rv && attempt < kEvictionRetries) continue;
    return StatusResponse(st);
  }

  // The budgets in the namespace that select this pod.
  std::vector<StoredPdb> pdbs;
  const api::ResourceType* pdb_type = registry_->Find("policy", "v1", "poddisruptionbudgets").get();
  if (pdb_type) {
    auto list = store_->List(ObjectPrefix(*pdb_type, ns), "", 0, 0);
    if (!list.ok()) return StatusResponse(list.status());
    const json::value* labels_v = GetPath(pod, {"metadata", "labels"});
    json::object labels =
        labels_v && labels_v->is_object() ? labels_v->as_object() : json::object();
    for (const auto& kv : list->kvs) {
      auto o = DecodeStored(kv);
      if (!o.ok()) continue;
      const json::value* sel_json = GetPath(*o, {"spec", "selector"});
      if (!sel_json) continue;
      auto sel = api::selector::FromLabelSelectorJson(*sel_json);
      // A nil or empty selector matches nothing here (as kube's eviction code).
      if (!sel.ok() || sel->Empty() || sel->IsNothing() || !sel->Matches(labels)) continue;
      pdbs.push_back({std::move(*o), kv.mod_revision});
    }
  }
  if (pdbs.size() > 1) {
    Response r;
    r.status = 500;
    r.body = json::serialize(json::object{
        {"kind", "Status"},
        {"apiVersion", "v1"},
        {"metadata", json::object()},
        {"status", "Failure"},
        {"message",
         "This pod has more than one PodDisruptionBudget, which the eviction subresource does "
         "not support."},
        {"code", 500}});
    return r;
  }

  bool pin_pod_version = false;
  if (pdbs.size() == 1) {
    StoredPdb pdb = std::move(pdbs.front());
    std::string pdb_name = GetString(pdb.obj, {"metadata", "name"});
    bool ready = IsPodReady(pod);
    std::string policy = GetString(pdb.obj, {"spec", "unhealthyPodEvictionPolicy"});
    int64_t current = GetInt(pdb.obj, {"status", "currentHealthy"}, 0);
    int64_t desired = GetInt(pdb.obj, {"status", "desiredHealthy"}, 0);
    if (!ready && policy == "AlwaysAllow") {
      pin_pod_version = true;
    } else if (!ready && current >= desired && desired > 0) {
      pin_pod_version = true;
    } else {
      const std::string key = ObjectKey(*pdb_type, ns, pdb_name);
      for (int attempt = 0;; ++attempt) {
        if (attempt > 0) {
          auto kv = store_->Get(key);
          if (!kv.ok()) {
            if (kv.status().reason() == Reason::kNotFound) {
              return StatusResponse(NotFound("poddisruptionbudgets.policy", pdb_name));
            }
            return StatusResponse(kv.status());
          }
          auto o = DecodeStored(*kv);
          if (!o.ok()) return StatusResponse(o.status());
          pdb = {std::move(*o), kv->mod_revision};
        }
        json::object& p = pdb.obj;
        if (GetInt(p, {"status", "observedGeneration"}, 0) <
            GetInt(p, {"metadata", "generation"}, 0)) {
          return StatusResponse(TooManyRequests(
              "The disruption budget " + pdb_name + " is still being processed by the server.",
              10));
        }
        int64_t allowed = GetInt(p, {"status", "disruptionsAllowed"}, 0);
        if (allowed < 0) {
          StatusDetails d;
          d.name = pdb_name;
          d.group = "policy";
          d.kind = "poddisruptionbudget";
          return StatusResponse(Status(Reason::kForbidden,
                                       "poddisruptionbudget.policy \"" + pdb_name +
                                           "\" is forbidden: pdb disruptions allowed is negative",
                                       d));
        }
        const json::value* disrupted = GetPath(p, {"status", "disruptedPods"});
        if (disrupted && disrupted->is_object() &&
            disrupted->as_object().size() > kMaxDisruptedPods) {
          StatusDetails d;
          d.name = pdb_name;
          d.group = "policy";
          d.kind = "poddisruptionbudget";
          return StatusResponse(Status(
              Reason::kForbidden,
              "poddisruptionbudget.policy \"" + pdb_name +
                  "\" is forbidden: DisruptedPods map too big - too many evictions not confirmed "
                  "by PDB controller",
              d));
        }
        if (allowed == 0) {
          return StatusResponse(TooManyRequests(
              "The disruption budget " + pdb_name + " needs " +
                  std::to_string(GetInt(p, {"status", "desiredHealthy"}, 0)) +
                  " healthy pods and has " +
                  std::to_string(GetInt(p, {"status", "currentHealthy"}, 0)) + " currently",
              0));
        }
        if (dry_run) break;
        std::string now = FormatRfc3339(clock_->Now());
        json::value& st = p["status"];
        if (!st.is_object()) st = json::object();
        json::object& so = st.as_object();
        so["disruptionsAllowed"] = allowed - 1;
        if (allowed - 1 == 0) {
          SetCondition(
              p,
              json::object{{"type", "DisruptionAllowed"},
                           {"status", "False"},
                           {"reason", "InsufficientPods"},
                           {"message", ""},
                           {"observedGeneration", GetInt(p, {"status", "observedGeneration"}, 0)}},
              now);
        }
        json::value& dp = so["disruptedPods"];
        if (!dp.is_object()) dp = json::object();
        dp.as_object()[name] = now;
        auto w = store_->Update(key, EncodeForStore(p), {pdb.rev});
        if (w.ok()) break;
        if (w.status().reason() == Reason::kConflict && attempt < kEvictionRetries) continue;
        if (w.status().reason() == Reason::kConflict) {
          return StatusResponse(Status(Reason::kTimeout, "couldn't update PodDisruptionBudget \"" +
                                                             pdb_name + "\" due to conflicts"));
        }
        return StatusResponse(w.status());
      }
    }
  }

  json::object opts = options;
  if (pin_pod_version && !caller_rv) SetPreconditionRv(opts, std::to_string(pod_rev));
  Status st = MarkAndDeletePod(pods, ns, name, std::move(opts), dry_run);
  if (!st.ok()) return StatusResponse(st);
  return SuccessCreated();
}

}  // namespace berth::apiserver
