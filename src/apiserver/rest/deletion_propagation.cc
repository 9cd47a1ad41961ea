#include "apiserver/rest/deletion_propagation.h"

#include <algorithm>

namespace berth::apiserver {

namespace {

enum class Policy { kNone, kOrphan, kBackground, kForeground };

// The kinds Kubernetes still orphans by default in these API versions.
bool OrphansByDefault(const api::ResourceType& t) {
  if (t.group.empty() && t.version == "v1" && t.plural == "replicationcontrollers") return true;
  return t.group == "batch" && t.version == "v1" && t.plural == "jobs";
}

bool HasFinalizer(const json::object& meta, std::string_view f) {
  const json::value* fins = meta.if_contains("finalizers");
  if (!fins || !fins->is_array()) return false;
  for (const auto& v : fins->as_array()) {
    if (v.is_string() && v.get_string() == f) return true;
  }
  return false;
}

Policy ExplicitPolicy(const json::object& options) {
  if (const auto* o = options.if_contains("orphanDependents"); o && o->is_bool()) {
    return o->as_bool() ? Policy::kOrphan : Policy::kBackground;
  }
  std::string p = GetString(options, {"propagationPolicy"});
  if (p == "Orphan") return Policy::kOrphan;
  if (p == "Background") return Policy::kBackground;
  if (p == "Foreground") return Policy::kForeground;
  return Policy::kNone;
}

}  // namespace

void AddPropagationQuery(const Request& req, json::object* options) {
  if (auto p = req.Query("propagationPolicy"); p && !p->empty()) {
    (*options)["propagationPolicy"] = *p;
  }
  if (auto o = req.Query("orphanDependents"); o && !o->empty()) {
    (*options)["orphanDependents"] = *o == "true" || *o == "1";
  }
}

Status ValidatePropagation(const json::object& options) {
  const json::value* policy = options.if_contains("propagationPolicy");
  bool has_policy = policy && !policy->is_null();
  const json::value* orphan = options.if_contains("orphanDependents");
  bool has_orphan = orphan && !orphan->is_null();
  std::vector<Cause> causes;
  if (has_policy) {
    std::string p = policy->is_string() ? std::string(policy->get_string()) : ToJson(*policy);
    if (has_orphan) {
      causes.push_back({"FieldValueInvalid",
                        "Invalid value: \"" + p +
                            "\": orphanDependents and deletionPropagation cannot be both set",
                        "propagationPolicy"});
    } else if (p != "Orphan" && p != "Background" && p != "Foreground") {
      causes.push_back({"FieldValueNotSupported",
                        "Unsupported value: \"" + p +
                            "\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                        "propagationPolicy"});
    }
  }
  if (causes.empty()) return {};
  return InvalidError("DeleteOptions", "meta.k8s.io", "", std::move(causes));
}

std::optional<json::array> FinalizersForDeletion(const api::ResourceType& t,
                                                  const json::object& meta,
                                                  const json::object& options) {
  // An explicit choice wins; then a GC finalizer already on the object; then the kind's default.
  Policy p = ExplicitPolicy(options);
  if (p == Policy::kNone) {
    if (HasFinalizer(meta, kFinalizerOrphan)) {
      p = Policy::kOrphan;
    } else if (HasFinalizer(meta, kFinalizerForeground)) {
      p = Policy::kForeground;
    } else {
      p = OrphansByDefault(t) ? Policy::kOrphan : Policy::kBackground;
    }
  }
  json::array want;
  if (const json::value* fins = meta.if_contains("finalizers"); fins && fins->is_array()) {
    for (const auto& f : fins->as_array()) {
      if (f.is_string() && (f.get_string() == kFinalizerOrphan ||
                            f.get_string() == kFinalizerForeground)) {
        continue;
      }
      want.push_back(f);
    }
  }
  if (p == Policy::kOrphan) want.push_back(json::string(kFinalizerOrphan));
  if (p == Policy::kForeground) want.push_back(json::string(kFinalizerForeground));

  // Unchanged as a set: leave the object alone.
  json::array have;
  if (const json::value* fins = meta.if_contains("finalizers"); fins && fins->is_array()) {
    have = fins->as_array();
  }
  auto as_set = [](const json::array& a) {
    std::vector<std::string> v;
    for (const auto& x : a) v.push_back(x.is_string() ? std::string(x.get_string()) : ToJson(x));
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  if (as_set(have) == as_set(want)) return std::nullopt;
  return want;
}

}  // namespace berth::apiserver
