#include "apiserver/rest/resource_handler.h"

#include <openssl/evp.h>

#include "apiserver/rest/deletion_propagation.h"
#include "apiserver/rest/list_filter.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/status_json.h"
#include "apiserver/rest/table.h"
#include "apiserver/timer_service.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

Response JsonResponse(int code, const json::value& v) {
  Response r;
  r.status = code;
  r.body = json::serialize(v);
  return r;
}

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Unbase64(const std::string& in, std::string* out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  std::string buf(in.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (in.size() >= 1 && in[in.size() - 1] == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  buf.resize(static_cast<size_t>(n) - pad);
  *out = std::move(buf);
  return true;
}

struct ContinueToken {
  int64_t revision = 0;
  std::string start;
};

std::string EncodeContinue(const ContinueToken& t) {
  json::object o{{"v", "meta.k8s.io/v1"}, {"rv", t.revision}, {"start", t.start}};
  return Base64(json::serialize(o));
}

StatusOr<ContinueToken> DecodeContinue(const std::string& s) {
  std::string raw;
  auto bad = BadRequest("continue key is not valid: " + s);
  if (!Unbase64(s, &raw)) return bad;
  boost::system::error_code ec;
  json::value v = json::parse(raw, ec);
  if (ec || !v.is_object()) return bad;
  ContinueToken t;
  t.revision = GetInt(v, {"rv"});
  t.start = GetString(v, {"start"});
  // -1 is the "inconsistent" token handed out when the original revision was compacted.
  if (t.revision <= 0 && t.revision != -1) return bad;
  return t;
}

}  // namespace

ResourceHandler::ResourceHandler(store::Store* store, const api::Registry* registry,
                                 const Clock* clock, TimerService* timers)
    : store_(store), registry_(registry), clock_(clock), timers_(timers) {}

void ResourceHandler::Handle(const RequestInfo& info, const api::ResourceType& t,
                             const Request& req, std::shared_ptr<Responder> responder) {
  if (!t.namespaced && !info.namespace_.empty() && t.plural != "namespaces") {
    return responder->Send(StatusResponse(
        Status(Reason::kNotFound, "the server could not find the requested resource")));
  }
  const std::string& sub = info.subresource;
  if (!sub.empty()) {
    bool ok = (sub == "status" && t.has_status) || (sub == "scale" && t.scale) ||
              (sub == "finalize" && t.plural == "namespaces") ||
              ((sub == "binding" || sub == "eviction" || sub == "ephemeralcontainers") &&
               t.group.empty() && t.plural == "pods");
    if (!ok) {
      return responder->Send(StatusResponse(
          Status(Reason::kNotFound, "the server could not find the requested resource")));
    }
    if (sub == "scale") return responder->Send(Scale(info, t, req));
    if (sub == "binding") return responder->Send(Binding(info, t, req));
    if (sub == "eviction") return responder->Send(Eviction(info, t, req));
  }
  const std::string& v = info.verb;
  if (v == "watch") return Watch(info, t, req, std::move(responder));
  Response r;
  if (v == "get") {
    r = Get(info, t, req);
  } else if (v == "list") {
    r = List(info, t, req);
  } else if (v == "create") {
    if (!info.name.empty()) {
      r = StatusResponse(Status(Reason::kMethodNotAllowed,
                                "the server does not allow this method on the requested resource"));
    } else {
      r = Create(info, t, req);
    }
  } else if (v == "update") {
    r = Update(info, t, req);
  } else if (v == "patch") {
    r = Patch(info, t, req);
  } else if (v == "delete") {
    r = Delete(info, t, req);
  } else if (v == "deletecollection") {
    r = DeleteCollection(info, t, req);
  } else {
    r = StatusResponse(Status(Reason::kMethodNotAllowed,
                              "the server does not allow this method on the requested resource"));
  }
  responder->Send(std::move(r));
}

StatusOr<json::object> ResourceHandler::GetObject(const api::ResourceType& t,
                                                  const std::string& ns, const std::string& name,
                                                  int64_t* mod_revision) {
  auto kv = store_->Get(ObjectKey(t, ns, name));
  if (!kv.ok()) {
    if (kv.status().reason() == Reason::kNotFound) return NotFound(t.QualifiedResource(), name);
    return kv.status();
  }
  if (mod_revision) *mod_revision = kv->mod_revision;
  return DecodeStored(t, *kv);
}

Response ResourceHandler::Get(const RequestInfo& info, const api::ResourceType& t,
                              const Request& req) {
  auto obj = GetObject(t, info.namespace_, info.name);
  if (!obj.ok()) return StatusResponse(obj.status());
  if (WantsTable(req)) {
    api::HookContext ctx{clock_->Now()};
    json::object table = BuildTable(t, {&*obj}, ctx, ParseIncludeObject(req));
    table["metadata"].as_object()["resourceVersion"] =
        GetString(*obj, {"metadata", "resourceVersion"});
    Response r = JsonResponse(200, table);
    r.content_type = kTableContentType;
    return r;
  }
  return JsonResponse(200, *obj);
}

Response ResourceHandler::List(const RequestInfo& info, const api::ResourceType& t,
                               const Request& req) {
  auto filter = ListFilter::FromRequest(req, t);
  if (!filter.ok()) return StatusResponse(filter.status());

  int64_t limit = 0;
  if (auto l = req.Query("limit")) {
    limit = std::atoll(l->c_str());
    if (limit < 0) limit = 0;
  }
  int64_t revision = 0;
  std::string start;
  if (auto c = req.Query("continue"); c && !c->empty()) {
    auto tok = DecodeContinue(*c);
    if (!tok.ok()) return StatusResponse(tok.status());
    revision = tok->revision == -1 ? 0 : tok->revision;  // -1: continue at the latest revision
    start = tok->start;
    // (The current revision is always readable, even when it is also the compacted one.)
    if (tok->revision != -1 && revision < store_->OldestRevision() &&
        revision != store_->CurrentRevision()) {
      // Like kube: the 410 carries a token that continues from the same key at the latest
      // revision (an inconsistent list), for clients that accept that.
      json::object status = StatusToJson(Status(
          Reason::kExpired,
          "The provided continue parameter is too old to display a consistent list result. You "
          "can start a new list without the continue parameter, or use the continue token in "
          "this response to retrieve the remainder of the results. Continuing with the provided "
          "token results in an inconsistent list - objects that were created, modified, or "
          "deleted between the time the first chunk was returned and now may show up in the "
          "list."));
      status["metadata"] = json::object{{"continue", EncodeContinue({-1, start})}};
      return JsonResponse(410, status);
    }
  } else if (auto rv = req.Query("resourceVersion"); rv && !rv->empty() && *rv != "0") {
    char* end = nullptr;
    long long n = std::strtoll(rv->c_str(), &end, 10);
    if (!end || *end || n <= 0) {
      return StatusResponse(BadRequest("invalid resource version: " + *rv));
    }
    std::string match = req.Query("resourceVersionMatch").value_or("");
    if (match == "Exact") {
      revision = n;
    } else if (n > store_->CurrentRevision()) {
      return StatusResponse(Status(Reason::kTimeout, "Too large resource version: " + *rv +
                                                         ", current: " +
                                                         std::to_string(store_->CurrentRevision())));
    }
  }

  std::string prefix = ObjectPrefix(t, info.namespace_);
  std::vector<json::object> items;
  std::string next_start;
  int64_t remaining = -1;
  int64_t list_rev = revision;

  if (filter->exact_name() && start.empty()) {
    // metadata.name=<x>: a point read instead of a scan.
    if (!info.namespace_.empty() || !t.namespaced) {
      // The revision first, then the read at it: reading the latest value and the revision
      // afterwards could pair an object with a revision after its deletion, and a client
      // watching from that revision (kubectl delete --wait) would never see the DELETED event.
      list_rev = revision ? revision : store_->CurrentRevision();
      auto kv = store_->Get(prefix + *filter->exact_name(), list_rev);
      if (kv.ok()) {
        auto o = DecodeStored(t, *kv);
        if (o.ok() && filter->Matches(*o)) items.push_back(std::move(*o));
      } else if (kv.status().reason() != Reason::kNotFound) {
        return StatusResponse(kv.status());
      }
      goto done;
    }
  }
  for (;;) {
    int64_t batch = limit ? std::max<int64_t>(limit - static_cast<int64_t>(items.size()), 1) : 0;
    if (limit && !filter->empty()) batch = std::max<int64_t>(batch, 256);
    auto res = store_->List(prefix, start, batch, list_rev);
    if (!res.ok()) return StatusResponse(res.status());
    list_rev = res->revision;
    bool stopped = false;
    for (size_t i = 0; i < res->kvs.size(); ++i) {
      const auto& kv = res->kvs[i];
      // In an all-namespaces list, skip nothing; in a namespace the prefix is exact.
      auto o = DecodeStored(t, kv);
      if (!o.ok()) return StatusResponse(o.status());
      if (!filter->Matches(*o)) continue;
      items.push_back(std::move(*o));
      if (limit && static_cast<int64_t>(items.size()) == limit) {
        bool more_after = i + 1 < res->kvs.size() || res->more;
        if (more_after) {
          next_start = kv.key + std::string(1, '\0');
          if (filter->empty()) {
            remaining = static_cast<int64_t>(res->kvs.size() - i - 1) + res->remaining;
          }
        }
        stopped = true;
        break;
      }
    }
    if (stopped || !res->more || res->kvs.empty()) break;
    start = res->kvs.back().key + std::string(1, '\0');
  }
done:
  json::object meta{{"resourceVersion", std::to_string(list_rev)}};
  if (!next_start.empty()) {
    meta["continue"] = EncodeContinue({list_rev, next_start});
    if (remaining > 0) meta["remainingItemCount"] = remaining;
  }
  if (WantsTable(req)) {
    api::HookContext ctx{clock_->Now()};
    std::vector<const json::object*> ptrs;
    for (const auto& o : items) ptrs.push_back(&o);
    json::object table = BuildTable(t, ptrs, ctx, ParseIncludeObject(req));
    table["metadata"] = std::move(meta);
    Response r = JsonResponse(200, table);
    r.content_type = kTableContentType;
    return r;
  }
  json::array arr;
  arr.reserve(items.size());
  for (auto& o : items) arr.push_back(std::move(o));
  json::object list{{"kind", t.list_kind}, {"apiVersion", t.ApiVersion()},
                    {"metadata", std::move(meta)}, {"items", std::move(arr)}};
  return JsonResponse(200, list);
}

// --- delete ---

StatusOr<json::object> ResourceHandler::DoDelete(const api::ResourceType& t, const std::string& ns,
                                                 const std::string& name,
                                                 const json::object& options, bool dry_run,
                                                 bool* deleted_now) {
  *deleted_now = false;
  for (int attempt = 0; attempt < 10; ++attempt) {
    int64_t rev = 0;
    auto cur = GetObject(t, ns, name, &rev);
    if (!cur.ok()) return cur.status();
    json::object obj = std::move(*cur);
    // Preconditions.
    if (const auto* pre = options.if_contains("preconditions"); pre && pre->is_object()) {
      std::string uid = GetString(*pre, {"uid"});
      std::string prv = GetString(*pre, {"resourceVersion"});
      if (!uid.empty() && uid != GetString(obj, {"metadata", "uid"})) {
        return ConflictError(t.QualifiedResource(), name,
                             "Precondition failed: UID in precondition: " + uid +
                                 ", UID in object meta: " + GetString(obj, {"metadata", "uid"}));
      }
      if (!prv.empty() && prv != std::to_string(rev)) {
        return ConflictError(t.QualifiedResource(), name,
                             "Precondition failed: ResourceVersion in precondition: " + prv +
                                 ", ResourceVersion in object meta: " + std::to_string(rev));
      }
    }
    json::object& meta = obj["metadata"].as_object();
    bool already_deleting = meta.contains("deletionTimestamp");
    bool is_namespace = t.plural == "namespaces" && t.group.empty();
    // The garbage collector's finalizers for the requested propagation (deletion_propagation.h).
    if (!already_deleting && !is_namespace) {
      if (auto gc_fins = FinalizersForDeletion(t, meta, options)) {
        if (gc_fins->empty()) {
          meta.erase("finalizers");
        } else {
          meta["finalizers"] = std::move(*gc_fins);
        }
      }
    }
    const json::value* fins = meta.if_contains("finalizers");
    bool has_finalizers = fins && fins->is_array() && !fins->as_array().empty();

    // Graceful deletion: pods on a node wait for the node agent; namespaces
    // drain their contents; objects with finalizers wait for them.
    int64_t grace = -1;
    if (const auto* g = options.if_contains("gracePeriodSeconds"); g && g->is_number()) {
      grace = g->is_int64() ? g->get_int64() : static_cast<int64_t>(g->to_number<double>());
    }
    bool graceful_pod = false;
    if (t.kind == "Pod" && t.group.empty() && !GetString(obj, {"spec", "nodeName"}).empty()) {
      if (grace < 0) grace = GetInt(obj, {"spec", "terminationGracePeriodSeconds"}, 30);
      graceful_pod = grace > 0 && GetString(obj, {"status", "phase"}) != "Succeeded" &&
                     GetString(obj, {"status", "phase"}) != "Failed";
    }
    if (has_finalizers || graceful_pod || is_namespace) {
      if (already_deleting && !graceful_pod) {
        // A pod whose node agent confirms termination (grace 0) while finalizers remain is
        // removed as soon as the last finalizer goes (see DoUpdate).
        bool confirm_pod = t.kind == "Pod" && t.group.empty() && grace == 0 &&
                           GetInt(obj, {"metadata", "deletionGracePeriodSeconds"}, -1) != 0;
        if (!confirm_pod || dry_run) return obj;
        meta["deletionGracePeriodSeconds"] = 0;
        auto r = store_->Update(ObjectKey(t, ns, name), EncodeForStore(t, obj), {rev});
        if (!r.ok()) {
          if (r.status().reason() == Reason::kConflict) continue;
          return r.status();
        }
        meta["resourceVersion"] = std::to_string(*r);
        return obj;
      }
      auto now = clock_->Now();
      if (!already_deleting || graceful_pod) {
        meta["deletionTimestamp"] =
            FormatRfc3339(now + std::chrono::seconds(graceful_pod ? grace : 0));
        meta["deletionGracePeriodSeconds"] = graceful_pod ? grace : 0;
      }
      if (is_namespace) {
        json::value& st = obj["status"];
        if (!st.is_object()) st = json::object();
        st.as_object()["phase"] = "Terminating";
      }
      if (dry_run) return obj;
      auto r = store_->Update(ObjectKey(t, ns, name), EncodeForStore(t, obj), {rev});
      if (!r.ok()) {
        if (r.status().reason() == Reason::kConflict) continue;
        return r.status();
      }
      meta["resourceVersion"] = std::to_string(*r);
      if (is_namespace && on_namespace_terminating) on_namespace_terminating(name);
      return obj;
    }
    if (dry_run) return obj;
    auto r = store_->Delete(ObjectKey(t, ns, name), {rev});
    if (!r.ok()) {
      if (r.status().reason() == Reason::kConflict) continue;
      if (r.status().reason() == Reason::kNotFound) return NotFound(t.QualifiedResource(), name);
      return r.status();
    }
    if (WriteHook* hook = HookFor(t)) hook->AfterDelete(obj);
    *deleted_now = true;
    return obj;
  }
  return ConflictError(t.QualifiedResource(), name, "too many concurrent changes");
}

Response ResourceHandler::Delete(const RequestInfo& info, const api::ResourceType& t,
                                 const Request& req) {
  json::object options;
  if (!req.body.empty()) {
    auto body = ParseJsonOrYaml(req.body);
    if (!body.ok()) return StatusResponse(body.status());
    if (body->is_object()) options = body->as_object();
  }
  if (auto g = req.Query("gracePeriodSeconds")) options["gracePeriodSeconds"] = std::atoll(g->c_str());
  AddPropagationQuery(req, &options);
  if (Status v = ValidatePropagation(options); !v.ok()) return StatusResponse(v);
  bool dry_run = req.Query("dryRun").value_or("") == "All";
  if (auto* d = options.if_contains("dryRun"); d && d->is_array() && !d->as_array().empty()) {
    dry_run = true;
  }
  bool deleted_now = false;
  auto r = DoDelete(t, info.namespace_, info.name, options, dry_run, &deleted_now);
  if (!r.ok()) return StatusResponse(r.status());
  return JsonResponse(200, *r);
}

Response ResourceHandler::DeleteCollection(const RequestInfo& info, const api::ResourceType& t,
                                           const Request& req) {
  auto filter = ListFilter::FromRequest(req, t);
  if (!filter.ok()) return StatusResponse(filter.status());
  json::object options;
  if (!req.body.empty()) {
    auto body = ParseJsonOrYaml(req.body);
    if (!body.ok()) return StatusResponse(body.status());
    if (body->is_object()) options = body->as_object();
  }
  AddPropagationQuery(req, &options);
  if (Status v = ValidatePropagation(options); !v.ok()) return StatusResponse(v);
  bool dry_run = req.Query("dryRun").value_or("") == "All";
  auto res = store_->List(ObjectPrefix(t, info.namespace_), "", 0, 0);
  if (!res.ok()) return StatusResponse(res.status());
  json::array deleted;
  for (const auto& kv : res->kvs) {
    auto o = DecodeStored(t, kv);
    if (!o.ok() || !filter->Matches(*o)) continue;
    bool now = false;
    auto r = DoDelete(t, GetString(*o, {"metadata", "namespace"}),
                      GetString(*o, {"metadata", "name"}), options, dry_run, &now);
    if (r.ok()) deleted.push_back(std::move(*r));
  }
  json::object list{{"kind", t.list_kind}, {"apiVersion", t.ApiVersion()},
                    {"metadata", json::object{{"resourceVersion",
                                               std::to_string(store_->CurrentRevision())}}},
                    {"items", std::move(deleted)}};
  return JsonResponse(200, list);
}

}  // namespace berth::apiserver
