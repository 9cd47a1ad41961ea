// ownerReferences helpers shared by the workload controllers: who controls an object, building a
// controller reference, and claiming (adopting or releasing) objects by selector the way
// Kubernetes' ControllerRefManager does.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/selector/label_selector.h"
#include "client/interface.h"
#include "common/json.h"
#include "controller/informer.h"

namespace berth::controllers {

// The ownerReference with controller=true, or null.
const json::object* ControllerRefOf(const json::object& obj);
// True when `obj`'s controller reference points at `owner_uid`.
bool IsControlledBy(const json::object& obj, const std::string& owner_uid);
// {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true} for `owner`.
json::object MakeControllerRef(const json::object& owner);
// metadata.labels of `obj` (empty object when absent).
const json::object& LabelsOf(const json::object& obj);
bool IsBeingDeleted(const json::object& obj);

// The cache key of the `kind` object in `owners` that `obj`'s controller reference names (same
// name and uid), or "" when it is not in the cache (or `obj` has no such controller).
std::string ControllerKeyIn(const json::object& obj, std::string_view kind,
                            const controller::Informer& owners);
// The cached owners in `obj`'s namespace whose non-empty spec.selector matches `obj`'s labels
// (candidates to adopt an orphan).
std::vector<controller::ObjectPtr> SelectingOwners(const json::object& obj,
                                                   const controller::Informer& owners);

// Claims objects for `owner`: keeps those it controls that still match `selector`, adopts
// orphans that match (unless the owner is being deleted), releases controlled ones that no longer
// match. Adoption and release are merge patches through `client` at `object_path(obj)`. Objects
// controlled by someone else are ignored. Returns the objects the owner controls afterwards
// (adopted ones as patched). Errors of single patches are skipped (retried on the next sync).
std::vector<controller::ObjectPtr> ClaimObjects(
    client::Interface* client, const json::object& owner,
    const api::selector::LabelSelector& selector,
    const std::vector<controller::ObjectPtr>& candidates,
    const std::function<std::string(const json::object&)>& object_path);

}  // namespace berth::controllers
