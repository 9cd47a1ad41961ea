#include "controllers/resourcequota/resource_quota_controller.h"

#include <optional>
#include <set>

#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::controllers {

namespace {

namespace quota = api::quota;

constexpr const char* kQuotaPath = "/api/v1/resourcequotas";

// The kinds quota counts from informers: (group, plural).
const std::vector<std::pair<std::string, std::string>> kTrackedKinds = {
    {"", "pods"},          {"", "services"},         {"", "configmaps"},
    {"", "secrets"},       {"", "replicationcontrollers"}, {"", "resourcequotas"},
    {"apps", "replicasets"}, {"apps", "deployments"}, {"apps", "statefulsets"},
    {"apps", "daemonsets"}, {"batch", "jobs"},        {"batch", "cronjobs"},
};

const api::ResourceType* FindType(const std::string& group, const std::string& plural) {
  for (const auto& t : api::BuiltinRegistry().All()) {
    if (t->group == group && t->plural == plural) return t.get();
  }
  return nullptr;
}

std::string CollectionPath(const api::ResourceType& t, const std::string& ns) {
  std::string base = t.group.empty() ? "/api/" + t.version : "/apis/" + t.group + "/" + t.version;
  return ns.empty() ? base + "/" + t.plural : base + "/namespaces/" + ns + "/" + t.plural;
}

// Resource names of PersistentVolumeClaims, which berth does not serve: always 0.
bool IsClaimResource(const std::string& name) {
  return name == "persistentvolumeclaims" || name == "requests.storage" ||
         name.find(".storageclass.storage.k8s.io/") != std::string::npos;
}

// When a chargeable terminating pod stops being charged (deletionTimestamp + grace).
std::optional<Clock::time_point> ChargeEnds(const json::object& pod) {
  std::string ts = GetString(pod, {"metadata", "deletionTimestamp"});
  const json::value* grace = GetPath(pod, {"metadata", "deletionGracePeriodSeconds"});
  Clock::time_point at;
  if (ts.empty() || !grace || !grace->is_number() || !ParseRfc3339(ts, &at)) return std::nullopt;
  return at + std::chrono::seconds(static_cast<int64_t>(grace->to_number<double>()));
}

bool SpecChanged(const json::object& a, const json::object& b) {
  const json::value* sa = GetPath(a, {"spec"});
  const json::value* sb = GetPath(b, {"spec"});
  if (!sa || !sb) return sa != sb;
  return *sa != *sb;
}

}  // namespace

ResourceQuotaController::ResourceQuotaController(const controller::Context& ctx,
                                                 ResourceQuotaOptions opts)
    : QueueController(ctx), opts_(opts), quotas_(ctx.informers->For(kQuotaPath)) {
  quotas_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& q) {
        EnqueueNamespace(GetString(*q, {"metadata", "namespace"}));
      },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& q) {
        bool own_write = false;
        {
          std::lock_guard<std::mutex> l(written_mu_);
          auto it = written_rv_.find(controller::KeyOf(*q));
          own_write = it != written_rv_.end() &&
                      it->second == GetString(*q, {"metadata", "resourceVersion"});
        }
        if (own_write || SpecChanged(*o, *q)) Enqueue(*q);
      },
      [this](const controller::ObjectPtr& q) {
        EnqueueNamespace(GetString(*q, {"metadata", "namespace"}));
      }});
  for (const auto& [group, plural] : kTrackedKinds) {
    const api::ResourceType* t = FindType(group, plural);
    if (!t) continue;  // not served by this build
    controller::Informer* inf =
        plural == "resourcequotas" ? quotas_ : ctx.informers->For(CollectionPath(*t, ""));
    tracked_.push_back(Tracked{plural, group, inf});
    if (inf == quotas_) continue;
    auto on_change = [this](const controller::ObjectPtr& o) {
      EnqueueNamespace(GetString(*o, {"metadata", "namespace"}));
    };
    // Updates matter only when they change what the object is charged or which scopes pick it.
    auto on_update = [this, g = group, p = plural](const controller::ObjectPtr& o,
                                                   const controller::ObjectPtr& n) {
      auto now = ctx_.clock->Now();
      bool differs = quota::ResourceListToJson(quota::UsageOf(p, g, *o, now)) !=
                     quota::ResourceListToJson(quota::UsageOf(p, g, *n, now));
      if (g.empty() && p == "pods") {
        differs = differs || SpecChanged(*o, *n) ||
                  GetString(*o, {"metadata", "deletionTimestamp"}) !=
                      GetString(*n, {"metadata", "deletionTimestamp"});
      }
      if (differs) EnqueueNamespace(GetString(*n, {"metadata", "namespace"}));
    };
    inf->AddHandler(controller::EventHandler{on_change, on_update, on_change});
  }
}

ResourceQuotaController::~ResourceQuotaController() { Stop(); }

void ResourceQuotaController::EnqueueNamespace(const std::string& ns) {
  for (const auto& q : quotas_->List(ns)) Enqueue(*q);
}

StatusOr<std::optional<quota::ResourceList>> ResourceQuotaController::ListedUsage(
    const std::string& ns, const std::string& name) {
  if (name.rfind("count/", 0) != 0) return std::optional<quota::ResourceList>();
  std::string res = name.substr(6);
  size_t dot = res.find('.');
  std::string plural = res.substr(0, dot);
  std::string group = dot == std::string::npos ? "" : res.substr(dot + 1);
  const api::ResourceType* t = FindType(group, plural);
  if (!t || !t->namespaced) return std::optional<quota::ResourceList>();
  auto list = ctx_.client->Get(CollectionPath(*t, ns));
  if (!list.ok()) return list.status();
  const json::value* items = GetPath(*list, {"items"});
  int64_t n = items && items->is_array() ? static_cast<int64_t>(items->get_array().size()) : 0;
  return std::optional(quota::ResourceList{{name, quota::Count(n)}});
}

Status ResourceQuotaController::Sync(const std::string& key) {
  controller::ObjectPtr q = quotas_->GetByKey(key);
  if (!q) return {};
  std::string ns = GetString(*q, {"metadata", "namespace"});
  std::string name = GetString(*q, {"metadata", "name"});
  const json::value* hard_json = GetPath(*q, {"spec", "hard"});
  quota::ResourceList hard = quota::ParseResourceList(hard_json);
  auto now = ctx_.clock->Now();

  quota::ResourceList used;
  bool listed = false;
  for (const auto& [res, limit] : hard) {
    bool fed = false;
    for (const auto& tr : tracked_) fed = fed || quota::Feeds(tr.plural, tr.group, res);
    if (fed || IsClaimResource(res)) {
      used[res] = quota::Count(0);
      continue;
    }
    auto lu = ListedUsage(ns, res);
    if (!lu.ok()) return lu.status();
    if (*lu) {
      quota::AddInto(used, **lu);
      listed = true;
    }
  }
  std::optional<Clock::time_point> next_change;
  for (const auto& tr : tracked_) {
    std::set<std::string> names;
    for (const auto& [res, limit] : hard) {
      if (quota::Feeds(tr.plural, tr.group, res)) names.insert(res);
    }
    if (names.empty()) continue;
    bool pods = tr.group.empty() && tr.plural == "pods";
    for (const auto& o : tr.informer->List(ns)) {
      if (!quota::QuotaApplies(*q, tr.plural, tr.group, *o)) continue;
      quota::ResourceList u = quota::UsageOf(tr.plural, tr.group, *o, now);
      for (auto it = u.begin(); it != u.end();) {
        it = names.count(it->first) ? std::next(it) : u.erase(it);
      }
      quota::AddInto(used, u);
      if (pods && quota::PodChargeable(*o, now)) {
        if (auto end = ChargeEnds(*o); end && (!next_change || *end < *next_change)) {
          next_change = end;
        }
      }
    }
  }

  json::object status{{"hard", hard_json && hard_json->is_object() ? *hard_json
                                                                  : json::value(json::object())},
                      {"used", quota::ResourceListToJson(used)}};
  const json::value* cur = GetPath(*q, {"status"});
  if (!cur || !cur->is_object() || cur->get_object() != status) {
    json::object obj = *q;
    obj["status"] = std::move(status);
    const api::ResourceType* t = FindType("", "resourcequotas");
    auto r = ctx_.client->Update(CollectionPath(*t, ns) + "/" + name + "/status", obj);
    if (!r.ok()) {
      if (r.status().reason() == Reason::kNotFound) return {};
      return r.status();
    }
    std::lock_guard<std::mutex> l(written_mu_);
    written_rv_[key] = GetString(*r, {"metadata", "resourceVersion"});
  }
  auto again = listed ? opts_.fast_resync : opts_.resync;
  std::chrono::nanoseconds delay = again;
  if (next_change) {
    auto until = *next_change - now + std::chrono::milliseconds(100);
    if (until < delay) delay = std::chrono::duration_cast<std::chrono::nanoseconds>(until);
  }
  queue_.AddAfter(key, delay);
  return {};
}

}  // namespace berth::controllers
