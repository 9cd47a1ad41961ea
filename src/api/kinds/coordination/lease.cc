// coordination.k8s.io/v1 Lease: schema, validation and Table printing.
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr LeaseSchema() {
  auto spec = Object(
      "io.k8s.api.coordination.v1.LeaseSpec", "Who holds a lease and until when.",
      {
          F("holderIdentity", String(), "The identity of the current holder.", 1),
          F("leaseDurationSeconds", Int32(),
            "How long, from the last renewTime, other candidates must wait before taking the "
            "lease over.",
            2),
          F("acquireTime", Time(), "When the current holder acquired the lease.", 3),
          F("renewTime", Time(), "When the current holder last renewed the lease.", 4),
          F("leaseTransitions", Int32(), "How many times the lease changed holders.", 5),
          F("strategy", String(),
            "How the leader is chosen under coordinated leader election (alpha).", 6),
          F("preferredHolder", String(),
            "Asks the holder to hand the lease over to this identity; needs strategy (alpha).",
            7),
      });
  return KindSchema("io.k8s.api.coordination.v1.Lease",
                    "Lease is a time-limited claim used for leader election and node "
                    "heartbeats.",
                    {F("spec", spec, "The holder and timing of the lease.", 2)});
}

std::vector<Cause> ValidateLease(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object* spec = ObjAt(obj, "spec");
  if (spec == nullptr) return out;
  if (std::optional<int64_t> d = IntAt(*spec, "leaseDurationSeconds"); d && *d <= 0) {
    out.push_back(InvalidCause("spec.leaseDurationSeconds", std::to_string(*d),
                               "must be greater than 0"));
  }
  CheckNonNegative(*spec, "leaseTransitions", "spec.leaseTransitions", out);
  if (Has(*spec, "preferredHolder") && !Has(*spec, "strategy")) {
    out.push_back(ForbiddenCause("spec.preferredHolder",
                                 "may only be specified if `strategy` is defined"));
  }
  (void)old;
  return out;
}

json::array LeaseRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  json::array row;
  row.emplace_back(ObjectName(obj));
  // kubectl prints an empty HOLDER (not <none>) for an unheld lease.
  row.emplace_back(spec != nullptr ? StrAt(*spec, "holderIdentity") : "");
  row.emplace_back(AgeCell(obj, ctx));
  return row;
}

}  // namespace

void RegisterCoordinationKinds(Registry& r) {
  ResourceType t;
  t.group = "coordination.k8s.io";
  t.version = "v1";
  t.kind = "Lease";
  t.plural = "leases";
  t.singular = "lease";
  t.schema = LeaseSchema();
  t.validate_fn = ValidateLease;
  t.columns = {
      NameColumn(),
      {"Holder", "string", "", "The identity of the current holder.", 0},
      AgeColumn(),
  };
  t.row_fn = LeaseRow;
  r.Add(std::move(t));
}

}  // namespace berth::api
