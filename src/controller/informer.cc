#include "controller/informer.h"

#include <random>

namespace berth::controller {

std::string KeyOf(const json::object& obj) {
  std::string ns = GetString(obj, {"metadata", "namespace"});
  std::string name = GetString(obj, {"metadata", "name"});
  return ns.empty() ? name : ns + "/" + name;
}

void SplitKey(const std::string& key, std::string* ns, std::string* name) {
  auto slash = key.find('/');
  if (slash == std::string::npos) {
    ns->clear();
    *name = key;
  } else {
    *ns = key.substr(0, slash);
    *name = key.substr(slash + 1);
  }
}

Informer::Informer(client::Interface* client, std::string collection_path, std::string query)
    : client_(client), path_(std::move(collection_path)), query_(std::move(query)) {}

Informer::~Informer() { Stop(); }

void Informer::AddHandler(EventHandler handler) { handlers_.push_back(std::move(handler)); }

void Informer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Informer::Stop() {
  stop_ = true;
  sync_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Informer::HasSynced() const {
  std::lock_guard<std::mutex> l(sync_mu_);
  return synced_;
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(sync_mu_);
  return sync_cv_.wait_for(l, timeout, [&] { return synced_ || stop_.load(); }) && synced_;
}

void Informer::SetSynced() {
  std::lock_guard<std::mutex> l(sync_mu_);
  synced_ = true;
  sync_cv_.notify_all();
}

ObjectPtr Informer::Get(const std::string& ns, const std::string& name) const {
  std::shared_lock<std::shared_mutex> l(cache_mu_);
  auto n = cache_.find(ns);
  if (n == cache_.end()) return nullptr;
  auto o = n->second.find(name);
  return o == n->second.end() ? nullptr : o->second;
}

ObjectPtr Informer::GetByKey(const std::string& key) const {
  std::string ns, name;
  SplitKey(key, &ns, &name);
  return Get(ns, name);
}

std::vector<ObjectPtr> Informer::List(const std::string& ns) const {
  std::vector<ObjectPtr> out;
  std::shared_lock<std::shared_mutex> l(cache_mu_);
  auto add = [&](const std::map<std::string, ObjectPtr>& m) {
    for (const auto& [_, o] : m) out.push_back(o);
  };
  if (ns.empty()) {
    out.reserve(size_);
    for (const auto& [_, m] : cache_) add(m);
  } else if (auto n = cache_.find(ns); n != cache_.end()) {
    add(n->second);
  }
  return out;
}

std::vector<ObjectPtr> Informer::List(const std::string& ns,
                                      const api::selector::LabelSelector& selector) const {
  std::vector<ObjectPtr> out;
  static const json::object kEmpty;
  for (auto& o : List(ns)) {
    const json::object* labels = &kEmpty;
    if (auto* m = o->if_contains("metadata"); m && m->is_object()) {
      if (auto* l = m->as_object().if_contains("labels"); l && l->is_object()) {
        labels = &l->as_object();
      }
    }
    if (selector.Matches(*labels)) out.push_back(std::move(o));
  }
  return out;
}

size_t Informer::Size() const {
  std::shared_lock<std::shared_mutex> l(cache_mu_);
  return size_;
}

void Informer::Inject(const std::string& type, json::object obj) {
  Apply(type, std::make_shared<const json::object>(std::move(obj)));
}

void Informer::Apply(const std::string& type, ObjectPtr obj) {
  std::string ns = GetString(*obj, {"metadata", "namespace"});
  std::string name = GetString(*obj, {"metadata", "name"});
  ObjectPtr old;
  {
    std::unique_lock<std::shared_mutex> l(cache_mu_);
    auto& m = cache_[ns];
    auto it = m.find(name);
    if (it != m.end()) old = it->second;
    if (type == "DELETED") {
      if (it != m.end()) {
        m.erase(it);
        size_--;
        if (m.empty()) cache_.erase(ns);
      }
    } else if (it != m.end()) {
      it->second = obj;
    } else {
      m.emplace(name, obj);
      size_++;
    }
  }
  for (const auto& h : handlers_) {
    if (type == "DELETED") {
      if (h.on_delete) h.on_delete(old ? old : obj);
    } else if (old) {
      if (h.on_update) h.on_update(old, obj);
    } else if (h.on_add) {
      h.on_add(obj);
    }
  }
}

StatusOr<std::string> Informer::Relist() {
  std::string target = path_ + (query_.empty() ? "" : "?" + query_);
  auto list = client_->Get(target);
  if (!list.ok()) return list.status();
  if (!list->is_object()) return Status(Reason::kInternalError, "list of " + path_ + " is not an object");
  auto& lo = list->as_object();
  std::string rv = GetString(lo, {"metadata", "resourceVersion"});
  std::map<std::string, std::map<std::string, bool>> seen;
  if (auto* items = lo.if_contains("items"); items && items->is_array()) {
    for (auto& item : items->as_array()) {
      if (!item.is_object()) continue;
      auto obj = std::make_shared<const json::object>(std::move(item.as_object()));
      std::string ns = GetString(*obj, {"metadata", "namespace"});
      std::string name = GetString(*obj, {"metadata", "name"});
      seen[ns][name] = true;
      ObjectPtr old = Get(ns, name);
      if (old && GetString(*old, {"metadata", "resourceVersion"}) ==
                     GetString(*obj, {"metadata", "resourceVersion"})) {
        continue;
      }
      Apply("MODIFIED", obj);
    }
  }
  for (const auto& o : List("")) {
    std::string ns = GetString(*o, {"metadata", "namespace"});
    std::string name = GetString(*o, {"metadata", "name"});
    auto n = seen.find(ns);
    if (n == seen.end() || !n->second.count(name)) Apply("DELETED", o);
  }
  return rv;
}

void Informer::Loop() {
  std::mt19937 rng(std::random_device{}());
  auto backoff = std::chrono::milliseconds(500);
  auto sleep = [&](std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> l(sync_mu_);
    sync_cv_.wait_for(l, d, [&] { return stop_.load(); });
  };
  while (!stop_) {
    auto rv = Relist();
    if (!rv.ok()) {
      sleep(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
      continue;
    }
    SetSynced();
    std::string last = *rv;
    while (!stop_) {
      int timeout = 300 + static_cast<int>(rng() % 300);
      std::string target = path_ + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + last +
                           "&timeoutSeconds=" + std::to_string(timeout) +
                           (query_.empty() ? "" : "&" + query_);
      bool expired = false;
      Status st = client_->Watch(
          target,
          [&](const std::string& type, json::value& object) {
            if (!object.is_object()) return true;
            if (type == "ERROR") {
              int code = static_cast<int>(GetInt(object.as_object(), {"code"}));
              expired = code == 410;
              return false;
            }
            std::string v = GetString(object.as_object(), {"metadata", "resourceVersion"});
            if (!v.empty()) last = v;
            if (type == "BOOKMARK") return true;
            Apply(type, std::make_shared<const json::object>(std::move(object.as_object())));
            return true;
          },
          &stop_);
      if (stop_) return;
      if (expired || !st.ok()) {
        if (!st.ok() && st.reason() != Reason::kGone && st.reason() != Reason::kExpired) {
          sleep(backoff);
          backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
        }
        break;  // relist
      }
      backoff = std::chrono::milliseconds(500);
    }
  }
}

InformerFactory::~InformerFactory() { StopAll(); }

Informer* InformerFactory::For(const std::string& collection_path) {
  std::lock_guard<std::mutex> l(mu_);
  auto& inf = informers_[collection_path];
  if (!inf) {
    inf = std::make_unique<Informer>(client_, collection_path);
    if (started_) inf->Start();
  }
  return inf.get();
}

void InformerFactory::StartAll() {
  std::lock_guard<std::mutex> l(mu_);
  started_ = true;
  for (auto& [_, inf] : informers_) inf->Start();
}

void InformerFactory::StopAll() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [_, inf] : informers_) inf->Stop();
}

bool InformerFactory::WaitForSync(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Informer*> all;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [_, inf] : informers_) all.push_back(inf.get());
  }
  for (auto* inf : all) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !inf->WaitForSync(left)) return false;
  }
  return true;
}

}  // namespace berth::controller
