#include "controllers/common/owner_refs.h"

namespace berth::controllers {

const json::object* ControllerRefOf(const json::object& obj) {
  const auto* md = obj.if_contains("metadata");
  if (!md || !md->is_object()) return nullptr;
  const auto* refs = md->as_object().if_contains("ownerReferences");
  if (!refs || !refs->is_array()) return nullptr;
  for (const auto& r : refs->as_array()) {
    if (!r.is_object()) continue;
    const auto* c = r.as_object().if_contains("controller");
    if (c && c->is_bool() && c->as_bool()) return &r.as_object();
  }
  return nullptr;
}

bool IsControlledBy(const json::object& obj, const std::string& owner_uid) {
  const json::object* ref = ControllerRefOf(obj);
  return ref && GetString(*ref, {"uid"}) == owner_uid;
}

json::object MakeControllerRef(const json::object& owner) {
  return json::object{{"apiVersion", GetString(owner, {"apiVersion"})},
                      {"kind", GetString(owner, {"kind"})},
                      {"name", GetString(owner, {"metadata", "name"})},
                      {"uid", GetString(owner, {"metadata", "uid"})},
                      {"controller", true},
                      {"blockOwnerDeletion", true}};
}

const json::object& LabelsOf(const json::object& obj) {
  static const json::object kEmpty;
  const auto* md = obj.if_contains("metadata");
  if (!md || !md->is_object()) return kEmpty;
  const auto* l = md->as_object().if_contains("labels");
  return l && l->is_object() ? l->as_object() : kEmpty;
}

bool IsBeingDeleted(const json::object& obj) {
  return !GetString(obj, {"metadata", "deletionTimestamp"}).empty();
}

namespace {

json::array RefsWithout(const json::object& obj, const std::string& uid) {
  json::array out;
  const auto* md = obj.if_contains("metadata");
  const auto* refs = md && md->is_object() ? md->as_object().if_contains("ownerReferences")
                                           : nullptr;
  if (refs && refs->is_array()) {
    for (const auto& r : refs->as_array()) {
      if (r.is_object() && GetString(r.as_object(), {"uid"}) == uid) continue;
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

std::vector<controller::ObjectPtr> ClaimObjects(
    client::Interface* client, const json::object& owner,
    const api::selector::LabelSelector& selector,
    const std::vector<controller::ObjectPtr>& candidates,
    const std::function<std::string(const json::object&)>& object_path) {
  std::vector<controller::ObjectPtr> out;
  std::string uid = GetString(owner, {"metadata", "uid"});
  bool owner_deleting = IsBeingDeleted(owner);
  for (const auto& obj : candidates) {
    const json::object* ref = ControllerRefOf(*obj);
    bool matches = selector.Matches(LabelsOf(*obj));
    std::string rv = GetString(*obj, {"metadata", "resourceVersion"});
    if (ref) {
      if (GetString(*ref, {"uid"}) != uid) continue;  // someone else's
      if (matches || owner_deleting) {
        out.push_back(obj);
        continue;
      }
      // Release: drop our reference (guarded by the version we decided on).
      json::object patch{{"metadata", json::object{{"ownerReferences", RefsWithout(*obj, uid)},
                                                   {"resourceVersion", rv}}}};
      (void)client->Patch(object_path(*obj), patch, client::PatchType::kMerge);
      continue;
    }
    if (!matches || owner_deleting || IsBeingDeleted(*obj)) continue;
    json::array refs = RefsWithout(*obj, uid);
    refs.push_back(MakeControllerRef(owner));
    json::object patch{
        {"metadata", json::object{{"ownerReferences", std::move(refs)}, {"resourceVersion", rv}}}};
    auto adopted = client->Patch(object_path(*obj), patch, client::PatchType::kMerge);
    if (adopted.ok() && adopted->is_object()) {
      out.push_back(std::make_shared<const json::object>(std::move(adopted->as_object())));
    }
  }
  return out;
}

std::string ControllerKeyIn(const json::object& obj, std::string_view kind,
                            const controller::Informer& owners) {
  const json::object* ref = ControllerRefOf(obj);
  if (!ref || GetString(*ref, {"kind"}) != kind) return "";
  controller::ObjectPtr owner =
      owners.Get(GetString(obj, {"metadata", "namespace"}), GetString(*ref, {"name"}));
  if (!owner || GetString(*owner, {"metadata", "uid"}) != GetString(*ref, {"uid"})) return "";
  return controller::KeyOf(*owner);
}

std::vector<controller::ObjectPtr> SelectingOwners(const json::object& obj,
                                                   const controller::Informer& owners) {
  std::vector<controller::ObjectPtr> out;
  for (auto& owner : owners.List(GetString(obj, {"metadata", "namespace"}))) {
    const json::value* sel = GetPath(*owner, {"spec", "selector"});
    if (!sel) continue;
    auto selector = api::selector::FromLabelSelectorJson(*sel);
    if (selector.ok() && !selector->Empty() && selector->Matches(LabelsOf(obj)))
      out.push_back(std::move(owner));
  }
  return out;
}

}  // namespace berth::controllers
