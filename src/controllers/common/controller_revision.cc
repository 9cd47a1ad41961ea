#include "controllers/common/controller_revision.h"

#include <algorithm>

#include "controllers/common/json_hash.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"

namespace berth::controllers {

namespace {

json::object NewRevision(const json::object& owner, const json::object& data,
                         const std::string& hash, int64_t number) {
  json::object labels;
  if (const json::value* l = GetPath(owner, {"spec", "template", "metadata", "labels"});
      l && l->is_object()) {
    labels = l->as_object();
  }
  labels[kControllerRevisionHashLabel] = hash;
  json::object md{{"name", GetString(owner, {"metadata", "name"}) + "-" + hash},
                  {"namespace", GetString(owner, {"metadata", "namespace"})},
                  {"labels", std::move(labels)},
                  {"ownerReferences", json::array{MakeControllerRef(owner)}}};
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "ControllerRevision"},
                      {"metadata", std::move(md)},
                      {"data", data},
                      {"revision", number}};
}

StatusOr<json::object> Renumber(client::Interface* client, const json::object& revision,
                                int64_t number) {
  if (RevisionNumber(revision) == number) return revision;
  auto r = client->Patch(RevisionPath(revision), json::object{{"revision", number}},
                         client::PatchType::kMerge);
  if (!r.ok()) return r.status();
  if (!r->is_object()) return Status(Reason::kInternalError, "unexpected patch response");
  return r->as_object();
}

}  // namespace

json::object RevisionDataOf(const json::object& owner) {
  json::object tmpl;
  if (const json::value* t = GetPath(owner, {"spec", "template"}); t && t->is_object()) {
    tmpl = t->as_object();
  }
  tmpl["$patch"] = "replace";
  return json::object{{"spec", json::object{{"template", std::move(tmpl)}}}};
}

json::object TemplateOfRevision(const json::object& revision) {
  json::object tmpl;
  if (const json::value* t = GetPath(revision, {"data", "spec", "template"}); t && t->is_object()) {
    tmpl = t->as_object();
  }
  tmpl.erase("$patch");
  return tmpl;
}

bool RevisionDataEqual(const json::value& a, const json::value& b) {
  return NormalizeJson(a) == NormalizeJson(b);
}

std::string HashRevisionData(const json::value& data, int64_t collision_count) {
  return HashJson(data, collision_count > 0 ? std::optional<int64_t>(collision_count)
                                            : std::nullopt);
}

int64_t RevisionNumber(const json::object& revision) { return GetInt(revision, {"revision"}); }

std::string RevisionPath(const json::object& revision) {
  return ObjectPath("/apis/apps/v1", GetString(revision, {"metadata", "namespace"}),
                    "controllerrevisions", GetString(revision, {"metadata", "name"}));
}

std::vector<controller::ObjectPtr> ListOwnedRevisions(
    client::Interface* client, controller::Informer* informer, const json::object& owner,
    const api::selector::LabelSelector& selector) {
  std::vector<controller::ObjectPtr> out =
      ClaimObjects(client, owner, selector,
                   informer->List(GetString(owner, {"metadata", "namespace"})), RevisionPath);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    int64_t ra = RevisionNumber(*a), rb = RevisionNumber(*b);
    if (ra != rb) return ra < rb;
    return GetString(*a, {"metadata", "name"}) < GetString(*b, {"metadata", "name"});
  });
  return out;
}

StatusOr<json::object> EnsureCurrentRevision(client::Interface* client, const json::object& owner,
                                             const std::vector<controller::ObjectPtr>& revisions,
                                             int64_t* collision_count, bool* created) {
  if (created) *created = false;
  json::object data = RevisionDataOf(owner);
  int64_t max_number = 0;
  controller::ObjectPtr equal;
  for (const auto& r : revisions) {
    max_number = std::max(max_number, RevisionNumber(*r));
    const json::value* d = r->if_contains("data");
    if (d && RevisionDataEqual(*d, data)) equal = r;  // the last (highest) equal one wins
  }
  if (equal) {
    if (RevisionNumber(*equal) == max_number) return *equal;
    if (created) *created = true;
    return Renumber(client, *equal, max_number + 1);
  }
  std::string collection = CollectionPath(
      "/apis/apps/v1", GetString(owner, {"metadata", "namespace"}), "controllerrevisions");
  std::string owner_uid = GetString(owner, {"metadata", "uid"});
  for (int attempt = 0; attempt < 16; attempt++) {
    std::string hash = HashRevisionData(data, *collision_count);
    auto r = client->Create(collection, NewRevision(owner, data, hash, max_number + 1));
    if (r.ok()) {
      if (!r->is_object()) return Status(Reason::kInternalError, "unexpected create response");
      if (created) *created = true;
      return r->as_object();
    }
    if (r.status().reason() != Reason::kAlreadyExists) return r.status();
    // The name is taken: reuse it when it is our identical revision (a stale cache), otherwise
    // it is a hash collision and the next collision count gives another name.
    std::string name = GetString(owner, {"metadata", "name"}) + "-" + hash;
    auto existing = client->Get(collection + "/" + name);
    if (!existing.ok()) return existing.status();
    if (existing->is_object()) {
      const json::object& ex = existing->as_object();
      const json::value* d = ex.if_contains("data");
      if (IsControlledBy(ex, owner_uid) && d && RevisionDataEqual(*d, data)) {
        if (created) *created = true;
        return Renumber(client, ex, std::max(max_number + 1, RevisionNumber(ex)));
      }
    }
    ++*collision_count;
  }
  return Status(Reason::kConflict, "too many ControllerRevision name collisions");
}

Status TruncateRevisionHistory(client::Interface* client,
                               const std::vector<controller::ObjectPtr>& revisions,
                               const std::set<std::string>& live, int64_t limit) {
  std::vector<controller::ObjectPtr> old;
  for (const auto& r : revisions) {
    if (!live.count(GetString(*r, {"metadata", "name"}))) old.push_back(r);
  }
  int64_t excess = static_cast<int64_t>(old.size()) - std::max<int64_t>(limit, 0);
  Status first;
  for (int64_t i = 0; i < excess; i++) {  // `revisions` is sorted oldest first
    Status st = client->Delete(RevisionPath(*old[static_cast<size_t>(i)]));
    if (!st.ok() && st.reason() != Reason::kNotFound && first.ok()) first = st;
  }
  return first;
}

}  // namespace berth::controllers
