#include "api/apply/apply.h"

#include <vector>

#include "api/apply/conflict.h"
#include "api/apply/managed_fields.h"
#include "api/apply/owned_fields_filter.h"
#include "api/apply/typed_ops.h"
#include "api/patch/json_equal.h"

namespace berth::api::apply {

namespace {

Comparison OwnableChanges(const json::value& before, const json::value& after, const Schema& schema,
                          const std::string& subresource) {
  Comparison c = Compare(before, after, &schema);
  c.added = FilterOwnable(c.added, subresource);
  c.modified = FilterOwnable(c.modified, subresource);
  c.removed = FilterOwnable(c.removed, subresource);
  return c;
}

// Fields the applier dropped from its configuration and nobody owns any more.
FieldSet FieldsToPrune(const FieldSet& last_applied, const ManagedFields& managers) {
  FieldSet out;
  last_applied.ForEach([&](const Path& p) {
    if (!managers.Owns(p)) out.Insert(p);
  });
  return out;
}

bool IsResetRequest(const json::value& entries) {
  // kube-apiserver treats `managedFields: [{}]` as "clear ownership".
  return entries.is_array() && entries.get_array().size() == 1 &&
         entries.get_array()[0].is_object() && entries.get_array()[0].get_object().empty();
}

}  // namespace

StatusOr<json::value> ServerSideApply(const json::value* live, const json::value& config,
                                      const Schema& schema, const ApplyOptions& opts) {
  BERTH_RETURN_IF_ERROR(ValidateApplyConfig(config, &schema));
  json::value before = live != nullptr ? *live : json::value(json::object());
  if (!before.is_object()) return BadRequest("live object is not a JSON object");
  ManagedFields managers = ManagedFields::FromObject(before);
  StripManagedFields(&before);
  json::value applied = config;
  StripManagedFields(&applied);

  json::value merged = MergeApplied(before, applied, &schema);
  const FieldSet applied_set = FilterOwnable(FieldSetOf(applied, &schema), opts.subresource);

  ManagerEntry* mine = managers.Find(opts.manager, kOperationApply, opts.subresource);
  const bool first_apply = mine == nullptr;
  const FieldSet last_applied =
      first_apply ? FieldSet() : FilterOwnable(mine->fields, opts.subresource);
  if (first_apply) mine = &managers.FindOrAdd(opts.manager, kOperationApply, opts.subresource);
  mine->fields = applied_set;
  mine->api_version =
      !opts.api_version.empty() ? opts.api_version : GetString(config, {"apiVersion"}, "");

  // Removal: what this manager applied before and nobody (itself included,
  // through the new configuration) owns now.
  if (!last_applied.Empty()) {
    RemoveFields(&merged, &schema, FieldsToPrune(last_applied, managers));
  }

  const Comparison changes = OwnableChanges(before, merged, schema, opts.subresource);
  const FieldSet changed = changes.added.Union(changes.modified);
  std::vector<ManagerConflict> conflicts;
  for (const ManagerEntry& other : managers.entries()) {
    if (&other == mine) continue;
    FieldSet contested = other.fields.Intersection(changed);
    if (!contested.Empty()) conflicts.push_back({&other, std::move(contested)});
  }
  if (!conflicts.empty() && !opts.force) return ApplyConflictStatus(conflicts);

  for (ManagerEntry& other : managers.entries()) {
    if (&other == mine) continue;
    other.fields = other.fields.Difference(changed).Difference(changes.removed);
  }
  const bool object_changed = !patch::JsonEqual(before, merged);
  if (first_apply || object_changed || !(last_applied == applied_set) || mine->time.empty()) {
    mine->time = opts.now_rfc3339;
  }
  managers.WriteTo(&merged);
  return merged;
}

json::value TrackUpdate(const json::value* old, json::value updated, const Schema& schema,
                        const ApplyOptions& opts) {
  if (!updated.is_object()) return updated;
  json::value before = old != nullptr && old->is_object() ? *old : json::value(json::object());

  ManagedFields managers;
  const json::value* sent = GetPath(updated, {"metadata", "managedFields"});
  if (sent != nullptr && IsResetRequest(*sent)) {
    // Start from nothing: the writer takes what it changed relative to an empty object.
    before = json::object();
  } else if (sent != nullptr && sent->is_array() && !sent->get_array().empty()) {
    managers = ManagedFields::FromJson(*sent);
  } else {
    managers = ManagedFields::FromObject(before);
  }
  StripManagedFields(&before);
  StripManagedFields(&updated);

  const Comparison changes = OwnableChanges(before, updated, schema, opts.subresource);
  const FieldSet changed = changes.added.Union(changes.modified);
  for (ManagerEntry& entry : managers.entries()) {
    if (entry.SameIdentity(opts.manager, kOperationUpdate, opts.subresource)) {
      entry.fields = entry.fields.Difference(changes.removed);
    } else {
      entry.fields = entry.fields.Difference(changed).Difference(changes.removed);
    }
  }
  if (!changed.Empty()) {
    ManagerEntry& mine = managers.FindOrAdd(opts.manager, kOperationUpdate, opts.subresource);
    mine.fields = mine.fields.Union(changed);
    mine.api_version =
        !opts.api_version.empty() ? opts.api_version : GetString(updated, {"apiVersion"}, "");
    mine.time = opts.now_rfc3339;
  }
  managers.WriteTo(&updated);
  return updated;
}

}  // namespace berth::api::apply
