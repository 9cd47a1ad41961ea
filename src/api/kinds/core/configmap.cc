// core/v1 ConfigMap.
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

namespace {

std::vector<Cause> ValidateConfigMap(const json::object& cm, const json::object* old) {
  std::vector<Cause> out;
  const json::object* data = ObjectAt(cm, "data");
  const json::object* binary = ObjectAt(cm, "binaryData");
  size_t total = 0;
  if (data) {
    for (const auto& kv : *data) {
      std::string key(kv.key());
      AppendInvalid(out, "data[" + key + "]", json::value(key), ConfigMapKeyProblems(key));
      if (kv.value().is_string()) total += kv.value().get_string().size() + key.size();
    }
  }
  if (binary) {
    for (const auto& kv : *binary) {
      std::string key(kv.key());
      AppendInvalid(out, "binaryData[" + key + "]", json::value(key), ConfigMapKeyProblems(key));
      if (data && data->contains(kv.key())) {
        out.push_back(InvalidCause("binaryData[" + key + "]", json::value(key),
                                   "duplicate of key present in data"));
      }
      if (kv.value().is_string()) total += kv.value().get_string().size() + key.size();
    }
  }
  if (total > 1024 * 1024) {
    out.push_back({"FieldValueTooLong", "Too long: must have at most 1048576 bytes", ""});
  }
  ValidateImmutableData(out, cm, old);
  return out;
}

}  // namespace

ResourceType ConfigMapType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "ConfigMap";
  t.plural = "configmaps";
  t.singular = "configmap";
  t.short_names = {"cm"};
  t.generation_tracks_spec = false;
  t.schema = KindSchema(
      "io.k8s.api.core.v1.ConfigMap", "Non-secret configuration data for pods to consume.",
      {
          F("data", StringMap(), "UTF-8 configuration values by key.", 2),
          F("binaryData", MapOf(Bytes()), "Binary configuration values by key.", 3),
          F("immutable", Bool(), "When true, data can no longer be changed.", 4),
      });
  t.validate_fn = ValidateConfigMap;
  t.columns = {NameColumn(), {"Data", "integer", "", "Number of data entries.", 0}, AgeColumn()};
  t.row_fn = [](const json::object& cm, const HookContext& ctx) {
    const json::object* data = ObjectAt(cm, "data");
    const json::object* binary = ObjectAt(cm, "binaryData");
    int64_t n = static_cast<int64_t>((data ? data->size() : 0) + (binary ? binary->size() : 0));
    return json::array{json::value(StringAtPath(cm, {"metadata", "name"})), json::value(n),
                       json::value(AgeCell(cm, ctx))};
  };
  return t;
}

}  // namespace berth::api::core
