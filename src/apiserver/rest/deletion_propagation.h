// Deletion propagation: how a DELETE tells the garbage collector what to do with the deleted
// object's dependents (DeleteOptions.propagationPolicy and the legacy orphanDependents).
//
// The API server records the choice as a finalizer on the object it marks for deletion:
//   Orphan     -> finalizer "orphan": the GC strips the dependents' ownerReferences to the
//                 object, then removes the finalizer (the object goes away then).
//   Foreground -> finalizer "foregroundDeletion": the GC deletes the dependents and removes the
//                 finalizer once no dependent with blockOwnerDeletion=true is left.
//   Background -> neither finalizer: the object is deleted now and the GC deletes the
//                 dependents afterwards.
// Without an explicit choice a finalizer already on the object decides, and otherwise the kind's
// default (Orphan for v1 ReplicationControllers and batch/v1 Jobs, as Kubernetes keeps for
// backward compatibility; Background for everything else).
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "api/resource.h"
#include "apiserver/http/request.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::apiserver {

inline constexpr const char* kFinalizerOrphan = "orphan";
inline constexpr const char* kFinalizerForeground = "foregroundDeletion";

// Copies ?propagationPolicy= and ?orphanDependents= of a DELETE request into `options` (a
// DeleteOptions object); query values override the body, as kube's option decoding does.
void AddPropagationQuery(const Request& req, json::object* options);

// Checks the propagation fields of DeleteOptions: 422 Invalid (kind DeleteOptions) for an
// unknown policy or for orphanDependents and propagationPolicy both being set.
Status ValidatePropagation(const json::object& options);

// The finalizers `meta` (of an object of type `t` that is not yet being deleted) must carry for
// the deletion requested by `options`, or nullopt when they stay as they are.
std::optional<json::array> FinalizersForDeletion(const api::ResourceType& t,
                                                  const json::object& meta,
                                                  const json::object& options);

}  // namespace berth::apiserver
