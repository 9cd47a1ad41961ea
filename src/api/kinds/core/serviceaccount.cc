// core/v1 ServiceAccount.
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

ResourceType ServiceAccountType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "ServiceAccount";
  t.plural = "serviceaccounts";
  t.singular = "serviceaccount";
  t.short_names = {"sa"};
  t.generation_tracks_spec = false;
  t.schema = KindSchema(
      "io.k8s.api.core.v1.ServiceAccount", "An identity that processes in pods run as.",
      {
          F("secrets", ListMap(ObjectReferenceSchema(), {"name"}),
            "Secrets pods of this account may use.", 2),
          F("imagePullSecrets", ListOf(LocalObjectReferenceSchema()),
            "Secrets added to pods of this account for image pulls.", 3),
          F("automountServiceAccountToken", Bool(),
            "Whether pods mount an API token for this account by default.", 4),
      });
  t.validate_fn = [](const json::object&, const json::object*) { return std::vector<Cause>{}; };
  t.columns = {NameColumn(), {"Secrets", "integer", "", "Number of listed secrets.", 0},
               AgeColumn()};
  t.row_fn = [](const json::object& sa, const HookContext& ctx) {
    const json::array* secrets = ArrayAt(sa, "secrets");
    return json::array{json::value(StringAtPath(sa, {"metadata", "name"})),
                       json::value(static_cast<int64_t>(secrets ? secrets->size() : 0)),
                       json::value(AgeCell(sa, ctx))};
  };
  return t;
}

}  // namespace berth::api::core
