#include "apiserver/namespace_finalizer.h"

#include "apiserver/rest/object_codec.h"
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
    Finalize(ns);
  }
}

void NamespaceFinalizer::Finalize(const std::string& ns) {
  // Delete contents. Pods are removed directly: graceful termination of
  // their containers is the node agent's job once it exists.
  for (const auto& t : registry_->All()) {
    if (!t->namespaced) continue;
    auto res = store_->List(ObjectPrefix(*t, ns), "", 0, 0);
    if (!res.ok()) continue;
    for (const auto& kv : res->kvs) store_->Delete(kv.key);
  }
  auto nst = registry_->Find("", "v1", "namespaces");
  if (nst) store_->Delete(ObjectKey(*nst, "", ns));
}

}  // namespace berth::apiserver
