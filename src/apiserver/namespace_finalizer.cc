#include "apiserver/namespace_finalizer.h"

#include "apiserver/rest/object_codec.h"
#include "common/clock.h"
#include "common/json.h"

namespace berth::apiserver {

NamespaceFinalizer::NamespaceFinalizer(store::Store* store, const api::Registry* registry)
    : store_(store), registry_(registry), thread_([this] { Run(); }) {}

NamespaceFinalizer::~NamespaceFinalizer() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void NamespaceFinalizer::Enqueue(const std::string& ns) {
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(ns);
  }
  cv_.notify_one();
}

void NamespaceFinalizer::ResumePending() {
  auto t = registry_->Find("", "v1", "namespaces");
  if (!t) return;
  auto res = store_->List(ObjectPrefix(*t, ""), "", 0, 0);
  if (!res.ok()) return;
  for (const auto& kv : res->kvs) {
    auto o = DecodeStored(kv);
    if (o.ok() && GetPath(*o, {"metadata", "deletionTimestamp"})) {
      Enqueue(GetString(*o, {"metadata", "name"}));
    }
  }
}

void NamespaceFinalizer::Run() {
  for (;;) {
    std::string ns;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      ns = queue_.front();
      queue_.pop_front();
    }
    if (!Finalize(ns)) {
      // Objects with finalizers are still there: look again shortly.
      std::unique_lock<std::mutex> l(mu_);
      if (cv_.wait_for(l, std::chrono::seconds(1), [&] { return stop_; })) return;
      queue_.push_back(ns);
    }
  }
}

int NamespaceFinalizer::DeleteContents(const std::string& ns) {
  int remaining = 0;
  for (const auto& t : registry_->All()) {
    if (!t->namespaced) continue;
    auto res = store_->List(ObjectPrefix(*t, ns), "", 0, 0);
    if (!res.ok()) {
      ++remaining;
      continue;
    }
    for (const auto& kv : res->kvs) {
      auto o = DecodeStored(kv);
      const json::value* fins = o.ok() ? GetPath(*o, {"metadata", "finalizers"}) : nullptr;
      if (fins && fins->is_array() && !fins->as_array().empty()) {
        // Like any delete of an object with finalizers: mark it and wait.
        ++remaining;
        if (!GetPath(*o, {"metadata", "deletionTimestamp"})) {
          json::object& meta = (*o)["metadata"].as_object();
          meta["deletionTimestamp"] = FormatRfc3339(SystemClock::Get().Now());
          meta["deletionGracePeriodSeconds"] = 0;
          store_->Update(kv.key, EncodeForStore(std::move(*o)), {kv.mod_revision});
        }
        continue;
      }
      // Pods are removed directly: stopping their containers gracefully is
      // the node agent's job once it exists.
      auto r = store_->Delete(kv.key, {kv.mod_revision});
      if (!r.ok() && r.status().reason() != Reason::kNotFound) ++remaining;
    }
  }
  return remaining;
}

bool NamespaceFinalizer::Finalize(const std::string& ns) {
  auto nst = registry_->Find("", "v1", "namespaces");
  if (!nst) return true;
  auto cur = store_->Get(ObjectKey(*nst, "", ns));
  if (!cur.ok()) return cur.status().reason() == Reason::kNotFound;
  if (DeleteContents(ns) > 0) return false;
  // The namespace's own metadata.finalizers hold it until their owners let go.
  auto obj = DecodeStored(*cur);
  const json::value* fins = obj.ok() ? GetPath(*obj, {"metadata", "finalizers"}) : nullptr;
  if (fins && fins->is_array() && !fins->as_array().empty()) return false;
  // A create that passed its namespace check just before termination may
  // still land; wait for in-flight requests, then sweep once more.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (DeleteContents(ns) > 0) return false;
  store_->Delete(ObjectKey(*nst, "", ns));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  DeleteContents(ns);
  return true;
}

}  // namespace berth::apiserver
