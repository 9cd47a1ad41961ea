// The 409 Conflict server-side apply answers when an applied configuration
// would change fields other managers own, worded as kube-apiserver words it:
//   message  "Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1:
//   .spec.replicas" causes   [{type: FieldManagerConflict, message: "conflict with \"kubectl\"
//   using apps/v1",
//              field: ".spec.replicas"}]
// A manager is printed quoted, then ` with subresource "x"` when it wrote
// through a subresource, then ` using <apiVersion>` for Update managers
// (appliers are identified without their apiVersion).
// Pure; thread-safe; never throws.
#pragma once

#include <vector>

#include "api/apply/managed_fields.h"
#include "common/status.h"

namespace berth::api::apply {

struct ManagerConflict {
  const ManagerEntry* owner;  // the other manager's entry
  FieldSet fields;            // the contested fields it owns
};

// How a conflict names `owner`: "\"kubectl-scale\" using apps/v1".
std::string DescribeManager(const ManagerEntry& owner);

// Requires at least one conflicting field.
Status ApplyConflictStatus(const std::vector<ManagerConflict>& conflicts);

}  // namespace berth::api::apply
