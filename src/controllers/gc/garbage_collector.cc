#include "controllers/gc/garbage_collector.h"

#include <algorithm>
#include <cstdio>

#include "controllers/common/owner_refs.h"

namespace berth::controllers {

namespace {

constexpr const char* kOrphan = "orphan";
constexpr const char* kForeground = "foregroundDeletion";

bool HasFinalizer(const json::object& obj, std::string_view f) {
  const json::value* fins = GetPath(obj, {"metadata", "finalizers"});
  if (!fins || !fins->is_array()) return false;
  for (const auto& v : fins->as_array()) {
    if (v.is_string() && v.get_string() == f) return true;
  }
  return false;
}

// Being deleted in the foreground: it waits for its dependents.
bool WaitsForDependents(const json::object& obj) {
  return IsBeingDeleted(obj) && HasFinalizer(obj, kForeground);
}

std::string UidOf(const json::object& obj) { return GetString(obj, {"metadata", "uid"}); }

}  // namespace

GarbageCollector::GarbageCollector(const controller::Context& ctx)
    : QueueController(ctx) {
  auto catalog = gc::ResourceCatalog::Discover(ctx.client);
  if (!catalog.ok()) {
    discovery_ = catalog.status();
    fprintf(stderr, "garbagecollector: discovery failed: %s\n", discovery_.ToString().c_str());
    return;
  }
  catalog_ = std::move(*catalog);
  Register();
}

GarbageCollector::GarbageCollector(const controller::Context& ctx, gc::ResourceCatalog catalog)
    : QueueController(ctx), catalog_(std::move(catalog)) {
  Register();
}

GarbageCollector::~GarbageCollector() {
  {
    std::lock_guard<std::mutex> l(guard_->mu);
    guard_->alive = false;
  }
  Stop();
}

void GarbageCollector::Register() {
  const auto& watched = catalog_.Watched();
  for (size_t i = 0; i < watched.size(); ++i) {
    controller::Informer* inf = ctx_.informers->For(watched[i].CollectionPath());
    informers_.push_back(inf);
    std::shared_ptr<Guard> g = guard_;
    inf->AddHandler(controller::EventHandler{
        [this, g, i](const controller::ObjectPtr& o) {
          std::lock_guard<std::mutex> l(g->mu);
          if (g->alive) OnObserved(i, o);
        },
        [this, g, i](const controller::ObjectPtr&, const controller::ObjectPtr& o) {
          std::lock_guard<std::mutex> l(g->mu);
          if (g->alive) OnObserved(i, o);
        },
        [this, g](const controller::ObjectPtr& o) {
          std::lock_guard<std::mutex> l(g->mu);
          if (g->alive) OnGone(o);
        }});
  }
}

void GarbageCollector::OnObserved(size_t resource, const controller::ObjectPtr& obj) {
  std::string uid = UidOf(*obj);
  if (uid.empty()) return;
  gc::GraphNode node{resource, GetString(*obj, {"metadata", "namespace"}),
                     GetString(*obj, {"metadata", "name"}), gc::OwnerRefsOf(*obj)};
  std::vector<gc::OwnerRef> owners = node.owners;
  std::vector<gc::OwnerRef> before = graph_.Upsert(uid, std::move(node));
  if (!owners.empty()) queue_.Add(uid);
  // An owner this object stopped referencing (or stopped blocking) may be done waiting.
  for (const auto& b : before) {
    if (std::find(owners.begin(), owners.end(), b) == owners.end()) queue_.Add(b.uid);
  }
  if (IsBeingDeleted(*obj) && (HasFinalizer(*obj, kOrphan) || HasFinalizer(*obj, kForeground))) {
    queue_.Add(uid);
  }
}

void GarbageCollector::OnGone(const controller::ObjectPtr& obj) {
  std::string uid = UidOf(*obj);
  if (uid.empty()) return;
  graph_.Remove(uid);
  for (const auto& d : graph_.DependentsOf(uid)) queue_.Add(d);
  for (const auto& o : gc::OwnerRefsOf(*obj)) queue_.Add(o.uid);
}

bool GarbageCollector::AllSynced() const {
  for (const auto* inf : informers_) {
    if (!inf->HasSynced()) return false;
  }
  return true;
}

GarbageCollector::Live GarbageCollector::Find(const std::string& uid) const {
  Live out;
  auto node = graph_.Lookup(uid);
  if (!node || node->resource >= informers_.size()) return out;
  controller::ObjectPtr obj = informers_[node->resource]->Get(node->ns, node->name);
  if (!obj || UidOf(*obj) != uid) return out;
  out.obj = std::move(obj);
  out.node = std::move(*node);
  return out;
}

std::string GarbageCollector::PathOf(const gc::GraphNode& node) const {
  return catalog_.Watched()[node.resource].ObjectPath(node.ns, node.name);
}

StatusOr<GarbageCollector::OwnerState> GarbageCollector::ClassifyOwner(
    const json::object& dependent, const gc::OwnerRef& ref) {
  const gc::ApiResource* res = catalog_.Find(ref.api_version, ref.kind);
  if (!res) {
    return Status(Reason::kNotFound, "garbagecollector: no resource serves ownerReference " +
                                         ref.api_version + " " + ref.kind + " " + ref.name);
  }
  std::string dep_ns = GetString(dependent, {"metadata", "namespace"});
  // A cluster-scoped object cannot be owned by a namespaced one: the reference is void.
  if (res->namespaced && dep_ns.empty()) return OwnerState::kDangling;
  std::string owner_ns = res->namespaced ? dep_ns : "";

  // The informer first...
  Live l = Find(ref.uid);
  if (l.obj) {
    const gc::ApiResource& have = catalog_.Watched()[l.node.resource];
    if (l.node.ns == owner_ns && l.node.name == ref.name && have.group == res->group &&
        have.kind == res->kind) {
      return WaitsForDependents(*l.obj) ? OwnerState::kWaiting : OwnerState::kSolid;
    }
  }
  // ...then the server: absent from the cache is only a hint (the cache may lag).
  auto got = ctx_.client->Get(res->ObjectPath(owner_ns, ref.name));
  if (!got.ok()) {
    if (got.status().reason() == Reason::kNotFound) return OwnerState::kDangling;
    return got.status();
  }
  if (!got->is_object() || UidOf(got->as_object()) != ref.uid) return OwnerState::kDangling;
  return WaitsForDependents(got->as_object()) ? OwnerState::kWaiting : OwnerState::kSolid;
}

Status GarbageCollector::Sync(const std::string& uid) {
  if (!discovery_.ok()) return {};
  if (!AllSynced()) return Status(Reason::kServiceUnavailable, "informers have not synced yet");
  Live l = Find(uid);
  if (!l.obj) return {};
  const json::object& obj = *l.obj;
  if (IsBeingDeleted(obj)) {
    if (HasFinalizer(obj, kOrphan)) return OrphanDependents(obj);
    if (HasFinalizer(obj, kForeground)) return DeleteDependents(obj);
    return {};
  }
  return AttemptToDelete(obj, l.node);
}

Status GarbageCollector::OrphanDependents(const json::object& owner) {
  std::string uid = UidOf(owner);
  for (const auto& dep : graph_.DependentsOf(uid)) {
    Live d = Find(dep);
    if (!d.obj) continue;
    Status st = RemoveOwnerRefs(*d.obj, d.node, {uid});
    if (!st.ok() && st.reason() != Reason::kNotFound) return st;
  }
  Live self = Find(uid);
  if (!self.obj) return {};
  return RemoveFinalizer(*self.obj, self.node, kOrphan);
}

Status GarbageCollector::DeleteDependents(const json::object& owner) {
  std::string uid = UidOf(owner);
  bool blocked = false;
  for (const auto& dep : graph_.DependentsOf(uid)) {
    Live d = Find(dep);
    if (!d.obj) continue;
    for (const auto& ref : gc::OwnerRefsOf(*d.obj)) {
      if (ref.uid == uid && ref.block_owner_deletion) blocked = true;
    }
    // Dependents not yet on their way out are examined (and deleted: this owner waits).
    if (!IsBeingDeleted(*d.obj)) queue_.Add(dep);
  }
  if (blocked) return {};  // re-queued when a dependent goes or stops blocking
  Live self = Find(uid);
  if (!self.obj) return {};
  return RemoveFinalizer(*self.obj, self.node, kForeground);
}

Status GarbageCollector::AttemptToDelete(const json::object& obj, const gc::GraphNode& node) {
  std::vector<gc::OwnerRef> refs = gc::OwnerRefsOf(obj);
  if (refs.empty()) return {};
  std::vector<std::string> solid, waiting, dangling;
  for (const auto& ref : refs) {
    auto state = ClassifyOwner(obj, ref);
    if (!state.ok()) return state.status();
    switch (*state) {
      case OwnerState::kSolid: solid.push_back(ref.uid); break;
      case OwnerState::kWaiting: waiting.push_back(ref.uid); break;
      case OwnerState::kDangling: dangling.push_back(ref.uid); break;
    }
  }
  std::string uid = UidOf(obj);
  if (!solid.empty()) {
    // Still owned: only drop the references that would keep gone or going owners waiting.
    if (waiting.empty() && dangling.empty()) return {};
    std::vector<std::string> drop = dangling;
    drop.insert(drop.end(), waiting.begin(), waiting.end());
    return RemoveOwnerRefs(obj, node, drop);
  }
  std::string policy = "Background";
  if (!waiting.empty() && !graph_.DependentsOf(uid).empty()) {
    policy = "Foreground";
  } else if (HasFinalizer(obj, kOrphan)) {
    policy = "Orphan";
  } else if (HasFinalizer(obj, kForeground)) {
    policy = "Foreground";
  }
  json::object opts{
      {"propagationPolicy", policy},
      {"preconditions",
       json::object{{"uid", uid},
                    {"resourceVersion", GetString(obj, {"metadata", "resourceVersion"})}}}};
  Status st = ctx_.client->Delete(PathOf(node), opts);
  if (!st.ok() && st.reason() != Reason::kNotFound) return st;
  return {};
}

Status GarbageCollector::RemoveOwnerRefs(const json::object& obj, const gc::GraphNode& node,
                                         const std::vector<std::string>& owner_uids) {
  const json::value* refs = GetPath(obj, {"metadata", "ownerReferences"});
  if (!refs || !refs->is_array()) return {};
  json::array keep;
  for (const auto& r : refs->as_array()) {
    std::string u = GetString(r, {"uid"});
    if (std::find(owner_uids.begin(), owner_uids.end(), u) == owner_uids.end()) keep.push_back(r);
  }
  if (keep.size() == refs->as_array().size()) return {};
  json::object meta{{"resourceVersion", GetString(obj, {"metadata", "resourceVersion"})}};
  if (keep.empty()) {
    meta["ownerReferences"] = nullptr;
  } else {
    meta["ownerReferences"] = std::move(keep);
  }
  auto r = ctx_.client->Patch(PathOf(node), json::object{{"metadata", std::move(meta)}},
                              client::PatchType::kMerge);
  return r.ok() ? Status() : r.status();
}

Status GarbageCollector::RemoveFinalizer(const json::object& obj, const gc::GraphNode& node,
                                         const std::string& finalizer) {
  const json::value* fins = GetPath(obj, {"metadata", "finalizers"});
  if (!fins || !fins->is_array()) return {};
  json::array keep;
  for (const auto& f : fins->as_array()) {
    if (!(f.is_string() && f.get_string() == finalizer)) keep.push_back(f);
  }
  if (keep.size() == fins->as_array().size()) return {};
  json::object meta{{"resourceVersion", GetString(obj, {"metadata", "resourceVersion"})}};
  if (keep.empty()) {
    meta["finalizers"] = nullptr;
  } else {
    meta["finalizers"] = std::move(keep);
  }
  auto r = ctx_.client->Patch(PathOf(node), json::object{{"metadata", std::move(meta)}},
                              client::PatchType::kMerge);
  if (!r.ok() && r.status().reason() != Reason::kNotFound) return r.status();
  return {};
}

}  // namespace berth::controllers
