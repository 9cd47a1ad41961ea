// The write half of ResourceHandler: create, update and patch, and the shared
// pipeline every write goes through (see resource_handler.h).
#include <algorithm>

#include "api/apply/apply.h"
#include "api/patch/json_patch.h"
#include "api/patch/merge_patch.h"
#include "api/patch/strategic_merge.h"
#include "api/schema/decode.h"
#include "api/validation/metadata.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/prune.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"
#include "common/json.h"

namespace berth::apiserver {

struct ResourceHandler::WriteContext {
  std::string manager;
  bool dry_run = false;
  FieldValidation validation = FieldValidation::kWarn;
  std::vector<std::string> warnings;
  bool managed_fields_done = false;  // server-side apply computed them already
};

namespace {

const char* kModified =
    "the object has been modified; please apply your changes to the latest version and try again";

std::string DefaultManager(const Request& req) {
  if (auto m = req.Query("fieldManager"); m && !m->empty()) return *m;
  std::string ua = req.Header("user-agent");
  std::string m = ua.substr(0, ua.find('/'));
  return m.empty() ? "unknown" : m.substr(0, 128);
}

std::string WarningHeader(const std::string& text) {
  std::string esc;
  for (char c : text) {
    if (c == '"' || c == '\\') esc += '\\';
    esc += c;
  }
  return "299 - \"" + esc + "\"";
}

Response Reply(int code, const json::object& obj, const std::vector<std::string>& warnings) {
  Response r;
  r.status = code;
  r.body = json::serialize(obj);
  for (const auto& w : warnings) r.headers.emplace_back("Warning", WarningHeader(w));
  return r;
}

api::validation::NameRule NameRuleFor(const api::ResourceType& t) {
  if (t.group.empty() && t.plural == "namespaces") return api::validation::NameRule::kDNS1123Label;
  if (t.group.empty() && t.plural == "services") return api::validation::NameRule::kDNS1035Label;
  return api::validation::NameRule::kDNS1123Subdomain;
}

// Empty label and annotation maps are not stored, as Go's omitempty drops them.
void DropEmptyMetadataMaps(json::object& obj) {
  auto* m = obj.if_contains("metadata");
  if (!m || !m->is_object()) return;
  for (const char* k : {"labels", "annotations", "finalizers", "ownerReferences"}) {
    auto* v = m->as_object().if_contains(k);
    if (!v) continue;
    if (v->is_null() || (v->is_object() && v->as_object().empty()) ||
        (v->is_array() && v->as_array().empty())) {
      m->as_object().erase(k);
    }
  }
}

json::object WithoutVolatile(json::object o) {
  if (auto* m = o.if_contains("metadata"); m && m->is_object()) {
    m->as_object().erase("resourceVersion");
    m->as_object().erase("managedFields");
  }
  return o;
}

bool SpecChanged(const json::object& a, const json::object& b) {
  auto strip = [](json::object o) {
    o.erase("metadata");
    o.erase("status");
    return o;
  };
  return strip(a) != strip(b);
}

api::apply::ApplyOptions MakeApplyOptions(const api::ResourceType& t, const std::string& manager,
                                          const Clock* clock, const std::string& sub,
                                          bool force = false) {
  api::apply::ApplyOptions o;
  o.manager = manager;
  o.force = force;
  o.api_version = t.ApiVersion();
  o.now_rfc3339 = FormatRfc3339(clock->Now());
  o.subresource = sub;
  return o;
}

// Reads the per-request write options: fieldValidation, fieldManager, dryRun.
template <typename WC>
Status InitWriteContext(const Request& req, WC* wc) {
  auto mode = ParseFieldValidation(req);
  if (!mode.ok()) return mode.status();
  wc->validation = *mode;
  wc->manager = DefaultManager(req);
  wc->dry_run = req.Query("dryRun").value_or("") == "All";
  return {};
}

// The write options plus the request body, which must be a JSON/YAML/protobuf object.
template <typename WC>
StatusOr<json::value> DecodeWriteRequest(const api::ResourceType& t, const Request& req, WC* wc,
                                         std::vector<std::string>* dups) {
  BERTH_RETURN_IF_ERROR(InitWriteContext(req, wc));
  auto body = DecodeBody(req, &t, dups);
  if (!body.ok()) return body.status();
  if (!body->is_object()) return BadRequest("the request body must be an object");
  return body;
}

}  // namespace

// Checks the decoded body against the kind's schema: type errors are 400;
// unknown and duplicate fields are 400 (Strict), warnings (Warn) or
// silently dropped (Ignore). Unknown fields never reach the store.
static Status CheckFields(const api::ResourceType& t, json::value& obj,
                          const std::vector<std::string>& dups, FieldValidation mode,
                          std::vector<std::string>* warnings) {
  if (!t.schema) return {};
  api::DecodeIssues issues = api::CheckAgainstSchema(*t.schema, obj);
  // kube-apiserver prefixes decoding errors with what it was decoding.
  std::string prefix =
      t.kind + " in version \"" + t.version + "\" cannot be handled as a " + t.kind + ": ";
  if (!issues.type_errors.empty()) return BadRequest(prefix + issues.type_errors.front());
  if (mode == FieldValidation::kStrict && (!issues.unknown_fields.empty() || !dups.empty())) {
    return BadRequest(prefix + api::StrictDecodingError(issues.unknown_fields, dups));
  }
  if (mode == FieldValidation::kWarn) {
    for (const auto& u : issues.unknown_fields) warnings->push_back("unknown field \"" + u + "\"");
    for (const auto& d : dups) warnings->push_back("duplicate field \"" + d + "\"");
  }
  if (!issues.unknown_fields.empty()) PruneUnknownFields(*t.schema, obj);
  return {};
}

Status ResourceHandler::CheckNamespaceWritable(const api::ResourceType& t, const std::string& ns,
                                               const std::string& name) {
  if (!t.namespaced) return {};
  const api::ResourceType* nst = registry_->Find("", "v1", "namespaces").get();
  if (!nst) return {};
  auto n = GetObject(*nst, "", ns);
  if (!n.ok()) {
    if (n.status().reason() == Reason::kNotFound) return NotFound("namespaces", ns);
    return n.status();
  }
  if (GetPath(*n, {"metadata", "deletionTimestamp"}) ||
      GetString(*n, {"status", "phase"}) == "Terminating") {
    StatusDetails d;
    d.name = name;
    d.kind = t.plural;
    d.group = t.group;
    return Status(Reason::kForbidden,
                  t.QualifiedResource() + " \"" + name +
                      "\" is forbidden: unable to create new content in namespace " + ns +
                      " because it is being terminated",
                  d);
  }
  return {};
}

StatusOr<json::object> ResourceHandler::DoCreate(const api::ResourceType& t, const std::string& ns,
                                                 json::object obj, WriteContext& wc) {
  json::value& mv = obj["metadata"];
  if (!mv.is_object()) mv = json::object();
  json::object& meta = mv.as_object();
  if (t.namespaced) {
    std::string body_ns = meta.contains("namespace") && meta["namespace"].is_string()
                              ? std::string(meta["namespace"].get_string())
                              : "";
    if (!body_ns.empty() && !ns.empty() && body_ns != ns) {
      return BadRequest(
          "the namespace of the provided object does not match the namespace sent on the "
          "request");
    }
    meta["namespace"] = ns.empty() ? body_ns : ns;
  } else {
    meta.erase("namespace");
  }
  std::string name = GetString(obj, {"metadata", "name"});
  std::string gen = GetString(obj, {"metadata", "generateName"});
  if (name.empty() && !gen.empty()) {
    name = gen + RandomNameSuffix();
    meta["name"] = name;
  }
  meta["uid"] = NewUid();
  meta["creationTimestamp"] = FormatRfc3339(clock_->Now());
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  meta.erase("selfLink");
  if (t.generation_tracks_spec) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  obj["apiVersion"] = t.ApiVersion();
  obj["kind"] = t.kind;
  if (t.has_status && !t.status_set_on_create) obj.erase("status");
  if (t.default_fn) t.default_fn(obj);
  for (auto* step : admission_) BERTH_RETURN_IF_ERROR(step->Mutate(t, obj));
  DropEmptyMetadataMaps(obj);

  std::vector<Cause> causes = api::validation::ValidateObjectMeta(
      obj["metadata"].as_object(), t.namespaced, NameRuleFor(t), true);
  if (t.validate_fn) {
    auto more = t.validate_fn(obj, nullptr);
    causes.insert(causes.end(), more.begin(), more.end());
  }
  if (!causes.empty()) return InvalidError(t.kind, t.group, name, std::move(causes));
  BERTH_RETURN_IF_ERROR(
      CheckNamespaceWritable(t, GetString(obj, {"metadata", "namespace"}), name));

  if (!wc.managed_fields_done && t.schema) {
    json::value tracked = api::apply::TrackUpdate(nullptr, json::value(std::move(obj)), *t.schema,
                                                  MakeApplyOptions(t, wc.manager, clock_, ""));
    obj = std::move(tracked.as_object());
  }
  // Server-allocated fields (Service IPs and node ports); given back unless committed.
  std::unique_ptr<WriteReservation> reservation;
  if (WriteHook* hook = HookFor(t)) {
    auto r = hook->BeginWrite(obj, nullptr);
    if (!r.ok()) return r.status();
    reservation = std::move(*r);
  }
  // Admission checks (quota); their guards are released after the store write.
  std::vector<std::unique_ptr<admission::AdmissionGuard>> admitted;
  for (auto* step : admission_) {
    auto g = step->Admit(t, obj);
    if (!g.ok()) return g.status();
    admitted.push_back(std::move(*g));
  }
  if (wc.dry_run) return obj;
  std::string key = ObjectKey(t, GetString(obj, {"metadata", "namespace"}), name);
  auto rev = store_->Create(key, EncodeForStore(t, obj));
  if (!rev.ok()) {
    if (rev.status().reason() == Reason::kAlreadyExists) {
      return AlreadyExists(t.QualifiedResource(), name);
    }
    return rev.status();
  }
  if (reservation) reservation->Commit();
  obj["metadata"].as_object()["resourceVersion"] = std::to_string(*rev);
  return obj;
}

void ResourceHandler::SetWriteHook(const api::ResourceType& t, WriteHook* hook) {
  hooks_[t.QualifiedResource()] = hook;
}

WriteHook* ResourceHandler::HookFor(const api::ResourceType& t) const {
  if (hooks_.empty()) return nullptr;
  auto it = hooks_.find(t.QualifiedResource());
  return it == hooks_.end() ? nullptr : it->second;
}

StatusOr<json::object> ResourceHandler::CreateObject(const api::ResourceType& t, json::object obj,
                                                     const std::string& manager) {
  WriteContext wc;
  wc.manager = manager;
  std::string ns = GetString(obj, {"metadata", "namespace"});
  return DoCreate(t, ns, std::move(obj), wc);
}

StatusOr<json::object> ResourceHandler::DoUpdate(const api::ResourceType& t,
                                                 const json::object& old, int64_t old_rev,
                                                 json::object obj, WriteContext& wc,
                                                 const std::string& subresource) {
  std::string name = GetString(old, {"metadata", "name"});
  std::string ns = GetString(old, {"metadata", "namespace"});
  json::value& mv = obj["metadata"];
  if (!mv.is_object()) mv = json::object();
  json::object& meta = mv.as_object();
  std::string body_name = GetString(obj, {"metadata", "name"});
  if (!body_name.empty() && body_name != name) {
    return BadRequest("the name of the object (" + body_name +
                      ") does not match the name on the URL (" + name + ")");
  }
  meta["name"] = name;
  std::string body_ns = GetString(obj, {"metadata", "namespace"});
  if (t.namespaced && !body_ns.empty() && body_ns != ns) {
    return BadRequest(
        "the namespace of the provided object does not match the namespace sent on the request");
  }
  std::string want_rv = GetString(obj, {"metadata", "resourceVersion"});
  if (!want_rv.empty() && want_rv != std::to_string(old_rev)) {
    return ConflictError(t.QualifiedResource(), name, kModified);
  }
  const json::object& old_meta = old.at("metadata").as_object();

  json::object result;
  if (subresource == "status") {
    // Only status changes through /status.
    result = old;
    if (const auto* st = obj.if_contains("status")) {
      result["status"] = *st;
    } else {
      result.erase("status");
    }
    if (auto* mf = meta.if_contains("managedFields")) {
      result["metadata"].as_object()["managedFields"] = *mf;
    }
    // Annotations change through /status too (Kubernetes' status strategies reset only spec,
    // and labels for some kinds; the Job and Deployment conformance tests patch one this way).
    if (const auto* an = meta.if_contains("annotations")) {
      result["metadata"].as_object()["annotations"] = *an;
    } else {
      result["metadata"].as_object().erase("annotations");
    }
  } else if (subresource == "ephemeralcontainers") {
    // pods/ephemeralcontainers: only spec.ephemeralContainers changes (validation: append-only).
    result = old;
    json::value& spec = result["spec"];
    if (!spec.is_object()) spec = json::object();
    if (const auto* ec = GetPath(obj, {"spec", "ephemeralContainers"})) {
      spec.as_object()["ephemeralContainers"] = *ec;
    } else {
      spec.as_object().erase("ephemeralContainers");
    }
  } else {
    result = std::move(obj);
    if (t.kind == "Pod" && t.group.empty()) {
      // The main endpoint leaves ephemeral containers alone (they have their own subresource).
      json::value& spec = result["spec"];
      const auto* old_ec = GetPath(old, {"spec", "ephemeralContainers"});
      if (spec.is_object()) {
        if (old_ec) {
          spec.as_object()["ephemeralContainers"] = *old_ec;
        } else {
          spec.as_object().erase("ephemeralContainers");
        }
      }
    }
    json::object& rm = result["metadata"].as_object();
    if (t.namespaced) rm["namespace"] = ns;
    for (const char* k : {"uid", "creationTimestamp", "deletionTimestamp",
                          "deletionGracePeriodSeconds", "generation"}) {
      if (const auto* v = old_meta.if_contains(k)) {
        rm[k] = *v;
      } else {
        rm.erase(k);
      }
    }
    rm.erase("selfLink");
    if (t.has_status) {
      if (const auto* st = old.if_contains("status")) {
        result["status"] = *st;
      } else {
        result.erase("status");
      }
    }
  }
  result["apiVersion"] = t.ApiVersion();
  result["kind"] = t.kind;
  WriteHook* hook = subresource == "status" ? nullptr : HookFor(t);
  if (hook) hook->PrepareForUpdate(result, old);
  if (t.default_fn) t.default_fn(result);
  DropEmptyMetadataMaps(result);
  if (t.generation_tracks_spec && subresource != "status" && SpecChanged(result, old)) {
    result["metadata"].as_object()["generation"] = GetInt(old, {"metadata", "generation"}, 1) + 1;
  }

  std::vector<Cause> causes = api::validation::ValidateObjectMeta(
      result["metadata"].as_object(), t.namespaced, NameRuleFor(t), false);
  auto upd = api::validation::ValidateObjectMetaUpdate(result["metadata"].as_object(), old_meta);
  causes.insert(causes.end(), upd.begin(), upd.end());
  if (t.validate_fn) {
    auto more = t.validate_fn(result, &old);
    causes.insert(causes.end(), more.begin(), more.end());
  }
  if (!causes.empty()) return InvalidError(t.kind, t.group, name, std::move(causes));

  if (!wc.managed_fields_done && t.schema) {
    json::value prev(old);
    json::value tracked =
        api::apply::TrackUpdate(&prev, json::value(std::move(result)), *t.schema,
                                MakeApplyOptions(t, wc.manager, clock_, subresource));
    result = std::move(tracked.as_object());
  }
  std::unique_ptr<WriteReservation> reservation;
  if (hook) {
    auto r = hook->BeginWrite(result, &old);
    if (!r.ok()) return r.status();
    reservation = std::move(*r);
  }
  // An update that changes nothing is not written (no new resourceVersion).
  if (WithoutVolatile(result) == WithoutVolatile(old)) {
    json::object same = old;
    return same;
  }
  if (wc.dry_run) return result;

  std::string key = ObjectKey(t, ns, name);
  const json::value* fins = result["metadata"].as_object().if_contains("finalizers");
  bool no_finalizers = !fins || !fins->is_array() || fins->as_array().empty();
  bool deleting = result["metadata"].as_object().contains("deletionTimestamp");
  // A pod on a node waits for its agent unless the agent already confirmed it (grace 0).
  bool pod_on_node = t.kind == "Pod" && t.group.empty() &&
                     !GetString(result, {"spec", "nodeName"}).empty() &&
                     GetInt(result, {"metadata", "deletionGracePeriodSeconds"}, -1) != 0;
  bool is_namespace = t.plural == "namespaces" && t.group.empty();
  if (deleting && no_finalizers && !pod_on_node && !is_namespace) {
    // The last finalizer is gone: the object goes away now.
    auto r = store_->Delete(key, {old_rev});
    if (!r.ok()) {
      if (r.status().reason() == Reason::kConflict) {
        return ConflictError(t.QualifiedResource(), name, kModified);
      }
      return r.status();
    }
    if (hook) hook->AfterDelete(old);
    return result;
  }
  auto rev = store_->Update(key, EncodeForStore(t, result), {old_rev});
  if (!rev.ok()) {
    if (rev.status().reason() == Reason::kConflict) {
      return ConflictError(t.QualifiedResource(), name, kModified);
    }
    if (rev.status().reason() == Reason::kNotFound) return NotFound(t.QualifiedResource(), name);
    return rev.status();
  }
  if (reservation) reservation->Commit();
  result["metadata"].as_object()["resourceVersion"] = std::to_string(*rev);
  return result;
}

StatusOr<json::object> ResourceHandler::UpdateForScale(const api::ResourceType& t,
                                                       const json::object& old, int64_t old_rev,
                                                       json::object obj, const Request& req) {
  WriteContext wc;
  wc.manager = DefaultManager(req);
  wc.dry_run = req.Query("dryRun").value_or("") == "All";
  return DoUpdate(t, old, old_rev, std::move(obj), wc, "scale");
}

Response ResourceHandler::Create(const RequestInfo& info, const api::ResourceType& t,
                                 const Request& req) {
  WriteContext wc;
  std::vector<std::string> dups;
  auto body = DecodeWriteRequest(t, req, &wc, &dups);
  if (!body.ok()) return StatusResponse(body.status());
  std::string kind = GetString(*body, {"kind"});
  if (!kind.empty() && kind != t.kind) {
    return StatusResponse(BadRequest("the API version in the data (" +
                                     GetString(*body, {"apiVersion"}) + ") and kind (" + kind +
                                     ") do not match the request path (" + t.ApiVersion() + ", " +
                                     t.kind + ")"));
  }
  Status st = CheckFields(t, *body, dups, wc.validation, &wc.warnings);
  if (!st.ok()) return StatusResponse(st);
  if (GetString(*body, {"metadata", "name"}).empty() &&
      GetString(*body, {"metadata", "generateName"}).empty()) {
    Cause c{"FieldValueRequired", "Required value: name or generateName is required",
            "metadata.name"};
    return StatusResponse(InvalidError(t.kind, t.group, "", {c}));
  }
  auto r = DoCreate(t, info.namespace_, std::move(body->as_object()), wc);
  if (!r.ok()) return StatusResponse(r.status());
  return Reply(201, *r, wc.warnings);
}

Response ResourceHandler::Update(const RequestInfo& info, const api::ResourceType& t,
                                 const Request& req) {
  WriteContext wc;
  std::vector<std::string> dups;
  auto body = DecodeWriteRequest(t, req, &wc, &dups);
  if (!body.ok()) return StatusResponse(body.status());
  Status st = CheckFields(t, *body, dups, wc.validation, &wc.warnings);
  if (!st.ok()) return StatusResponse(st);
  int64_t rev = 0;
  auto old = GetObject(t, info.namespace_, info.name, &rev);
  if (!old.ok()) {
    bool create_on_update = t.kind == "Lease" || t.kind == "Endpoints" || t.kind == "Event";
    if (old.status().reason() == Reason::kNotFound && create_on_update &&
        info.subresource.empty()) {
      auto r = DoCreate(t, info.namespace_, std::move(body->as_object()), wc);
      if (!r.ok()) return StatusResponse(r.status());
      return Reply(201, *r, wc.warnings);
    }
    return StatusResponse(old.status());
  }
  auto r = DoUpdate(t, *old, rev, std::move(body->as_object()), wc, info.subresource);
  if (!r.ok()) return StatusResponse(r.status());
  return Reply(200, *r, wc.warnings);
}

Response ResourceHandler::Patch(const RequestInfo& info, const api::ResourceType& t,
                                const Request& req) {
  WriteContext wc;
  Status setup = InitWriteContext(req, &wc);
  if (!setup.ok()) return StatusResponse(setup);
  std::string ct = req.Header("content-type");
  ct = ct.substr(0, ct.find(';'));
  enum { kJson, kMerge, kStrategic, kApply } kind;
  if (ct == "application/json-patch+json") {
    kind = kJson;
  } else if (ct == "application/merge-patch+json") {
    kind = kMerge;
  } else if (ct == "application/strategic-merge-patch+json") {
    kind = kStrategic;
  } else if (ct == "application/apply-patch+yaml") {
    kind = kApply;
  } else {
    return StatusResponse(Status(Reason::kUnsupportedMediaType,
                                 "the body of the request was in an unknown format - accepted "
                                 "media types include: application/json-patch+json, "
                                 "application/merge-patch+json, application/apply-patch+yaml, "
                                 "application/strategic-merge-patch+json"));
  }
  std::vector<std::string> dups;
  auto patch = kind == kApply ? ParseJsonOrYaml(req.body, &dups) : ParseJson(req.body, &dups);
  if (!patch.ok()) return StatusResponse(patch.status());

  if (kind == kApply) {
    auto m = req.Query("fieldManager");
    if (!m || m->empty()) {
      return StatusResponse(BadRequest(
          "PATCH requests with apply-patch content type require a fieldManager parameter"));
    }
    if (!patch->is_object()) return StatusResponse(BadRequest("apply patch must be an object"));
    Status st = CheckFields(t, *patch, dups, wc.validation, &wc.warnings);
    if (!st.ok()) return StatusResponse(st);
    bool force = req.Query("force").value_or("") == "true";
    std::string body_name = GetString(*patch, {"metadata", "name"});
    if (!body_name.empty() && body_name != info.name) {
      return StatusResponse(BadRequest("the name of the object (" + body_name +
                                       ") does not match the name on the URL (" + info.name +
                                       ")"));
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
      int64_t rev = 0;
      auto live = GetObject(t, info.namespace_, info.name, &rev);
      if (!live.ok() && live.status().reason() != Reason::kNotFound) {
        return StatusResponse(live.status());
      }
      json::value live_v;
      if (live.ok()) live_v = *live;
      auto merged = api::apply::ServerSideApply(
          live.ok() ? &live_v : nullptr, *patch, *t.schema,
          MakeApplyOptions(t, wc.manager, clock_, info.subresource, force));
      if (!merged.ok()) return StatusResponse(merged.status());
      if (!merged->is_object()) return StatusResponse(InternalError("apply produced a non-object"));
      wc.managed_fields_done = true;
      StatusOr<json::object> r = json::object();
      int code = 200;
      if (!live.ok()) {
        if (!info.subresource.empty()) return StatusResponse(live.status());
        json::object obj = std::move(merged->as_object());
        if (!obj["metadata"].is_object()) obj["metadata"] = json::object();
        obj["metadata"].as_object()["name"] = info.name;
        r = DoCreate(t, info.namespace_, std::move(obj), wc);
        code = 201;
      } else {
        json::object obj = std::move(merged->as_object());
        obj["metadata"].as_object()["resourceVersion"] = std::to_string(rev);
        r = DoUpdate(t, *live, rev, std::move(obj), wc, info.subresource);
      }
      if (!r.ok()) {
        if (r.status().reason() == Reason::kConflict && attempt < 4 &&
            r.status().details().causes.empty()) {
          continue;
        }
        if (r.status().reason() == Reason::kAlreadyExists && attempt < 4) continue;
        return StatusResponse(r.status());
      }
      return Reply(code, *r, wc.warnings);
    }
    return StatusResponse(ConflictError(t.QualifiedResource(), info.name, kModified));
  }

  bool explicit_rv = false;
  if (kind != kJson) {
    explicit_rv = !GetString(*patch, {"metadata", "resourceVersion"}).empty();
  } else if (patch->is_array()) {
    for (const auto& op : patch->as_array()) {
      if (GetString(op, {"path"}) == "/metadata/resourceVersion") explicit_rv = true;
    }
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    int64_t rev = 0;
    auto old = GetObject(t, info.namespace_, info.name, &rev);
    if (!old.ok()) return StatusResponse(old.status());
    json::value target(*old);
    StatusOr<json::value> patched = json::value();
    if (kind == kJson) {
      patched = api::patch::ApplyJsonPatch(target, *patch);
    } else if (kind == kMerge) {
      patched = api::patch::ApplyMergePatch(target, *patch);
    } else {
      patched = api::patch::ApplyStrategicMergePatch(target, *patch, t.schema.get());
    }
    if (!patched.ok()) return StatusResponse(patched.status());
    if (!patched->is_object()) {
      return StatusResponse(BadRequest("the patch produced a value that is not an object"));
    }
    std::vector<std::string> no_dups = attempt == 0 ? dups : std::vector<std::string>{};
    std::vector<std::string> warnings;
    Status st = CheckFields(t, *patched, no_dups, wc.validation, &warnings);
    if (!st.ok()) return StatusResponse(st);
    if (attempt == 0) wc.warnings = warnings;
    auto r = DoUpdate(t, *old, rev, std::move(patched->as_object()), wc, info.subresource);
    if (!r.ok()) {
      if (r.status().reason() == Reason::kConflict && !explicit_rv && attempt < 4) continue;
      return StatusResponse(r.status());
    }
    return Reply(200, *r, wc.warnings);
  }
  return StatusResponse(ConflictError(t.QualifiedResource(), info.name, kModified));
}

}  // namespace berth::apiserver
