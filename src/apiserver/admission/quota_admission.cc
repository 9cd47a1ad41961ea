#include "apiserver/admission/quota_admission.h"

#include <functional>
#include <set>

#include "apiserver/rest/object_codec.h"
#include "common/json.h"

namespace berth::apiserver::admission {

namespace {

namespace json = boost::json;
using api::quota::ResourceList;

class LockGuard : public AdmissionGuard {
 public:
  explicit LockGuard(std::unique_lock<std::mutex> l) : lock_(std::move(l)) {}

 private:
  std::unique_lock<std::mutex> lock_;
};

std::string PrettyPrint(const ResourceList& l) {
  std::string out;
  for (const auto& [k, v] : l) {
    if (!out.empty()) out += ",";
    out += k + "=" + api::quota::QuantityText(v);
  }
  return out;
}

}  // namespace

std::optional<std::string> QuotaExceeded(const std::string& quota_name, const ResourceList& hard,
                                         const ResourceList& used, const ResourceList& delta) {
  ResourceList requested, failed_used, failed_hard;
  for (const auto& [k, d] : delta) {
    if (d.value == 0) continue;
    auto h = hard.find(k);
    if (h == hard.end()) continue;
    auto u = used.find(k);
    long double now = u == used.end() ? 0 : u->second.value;
    if (now + d.value > h->second.value) {
      requested[k] = d;
      failed_used[k] = u == used.end() ? api::quota::Count(0) : u->second;
      failed_hard[k] = h->second;
    }
  }
  if (requested.empty()) return std::nullopt;
  return "exceeded quota: " + quota_name + ", requested: " + PrettyPrint(requested) +
         ", used: " + PrettyPrint(failed_used) + ", limited: " + PrettyPrint(failed_hard);
}

std::mutex& QuotaAdmission::LockFor(const std::string& ns) {
  return stripes_[std::hash<std::string>{}(ns) % stripes_.size()];
}

StatusOr<std::unique_ptr<AdmissionGuard>> QuotaAdmission::Admit(const api::ResourceType& t,
                                                                 const json::object& obj) {
  if (!t.namespaced) return std::unique_ptr<AdmissionGuard>();
  std::string ns = GetString(obj, {"metadata", "namespace"});
  std::string name = GetString(obj, {"metadata", "name"});
  auto now = clock_->Now();
  ResourceList delta = api::quota::UsageOf(t.plural, t.group, obj, now);
  for (auto it = delta.begin(); it != delta.end();) {
    it = it->second.value == 0 ? delta.erase(it) : std::next(it);
  }
  // A quick look without the lock: most namespaces have no quota.
  auto listed = store_->List(ObjectPrefix(*quotas_, ns), "", 0);
  if (!listed.ok()) return listed.status();
  if (listed->kvs.empty()) return std::unique_ptr<AdmissionGuard>();

  std::unique_lock<std::mutex> lock(LockFor(ns));
  listed = store_->List(ObjectPrefix(*quotas_, ns), "", 0);
  if (!listed.ok()) return listed.status();
  std::optional<std::vector<json::object>> existing;  // same-kind objects, listed once
  for (const auto& kv : listed->kvs) {
    auto q = DecodeStored(kv);
    if (!q.ok()) continue;
    if (!api::quota::QuotaApplies(*q, t.plural, t.group, obj)) continue;
    ResourceList hard = api::quota::ParseResourceList(GetPath(*q, {"spec", "hard"}));
    std::set<std::string> names;
    for (const auto& [k, v] : hard) {
      if (api::quota::Feeds(t.plural, t.group, k)) names.insert(k);
    }
    if (names.empty()) continue;
    std::string qname = GetString(*q, {"metadata", "name"});
    if (t.group.empty() && t.plural == "pods") {
      std::string missing = api::quota::MissingPodConstraints(obj, names);
      if (!missing.empty()) {
        return ForbiddenFor(t, name, "failed quota: " + qname + ": must specify " + missing);
      }
    }
    bool touched = false;
    for (const auto& n : names) touched = touched || delta.count(n);
    if (!touched) continue;
    if (!existing) {
      existing.emplace();
      auto objs = store_->List(ObjectPrefix(t, ns), "", 0);
      if (!objs.ok()) return objs.status();
      for (const auto& okv : objs->kvs) {
        auto o = DecodeStored(t, okv);
        if (o.ok()) existing->push_back(std::move(*o));
      }
    }
    ResourceList used;
    for (const auto& o : *existing) {
      if (!api::quota::QuotaApplies(*q, t.plural, t.group, o)) continue;
      ResourceList u = api::quota::UsageOf(t.plural, t.group, o, now);
      for (auto it = u.begin(); it != u.end();) it = names.count(it->first) ? std::next(it) : u.erase(it);
      api::quota::AddInto(used, u);
    }
    if (auto msg = QuotaExceeded(qname, hard, used, delta)) return ForbiddenFor(t, name, *msg);
  }
  return std::unique_ptr<AdmissionGuard>(std::make_unique<LockGuard>(std::move(lock)));
}

}  // namespace berth::apiserver::admission
