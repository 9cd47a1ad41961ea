// LimitRanger defaulting and checks (see limit_range_rules.h).
#include "apiserver/admission/limit_range_rules.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "api/kinds/core/quota.h"
#include "common/json.h"

namespace berth::apiserver::admission {

namespace {

namespace json = boost::json;
using api::quota::ParseResourceList;
using api::quota::QuantityText;
using api::quota::ResourceList;

// Each LimitRangeItem of the given type across the namespace's LimitRanges.
std::vector<const json::object*> ItemsOfType(const std::vector<json::object>& lrs,
                                             const std::string& type) {
  std::vector<const json::object*> out;
  for (const auto& lr : lrs) {
    const json::value* limits = GetPath(lr, {"spec", "limits"});
    if (!limits || !limits->is_array()) continue;
    for (const auto& item : limits->get_array()) {
      if (item.is_object() && GetString(item, {"type"}) == type) out.push_back(&item.get_object());
    }
  }
  return out;
}

json::object& EnsureMap(json::object& o, const char* key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Fills one container's missing requests/limits; appends what it set to `notes`.
void MergeDefaults(json::object& c, const json::object& defaults_limits,
                   const json::object& defaults_requests, const std::string& what,
                   std::vector<std::string>* notes) {
  json::object& res = EnsureMap(c, "resources");
  std::vector<std::string> set_limits, set_requests;
  if (!defaults_limits.empty()) {
    json::object& limits = EnsureMap(res, "limits");
    for (const auto& kv : defaults_limits) {
      if (limits.contains(kv.key())) continue;
      limits[kv.key()] = kv.value();
      set_limits.emplace_back(kv.key());
    }
    if (limits.empty()) res.erase("limits");
  }
  if (!defaults_requests.empty()) {
    json::object& requests = EnsureMap(res, "requests");
    for (const auto& kv : defaults_requests) {
      if (requests.contains(kv.key())) continue;
      requests[kv.key()] = kv.value();
      set_requests.emplace_back(kv.key());
    }
    if (requests.empty()) res.erase("requests");
  }
  if (res.empty()) c.erase("resources");
  std::string name = GetString(c, {"name"});
  std::sort(set_requests.begin(), set_requests.end());
  std::sort(set_limits.begin(), set_limits.end());
  if (!set_requests.empty()) {
    notes->push_back(Join(set_requests, ", ") + " request for " + what + " " + name);
  }
  if (!set_limits.empty()) {
    notes->push_back(Join(set_limits, ", ") + " limit for " + what + " " + name);
  }
}

int64_t Milli(const api::validation::Quantity& q) { return q.MilliValue(); }

void MinConstraint(const std::string& type, const std::string& res,
                   const api::validation::Quantity& enforced, const ResourceList& req,
                   const ResourceList& lim, std::vector<std::string>* out) {
  auto r = req.find(res);
  auto l = lim.find(res);
  std::string e = QuantityText(enforced);
  if (r == req.end()) {
    out->push_back("minimum " + res + " usage per " + type + " is " + e +
                   ".  No request is specified");
  } else if (Milli(r->second) < Milli(enforced)) {
    out->push_back("minimum " + res + " usage per " + type + " is " + e + ", but request is " +
                   QuantityText(r->second));
  } else if (l != lim.end() && Milli(l->second) < Milli(enforced)) {
    out->push_back("minimum " + res + " usage per " + type + " is " + e + ", but limit is " +
                   QuantityText(l->second));
  }
}

void MaxConstraint(const std::string& type, const std::string& res,
                   const api::validation::Quantity& enforced, const ResourceList& req,
                   const ResourceList& lim, std::vector<std::string>* out) {
  auto r = req.find(res);
  auto l = lim.find(res);
  std::string e = QuantityText(enforced);
  if (l == lim.end()) {
    out->push_back("maximum " + res + " usage per " + type + " is " + e +
                   ".  No limit is specified");
  } else if (Milli(l->second) > Milli(enforced)) {
    out->push_back("maximum " + res + " usage per " + type + " is " + e + ", but limit is " +
                   QuantityText(l->second));
  } else if (r != req.end() && Milli(r->second) > Milli(enforced)) {
    out->push_back("maximum " + res + " usage per " + type + " is " + e + ", but request is " +
                   QuantityText(r->second));
  }
}

void RatioConstraint(const std::string& type, const std::string& res,
                     const api::validation::Quantity& enforced, const ResourceList& req,
                     const ResourceList& lim, std::vector<std::string>* out) {
  auto r = req.find(res);
  auto l = lim.find(res);
  std::string e = QuantityText(enforced);
  std::string prefix = res + " max limit to request ratio per " + type + " is " + e;
  if (r == req.end() || Milli(r->second) == 0) {
    out->push_back(prefix + ", but no request is specified or request is 0");
    return;
  }
  if (l == lim.end() || Milli(l->second) == 0) {
    out->push_back(prefix + ", but no limit is specified or limit is 0");
    return;
  }
  long double ratio = static_cast<long double>(Milli(l->second)) / Milli(r->second);
  if (ratio * 1000.0L > static_cast<long double>(Milli(enforced))) {
    char buf[64];
    snprintf(buf, sizeof buf, "%f", static_cast<double>(ratio));
    out->push_back(prefix + ", but provided ratio is " + buf);
  }
}

void CheckItem(const json::object& item, const std::string& type, const ResourceList& req,
               const ResourceList& lim, std::vector<std::string>* out) {
  for (const auto& [k, v] : ParseResourceList(item.if_contains("min"))) {
    MinConstraint(type, k, v, req, lim, out);
  }
  for (const auto& [k, v] : ParseResourceList(item.if_contains("max"))) {
    MaxConstraint(type, k, v, req, lim, out);
  }
  for (const auto& [k, v] : ParseResourceList(item.if_contains("maxLimitRequestRatio"))) {
    RatioConstraint(type, k, v, req, lim, out);
  }
}

void ContainerLists(const json::object& c, ResourceList* req, ResourceList* lim) {
  *req = ParseResourceList(GetPath(c, {"resources", "requests"}));
  *lim = ParseResourceList(GetPath(c, {"resources", "limits"}));
}

}  // namespace

void ApplyLimitRangeDefaults(json::object& pod, const std::vector<json::object>& limit_ranges) {
  json::object def_limits, def_requests;
  for (const json::object* item : ItemsOfType(limit_ranges, "Container")) {
    if (const json::value* d = item->if_contains("default"); d && d->is_object()) {
      for (const auto& kv : d->get_object()) def_limits[kv.key()] = kv.value();
    }
    if (const json::value* d = item->if_contains("defaultRequest"); d && d->is_object()) {
      for (const auto& kv : d->get_object()) def_requests[kv.key()] = kv.value();
    }
  }
  if (def_limits.empty() && def_requests.empty()) return;
  json::value* spec = pod.if_contains("spec");
  if (!spec || !spec->is_object()) return;
  std::vector<std::string> notes;
  for (const auto& [key, what] :
       {std::pair{"containers", "container"}, std::pair{"initContainers", "init container"}}) {
    json::value* cs = spec->get_object().if_contains(key);
    if (!cs || !cs->is_array()) continue;
    for (auto& c : cs->get_array()) {
      if (c.is_object()) MergeDefaults(c.get_object(), def_limits, def_requests, what, &notes);
    }
  }
  if (notes.empty()) return;
  json::object& meta = EnsureMap(pod, "metadata");
  EnsureMap(meta, "annotations")["kubernetes.io/limit-ranger"] =
      "LimitRanger plugin set: " + Join(notes, "; ");
}

std::vector<std::string> LimitRangeViolations(const json::object& pod,
                                              const std::vector<json::object>& limit_ranges) {
  std::vector<std::string> out;
  const json::value* spec = pod.if_contains("spec");
  if (!spec || !spec->is_object()) return out;
  const json::object& s = spec->get_object();
  auto containers = [&](const char* key) {
    std::vector<const json::object*> v;
    if (const json::value* cs = s.if_contains(key); cs && cs->is_array()) {
      for (const auto& c : cs->get_array()) {
        if (c.is_object()) v.push_back(&c.get_object());
      }
    }
    return v;
  };
  for (const json::object* item : ItemsOfType(limit_ranges, "Container")) {
    for (const char* key : {"containers", "initContainers"}) {
      for (const json::object* c : containers(key)) {
        ResourceList req, lim;
        ContainerLists(*c, &req, &lim);
        CheckItem(*item, "Container", req, lim, &out);
      }
    }
  }
  auto pod_items = ItemsOfType(limit_ranges, "Pod");
  if (!pod_items.empty()) {
    ResourceList req, lim;
    for (const json::object* c : containers("containers")) {
      ResourceList r, l;
      ContainerLists(*c, &r, &l);
      api::quota::AddInto(req, r);
      api::quota::AddInto(lim, l);
    }
    for (const json::object* c : containers("initContainers")) {
      ResourceList r, l;
      ContainerLists(*c, &r, &l);
      for (auto [mine, theirs] : {std::pair<ResourceList*, ResourceList*>{&req, &r},
                                   std::pair<ResourceList*, ResourceList*>{&lim, &l}}) {
        for (const auto& [k, v] : *theirs) {
          auto it = mine->find(k);
          if (it == mine->end() || v.value > it->second.value) (*mine)[k] = v;
        }
      }
    }
    for (const json::object* item : pod_items) CheckItem(*item, "Pod", req, lim, &out);
  }
  std::vector<std::string> unique;
  for (auto& m : out) {
    if (std::find(unique.begin(), unique.end(), m) == unique.end()) unique.push_back(m);
  }
  return unique;
}

std::string AggregateMessage(const std::vector<std::string>& messages) {
  if (messages.size() == 1) return messages[0];
  return "[" + Join(messages, ", ") + "]";
}

}  // namespace berth::apiserver::admission
