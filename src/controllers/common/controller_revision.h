// ControllerRevision history shared by the DaemonSet and StatefulSet controllers (kube's
// controller/history package): each distinct pod template of an owner is captured once as an
// apps/v1 ControllerRevision named "<owner>-<hash>" whose data is the template as a patch
// ({"spec":{"template":{..., "$patch":"replace"}}}) and whose revision number orders them.
//
// The hash is FNV-1a (32 bit) over the canonical JSON of the data (keys sorted, null members and
// empty objects/arrays dropped) plus the owner's collisionCount, printed in decimal and mapped into
// kube's "safe" alphabet. Re-applying an old template reuses its revision and gives it the next
// revision number (a rollback), as kube does.
//
// Errors are Status values from the client; nothing throws. Functions are thread-safe when the
// client is.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "api/selector/label_selector.h"
#include "client/interface.h"
#include "common/json.h"
#include "controller/informer.h"

namespace berth::controllers {

inline constexpr const char* kControllerRevisionHashLabel = "controller-revision-hash";
inline constexpr const char* kControllerRevisionsPath = "/apis/apps/v1/controllerrevisions";

// {"spec":{"template": <owner spec.template> + {"$patch":"replace"}}}.
json::object RevisionDataOf(const json::object& owner);
// The pod template ({metadata, spec}) a revision captured (its data without "$patch").
json::object TemplateOfRevision(const json::object& revision);
// Semantic equality of two revision data values (null/empty members count as absent).
bool RevisionDataEqual(const json::value& a, const json::value& b);
// The short hash of `data` mixed with `collision_count`.
std::string HashRevisionData(const json::value& data, int64_t collision_count);
int64_t RevisionNumber(const json::object& revision);
std::string RevisionPath(const json::object& revision);

// The revisions controlled by `owner` among `informer`'s cache (adopting matching orphans,
// releasing non-matching ones), sorted by revision number then name.
std::vector<controller::ObjectPtr> ListOwnedRevisions(client::Interface* client,
                                                      controller::Informer* informer,
                                                      const json::object& owner,
                                                      const api::selector::LabelSelector& selector);

// Returns the revision that captures `owner`'s current template, creating it (name
// "<owner>-<hash>", labels = template labels + controller-revision-hash, revision = max + 1) or
// renumbering an equal older one to max + 1. `collision_count` is the owner's
// status.collisionCount; it is incremented when the name is taken by a different revision (the
// caller should persist it). `created` (optional) tells whether a revision was written.
StatusOr<json::object> EnsureCurrentRevision(client::Interface* client, const json::object& owner,
                                             const std::vector<controller::ObjectPtr>& revisions,
                                             int64_t* collision_count, bool* created = nullptr);

// Deletes the oldest revisions not named in `live` until at most `limit` non-live ones remain.
// Returns the first delete error (NotFound is ignored).
Status TruncateRevisionHistory(client::Interface* client,
                               const std::vector<controller::ObjectPtr>& revisions,
                               const std::set<std::string>& live, int64_t limit);

}  // namespace berth::controllers
