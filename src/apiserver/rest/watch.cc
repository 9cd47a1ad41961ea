// Watch: a chunked stream of WatchEvents fed by the store's ordered watch.
// Label and field selectors apply to both the old and new state, so an object
// that starts matching arrives as ADDED and one that stops matching as
// DELETED, as kube-apiserver does.
#include <mutex>
#include <random>
#include <unordered_map>

#include "apiserver/rest/list_filter.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"
#include "apiserver/rest/table.h"
#include "apiserver/timer_service.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

struct WatchState {
  const api::ResourceType* type = nullptr;
  const Clock* clock = nullptr;
  ListFilter filter;
  bool table = false;
  bool bookmarks = false;
  IncludeObject include = IncludeObject::kMetadata;
  std::shared_ptr<StreamWriter> writer;
  std::mutex mu;
  std::unique_ptr<store::Watch> watch;
  TimerService::Handle timer;
  bool first = true;
  int64_t last_sent = 0;
  // Time of the last write of any event (a bookmark follows ~10 s of silence).
  std::chrono::steady_clock::time_point last_bookmark = std::chrono::steady_clock::now();

  void Send(const char* type_name, const json::object& obj) {
    last_bookmark = std::chrono::steady_clock::now();
    json::object ev{{"type", type_name}};
    if (table && std::string(type_name) != "BOOKMARK" && std::string(type_name) != "ERROR") {
      api::HookContext ctx{clock->Now()};
      json::object t = BuildTable(*type, {&obj}, ctx, include, first);
      t["metadata"].as_object()["resourceVersion"] = GetString(obj, {"metadata", "resourceVersion"});
      first = false;
      ev["object"] = std::move(t);
    } else {
      ev["object"] = obj;
    }
    writer->Write(json::serialize(ev) + "\n");
  }

  void Stop() {
    std::unique_ptr<store::Watch> w;
    {
      std::lock_guard<std::mutex> l(mu);
      w = std::move(watch);
    }
    if (w) w->Cancel();
    timer.Cancel();
  }
};

using ObjectPtr = std::shared_ptr<const json::object>;

// Decodes a stored value once for all watchers: the store calls every watcher's callback with
// the same events on its notifier thread, so a small per-thread cache keyed by (key, revision)
// turns one JSON parse per watcher per event into one per event. Null when undecodable.
ObjectPtr Decode(const store::KeyValue& kv) {
  struct Cache {
    std::unordered_map<std::string, ObjectPtr> map;  // "<revision>/<key>"
  };
  static thread_local Cache cache;
  std::string id = std::to_string(kv.mod_revision) + "/" + kv.key;
  if (auto it = cache.map.find(id); it != cache.map.end()) return it->second;
  auto o = DecodeStored(kv);
  ObjectPtr p = o.ok() ? std::make_shared<const json::object>(std::move(*o)) : nullptr;
  if (cache.map.size() >= 1024) cache.map.clear();  // ~ one batch of events; bounds memory
  cache.map.emplace(std::move(id), p);
  return p;
}

}  // namespace

void ResourceHandler::Watch(const RequestInfo& info, const api::ResourceType& t,
                            const Request& req, std::shared_ptr<Responder> responder) {
  auto filter = ListFilter::FromRequest(req, t);
  if (!filter.ok()) return responder->Send(StatusResponse(filter.status()));
  auto st = std::make_shared<WatchState>();
  st->type = &t;
  st->clock = clock_;
  st->filter = std::move(*filter);
  st->table = WantsTable(req);
  st->include = ParseIncludeObject(req);
  st->bookmarks = req.Query("allowWatchBookmarks").value_or("") == "true";

  int64_t timeout_s = 0;
  if (auto ts = req.Query("timeoutSeconds")) timeout_s = std::atoll(ts->c_str());
  if (timeout_s <= 0) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    timeout_s = 1800 + static_cast<int64_t>(rng() % 1800);
  }

  std::string rv = req.Query("resourceVersion").value_or("");
  int64_t from = 0;
  bool initial_list = rv.empty() || rv == "0";
  if (!initial_list) {
    char* end = nullptr;
    from = std::strtoll(rv.c_str(), &end, 10);
    if (!end || *end || from <= 0) {
      return responder->Send(StatusResponse(BadRequest("invalid resource version: " + rv)));
    }
  }
  std::string prefix = ObjectPrefix(t, info.namespace_);
  std::vector<json::object> initial;
  if (initial_list) {
    auto res = store_->List(prefix, "", 0, 0);
    if (!res.ok()) return responder->Send(StatusResponse(res.status()));
    from = res->revision;
    for (const auto& kv : res->kvs) {
      auto o = DecodeStored(t, kv);
      if (o.ok() && st->filter.Matches(*o)) initial.push_back(std::move(*o));
    }
  }

  st->writer = responder->StartStream(200, st->table ? kTableContentType : "application/json");
  std::weak_ptr<WatchState> weak = st;
  st->writer->OnClose([weak] {
    if (auto s = weak.lock()) s->Stop();
  });
  {
    std::lock_guard<std::mutex> l(st->mu);
    for (const auto& o : initial) st->Send("ADDED", o);
    st->last_sent = from;
  }

  auto cb = [st](const std::vector<store::Event>& events, int64_t progress) {
    std::lock_guard<std::mutex> l(st->mu);
    if (st->writer->closed()) return;
    // The shared decode, converted for a type kept in another resource's storage.
    auto decode = [&st](const store::KeyValue& kv) -> ObjectPtr {
      ObjectPtr p = Decode(kv);
      if (!p || !st->type->from_storage) return p;
      auto converted = std::make_shared<json::object>(*p);
      st->type->from_storage(*converted);
      return converted;
    };
    for (const auto& e : events) {
      if (e.kv.mod_revision <= st->last_sent) continue;
      st->last_sent = e.kv.mod_revision;
      if (e.type == store::Event::Type::kDelete) {
        auto old = decode(e.kv);
        if (old && st->filter.Matches(*old)) st->Send("DELETED", *old);
        continue;
      }
      auto now = decode(e.kv);
      if (!now) continue;
      bool match_now = st->filter.Matches(*now);
      bool match_before = false;
      if (e.prev) {
        auto before = decode(*e.prev);
        match_before = before && st->filter.Matches(*before);
      }
      if (match_now && match_before) {
        st->Send("MODIFIED", *now);
      } else if (match_now) {
        st->Send("ADDED", *now);
      } else if (match_before) {
        st->Send("DELETED", *now);
      }
    }
    // Bookmarks tell informers how far they are (and keep a quiet stream alive): one after ~10 s
    // without a write to this watcher, also while other objects' events are being filtered out.
    auto now_mono = std::chrono::steady_clock::now();
    // `progress` vouches for "nothing more up to here" only in an empty batch; after events the
    // bookmark may only claim what this batch covered (a later batch may still bring revisions
    // between the two, and last_sent skips everything at or below it).
    int64_t upto = events.empty() ? std::max(st->last_sent, progress) : st->last_sent;
    if (st->bookmarks && now_mono - st->last_bookmark >= std::chrono::seconds(10) && upto > 0) {
      st->last_bookmark = now_mono;
      st->last_sent = upto;
      json::object bm{{"kind", st->type->kind},
                      {"apiVersion", st->type->ApiVersion()},
                      {"metadata", json::object{{"resourceVersion", std::to_string(upto)}}}};
      st->Send("BOOKMARK", bm);
    }
  };
  auto w = store_->WatchPrefix(prefix, from, cb);
  if (!w.ok()) {
    Status gone(Reason::kExpired, "too old resource version: " + std::to_string(from) + " (" +
                                      std::to_string(store_->OldestRevision() - 1) + ")");
    {
      std::lock_guard<std::mutex> l(st->mu);
      st->Send("ERROR", StatusToJson(w.status().reason() == Reason::kExpired ? gone : w.status()));
    }
    st->writer->Close();
    return;
  }
  {
    std::lock_guard<std::mutex> l(st->mu);
    st->watch = std::move(*w);
  }
  st->timer = timers_->After(std::chrono::seconds(timeout_s), [weak] {
    if (auto s = weak.lock()) s->writer->Close();
  });
  if (st->writer->closed()) st->Stop();
}

}  // namespace berth::apiserver
