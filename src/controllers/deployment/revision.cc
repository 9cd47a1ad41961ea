#include "controllers/deployment/revision.h"

#include <charconv>
#include <system_error>

namespace berth::controllers::deployutil {

namespace {

const json::object* AnnotationsOf(const json::object& obj) {
  const json::value* a = GetPath(obj, {"metadata", "annotations"});
  return a && a->is_object() ? &a->as_object() : nullptr;
}

bool SkipCopy(std::string_view key) {
  return key == "kubectl.kubernetes.io/last-applied-configuration" ||
         key == kRevisionAnnotation || key == kRevisionHistoryAnnotation ||
         key == kDesiredReplicasAnnotation || key == kMaxReplicasAnnotation ||
         key == "deprecated.deployment.rollback.to";
}

}  // namespace

std::string AnnotationOf(const json::object& obj, const std::string& key) {
  const json::object* a = AnnotationsOf(obj);
  if (!a) return "";
  const json::value* v = a->if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

std::optional<int64_t> IntAnnotation(const json::object& obj, const std::string& key) {
  // Kubernetes parses revisions as int64 (strconv.ParseInt): up to 19 digits, sign allowed.
  std::string s = AnnotationOf(obj, key);
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(first, last, v);
  if (first == last || ec != std::errc() || end != last) return std::nullopt;
  return v;
}

int64_t RevisionOf(const json::object& obj) {
  return IntAnnotation(obj, kRevisionAnnotation).value_or(0);
}

bool SetAnnotation(json::object& obj, const std::string& key, const std::string& value) {
  json::value& md = obj["metadata"];
  if (!md.is_object()) md = json::object{};
  json::value& a = md.as_object()["annotations"];
  if (!a.is_object()) a = json::object{};
  json::value& slot = a.as_object()[key];
  if (slot.is_string() && slot.as_string() == value) return false;
  slot = value;
  return true;
}

bool CopyDeploymentAnnotations(const json::object& deployment, json::object& rs) {
  const json::object* a = AnnotationsOf(deployment);
  if (!a) return false;
  bool changed = false;
  for (const auto& kv : *a) {
    if (SkipCopy(kv.key()) || !kv.value().is_string()) continue;
    changed |= SetAnnotation(rs, std::string(kv.key()), std::string(kv.value().as_string()));
  }
  return changed;
}

bool SetReplicasAnnotations(json::object& rs, int64_t desired, int64_t max_replicas) {
  bool changed = SetAnnotation(rs, kDesiredReplicasAnnotation, std::to_string(desired));
  changed |= SetAnnotation(rs, kMaxReplicasAnnotation, std::to_string(max_replicas));
  return changed;
}

bool SetNewReplicaSetAnnotations(const json::object& deployment, json::object& rs,
                                 int64_t new_revision, bool exists, int64_t max_surge) {
  bool changed = CopyDeploymentAnnotations(deployment, rs);
  std::string old_text = AnnotationOf(rs, kRevisionAnnotation);
  std::optional<int64_t> old = IntAnnotation(rs, kRevisionAnnotation);
  if (!old_text.empty() && !old) return changed;  // a revision we cannot read: leave it alone
  int64_t old_revision = old.value_or(0);
  if (old_revision < new_revision) {
    changed |= SetAnnotation(rs, kRevisionAnnotation, std::to_string(new_revision));
    if (!old_text.empty()) {
      // Rolling back to this RS: remember the revisions it had before.
      std::string history = AnnotationOf(rs, kRevisionHistoryAnnotation);
      history = history.empty() ? old_text : history + "," + old_text;
      SetAnnotation(rs, kRevisionHistoryAnnotation, history);
    }
  }
  if (!exists) {
    int64_t replicas = GetInt(deployment, {"spec", "replicas"}, 1);
    changed |= SetReplicasAnnotations(rs, replicas, replicas + max_surge);
  }
  return changed;
}

}  // namespace berth::controllers::deployutil
