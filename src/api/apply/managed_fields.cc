#include "api/apply/managed_fields.h"

#include <algorithm>
#include <tuple>

namespace berth::api::apply {

namespace {

std::string StringMember(const json::object& obj, const char* name) {
  const json::value* v = obj.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

ManagedFields ManagedFields::FromObject(const json::value& object) {
  const json::value* entries = GetPath(object, {"metadata", "managedFields"});
  return entries == nullptr ? ManagedFields() : FromJson(*entries);
}

ManagedFields ManagedFields::FromJson(const json::value& entries) {
  ManagedFields out;
  if (!entries.is_array()) return out;
  for (const json::value& e : entries.get_array()) {
    if (!e.is_object()) continue;
    const json::object& obj = e.get_object();
    ManagerEntry entry;
    entry.manager = StringMember(obj, "manager");
    entry.operation = StringMember(obj, "operation");
    entry.api_version = StringMember(obj, "apiVersion");
    entry.time = StringMember(obj, "time");
    entry.subresource = StringMember(obj, "subresource");
    const std::string type = StringMember(obj, "fieldsType");
    if (entry.operation != kOperationApply && entry.operation != kOperationUpdate) continue;
    if (!type.empty() && type != "FieldsV1") continue;
    if (const json::value* fields = obj.if_contains("fieldsV1"); fields != nullptr) {
      StatusOr<FieldSet> set = FieldSet::FromFieldsV1(*fields);
      if (!set.ok()) continue;
      entry.fields = std::move(*set);
    }
    // Duplicate identities (hand-edited objects) are folded into one entry.
    if (ManagerEntry* existing = out.Find(entry.manager, entry.operation, entry.subresource)) {
      existing->fields = existing->fields.Union(entry.fields);
      continue;
    }
    out.entries_.push_back(std::move(entry));
  }
  return out;
}

ManagerEntry* ManagedFields::Find(const std::string& manager, const std::string& operation,
                                  const std::string& subresource) {
  for (ManagerEntry& e : entries_) {
    if (e.SameIdentity(manager, operation, subresource)) return &e;
  }
  return nullptr;
}

ManagerEntry& ManagedFields::FindOrAdd(const std::string& manager, const std::string& operation,
                                       const std::string& subresource) {
  if (ManagerEntry* e = Find(manager, operation, subresource)) return *e;
  ManagerEntry entry;
  entry.manager = manager;
  entry.operation = operation;
  entry.subresource = subresource;
  entries_.push_back(std::move(entry));
  return entries_.back();
}

bool ManagedFields::Owns(const Path& path) const {
  // Kubernetes keeps a named field when anything below it is owned, but a list
  // item only when the item itself is owned.
  const bool field = !path.empty() && path.back().kind == PathElement::Kind::kField;
  for (const ManagerEntry& e : entries_) {
    if (field ? e.fields.HasAtOrBelow(path) : e.fields.Has(path)) return true;
  }
  return false;
}

json::array ManagedFields::ToJson() const {
  std::vector<const ManagerEntry*> sorted;
  for (const ManagerEntry& e : entries_) {
    if (!e.fields.Empty()) sorted.push_back(&e);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const ManagerEntry* a, const ManagerEntry* b) {
    return std::tie(a->operation, a->time, a->manager, a->api_version, a->subresource) <
           std::tie(b->operation, b->time, b->manager, b->api_version, b->subresource);
  });
  json::array out;
  for (const ManagerEntry* e : sorted) {
    json::object obj;
    obj.emplace("manager", e->manager);
    obj.emplace("operation", e->operation);
    if (!e->api_version.empty()) obj.emplace("apiVersion", e->api_version);
    if (!e->time.empty()) obj.emplace("time", e->time);
    obj.emplace("fieldsType", "FieldsV1");
    obj.emplace("fieldsV1", e->fields.ToFieldsV1());
    if (!e->subresource.empty()) obj.emplace("subresource", e->subresource);
    out.push_back(std::move(obj));
  }
  return out;
}

void ManagedFields::WriteTo(json::value* object) const {
  if (!object->is_object()) return;
  json::array entries = ToJson();
  if (entries.empty()) {
    StripManagedFields(object);
    return;
  }
  EnsureObject(*object, {"metadata"})["managedFields"] = std::move(entries);
}

void StripManagedFields(json::value* object) {
  if (json::object* meta = GetObject(*object, {"metadata"})) meta->erase("managedFields");
}

}  // namespace berth::api::apply
