// core/v1 LimitRange: schema, kube's defaulting of container items, validation
// and Table printing. The LimitRanger admission step (apiserver/admission/)
// applies it to pods.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/core/quota.h"
#include "api/kinds/kinds.h"
#include "common/json.h"

namespace berth::api::core {

namespace {

SchemaPtr LimitRangeSchema() {
  auto item = CoreObject(
      "LimitRangeItem", "Constraints and defaults for one kind of object.",
      {
          Req("type", String(), "What the item constrains: Container, Pod or PersistentVolumeClaim.",
              1),
          F("max", MapOf(Quantity()), "The most of each resource one object may use.", 2),
          F("min", MapOf(Quantity()), "The least of each resource one object must ask for.", 3),
          F("default", MapOf(Quantity()), "Limits given to containers that set none.", 4),
          F("defaultRequest", MapOf(Quantity()), "Requests given to containers that set none.",
            5),
          F("maxLimitRequestRatio", MapOf(Quantity()),
            "The largest allowed limit / request ratio per resource.", 6),
      });
  auto spec = CoreObject("LimitRangeSpec", "The limit items.",
                         {Req("limits", ListOf(item), "The items.", 1)});
  return KindSchema("io.k8s.api.core.v1.LimitRange",
                    "Resource constraints and defaults for objects of one namespace.",
                    {F("spec", spec, "The limits.", 2)});
}

json::object* MutableMap(json::object& o, const char* key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return &v.get_object();
}

// kube's SetDefaults_LimitRangeItem: default <- max, defaultRequest <- default, then min.
void DefaultLimitRange(json::object& lr) {
  json::value* limits = nullptr;
  if (auto* spec = lr.if_contains("spec"); spec && spec->is_object()) {
    limits = spec->get_object().if_contains("limits");
  }
  if (!limits || !limits->is_array()) return;
  for (auto& iv : limits->get_array()) {
    if (!iv.is_object()) continue;
    json::object& item = iv.get_object();
    if (StringAt(item, "type") != "Container") continue;
    // Both maps exist before taking pointers: inserting a key may move the others.
    MutableMap(item, "default");
    MutableMap(item, "defaultRequest");
    json::object* def = &item["default"].get_object();
    json::object* req = &item["defaultRequest"].get_object();
    if (const json::object* max = ObjectAt(item, "max")) {
      for (const auto& kv : *max) {
        if (!def->contains(kv.key())) (*def)[kv.key()] = kv.value();
      }
    }
    for (const auto& kv : *def) {
      if (!req->contains(kv.key())) (*req)[kv.key()] = kv.value();
    }
    if (const json::object* min = ObjectAt(item, "min")) {
      for (const auto& kv : *min) {
        if (!req->contains(kv.key())) (*req)[kv.key()] = kv.value();
      }
    }
    if (def->empty()) item.erase("default");
    if (req->empty()) item.erase("defaultRequest");
  }
}

std::string Text(const validation::Quantity& q) { return quota::QuantityText(q); }

void ValidateItem(std::vector<Cause>& out, const json::object& item, const std::string& path) {
  std::string type = StringAt(item, "type");
  static const std::vector<std::string> kTypes = {"Pod", "Container", "PersistentVolumeClaim"};
  if (type.empty()) {
    out.push_back(RequiredCause(path + ".type"));
  } else if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
    out.push_back(NotSupportedCause(path + ".type", json::value(type), kTypes));
  }
  if (type == "Pod") {
    for (const char* k : {"default", "defaultRequest"}) {
      const json::object* m = ObjectAt(item, k);
      if (m && !m->empty()) {
        out.push_back(ForbiddenCause(path + "." + k, "may not be specified when `type` is 'Pod'"));
      }
    }
  }
  auto list = [&](const char* k) { return quota::ParseResourceList(item.if_contains(k)); };
  for (const char* k : {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"}) {
    const json::object* m = ObjectAt(item, k);
    if (!m) continue;
    for (const auto& kv : *m) {
      std::string text = kv.value().is_string() ? std::string(kv.value().get_string())
                                                : json::serialize(kv.value());
      auto q = validation::ParseQuantity(text);
      std::string field = path + "." + k + "[" + std::string(kv.key()) + "]";
      if (!q) {
        out.push_back(InvalidCause(field, kv.value(), "must be a valid quantity"));
      } else if (q->value < 0) {
        out.push_back(InvalidCause(field, json::value(text), "must be greater than or equal to 0"));
      }
    }
  }
  quota::ResourceList max = list("max"), min = list("min"), def = list("default"),
                      defreq = list("defaultRequest"), ratio = list("maxLimitRequestRatio");
  std::set<std::string> keys;
  for (const auto* l : {&max, &min, &def, &defreq, &ratio}) {
    for (const auto& kv : *l) keys.insert(kv.first);
  }
  for (const auto& k : keys) {
    auto has = [&](const quota::ResourceList& l) { return l.count(k) > 0; };
    std::string f = "[" + k + "]";
    if (has(min) && has(max) && min[k].value > max[k].value) {
      out.push_back(InvalidCause(path + ".min" + f, json::value(Text(min[k])),
                                 "min value " + Text(min[k]) + " is greater than max value " +
                                     Text(max[k])));
    }
    if (has(defreq) && has(min) && min[k].value > defreq[k].value) {
      out.push_back(InvalidCause(path + ".defaultRequest" + f, json::value(Text(defreq[k])),
                                 "min value " + Text(min[k]) +
                                     " is greater than default request value " +
                                     Text(defreq[k])));
    }
    if (has(defreq) && has(max) && defreq[k].value > max[k].value) {
      out.push_back(InvalidCause(path + ".defaultRequest" + f, json::value(Text(defreq[k])),
                                 "default request value " + Text(defreq[k]) +
                                     " is greater than max value " + Text(max[k])));
    }
    if (has(def) && has(min) && min[k].value > def[k].value) {
      out.push_back(InvalidCause(path + ".default" + f, json::value(Text(min[k])),
                                 "min value " + Text(min[k]) + " is greater than default value " +
                                     Text(def[k])));
    }
    if (has(def) && has(max) && def[k].value > max[k].value) {
      out.push_back(InvalidCause(path + ".default" + f, json::value(Text(max[k])),
                                 "default value " + Text(def[k]) +
                                     " is greater than max value " + Text(max[k])));
    }
    if (has(defreq) && has(def) && defreq[k].value > def[k].value) {
      out.push_back(InvalidCause(path + ".defaultRequest" + f, json::value(Text(defreq[k])),
                                 "default request value " + Text(defreq[k]) +
                                     " is greater than default limit value " + Text(def[k])));
    }
    if (has(ratio) && ratio[k].value < 1000) {
      out.push_back(InvalidCause(path + ".maxLimitRequestRatio" + f, json::value(Text(ratio[k])),
                                 "ratio " + Text(ratio[k]) + " is less than 1"));
    }
    if (has(ratio) && has(max) && has(min) && min[k].value > 0) {
      long double max_ratio = max[k].value / min[k].value;
      if (ratio[k].value / 1000.0L > max_ratio) {
        char buf[64];
        snprintf(buf, sizeof buf, "%f", static_cast<double>(max_ratio));
        out.push_back(InvalidCause(path + ".maxLimitRequestRatio" + f,
                                   json::value(Text(ratio[k])),
                                   "ratio " + Text(ratio[k]) + " is greater than max/min = " +
                                       buf));
      }
    }
  }
}

std::vector<Cause> ValidateLimitRange(const json::object& lr, const json::object*) {
  std::vector<Cause> out;
  const json::object* spec = ObjectAt(lr, "spec");
  const json::array* limits = spec ? ArrayAt(*spec, "limits") : nullptr;
  std::set<std::string> types;
  for (size_t i = 0; limits && i < limits->size(); ++i) {
    if (!(*limits)[i].is_object()) continue;
    const json::object& item = (*limits)[i].get_object();
    std::string path = "spec.limits[" + std::to_string(i) + "]";
    std::string type = StringAt(item, "type");
    if (!type.empty() && !types.insert(type).second) {
      out.push_back(DuplicateCause(path + ".type", json::value(type)));
    }
    ValidateItem(out, item, path);
  }
  return out;
}

}  // namespace

ResourceType LimitRangeType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "LimitRange";
  t.plural = "limitranges";
  t.singular = "limitrange";
  t.short_names = {"limits"};
  t.generation_tracks_spec = false;
  t.schema = LimitRangeSchema();
  t.default_fn = DefaultLimitRange;
  t.validate_fn = ValidateLimitRange;
  t.columns = {NameColumn(),
               {"Created At", "date", "", "When the object was created (RFC 3339).", 0}};
  t.row_fn = [](const json::object& lr, const HookContext&) {
    return json::array{json::value(StringAtPath(lr, {"metadata", "name"})),
                       json::value(StringAtPath(lr, {"metadata", "creationTimestamp"}))};
  };
  return t;
}

}  // namespace berth::api::core
