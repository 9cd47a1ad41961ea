// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets,
// ReplicationControllers and StatefulSets: a view of spec.replicas that scale clients and
// autoscalers read and write.
#include "api/patch/json_patch.h"
#include "api/patch/merge_patch.h"
#include "api/selector/label_selector.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

const json::value* AtPath(const json::object& o, const std::vector<std::string>& path) {
  const json::value* cur = nullptr;
  const json::object* obj = &o;
  for (const auto& p : path) {
    if (!obj) return nullptr;
    auto it = obj->find(p);
    if (it == obj->end()) return nullptr;
    cur = &it->value();
    obj = cur->if_object();
  }
  return cur;
}

json::object ToScale(const api::ResourceType& t, const json::object& obj) {
  const api::ScaleSpec& s = *t.scale;
  const json::value* spec_r = AtPath(obj, s.spec_replicas);
  const json::value* status_r = AtPath(obj, s.status_replicas);
  const json::value* sel = AtPath(obj, s.label_selector);
  json::object meta;
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (const auto* v = obj.at("metadata").as_object().if_contains(k)) meta[k] = *v;
  }
  json::object status{{"replicas", status_r && status_r->is_int64() ? status_r->get_int64() : 0}};
  if (sel) {
    std::string s = t.scale->selector_is_map
                        ? api::selector::ToSelectorString(json::object{{"matchLabels", *sel}})
                        : api::selector::ToSelectorString(*sel);
    if (!s.empty()) status["selector"] = s;
  }
  return json::object{{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", std::move(meta)},
                      {"spec", json::object{{"replicas", spec_r && spec_r->is_int64()
                                                             ? spec_r->get_int64()
                                                             : 0}}},
                      {"status", std::move(status)}};
}

}  // namespace

Response ResourceHandler::Scale(const RequestInfo& info, const api::ResourceType& t,
                                const Request& req) {
  const std::string& verb = info.verb;
  if (verb != "get" && verb != "update" && verb != "patch") {
    return StatusResponse(Status(Reason::kMethodNotAllowed,
                                 "the server does not allow this method on the requested resource"));
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    int64_t rev = 0;
    auto obj = GetObject(t, info.namespace_, info.name, &rev);
    if (!obj.ok()) return StatusResponse(obj.status());
    json::object scale = ToScale(t, *obj);
    if (verb == "get") {
      Response r;
      r.body = json::serialize(scale);
      return r;
    }
    json::value next;
    bool explicit_rv = false;
    if (verb == "update") {
      auto body = ParseJsonOrYaml(req.body);
      if (!body.ok()) return StatusResponse(body.status());
      next = std::move(*body);
      explicit_rv = !GetString(next, {"metadata", "resourceVersion"}).empty();
    } else {
      std::string ct = req.Header("content-type");
      ct = ct.substr(0, ct.find(';'));
      auto patch = ParseJson(req.body);
      if (!patch.ok()) return StatusResponse(patch.status());
      StatusOr<json::value> patched = json::value();
      if (ct == "application/json-patch+json") {
        patched = api::patch::ApplyJsonPatch(json::value(scale), *patch);
      } else if (ct == "application/merge-patch+json" ||
                 ct == "application/strategic-merge-patch+json") {
        patched = api::patch::ApplyMergePatch(json::value(scale), *patch);
      } else {
        return StatusResponse(Status(Reason::kUnsupportedMediaType,
                                     "the body of the request was in an unknown format"));
      }
      if (!patched.ok()) return StatusResponse(patched.status());
      next = std::move(*patched);
      explicit_rv = !GetString(*patch, {"metadata", "resourceVersion"}).empty();
    }
    std::string want_rv = GetString(next, {"metadata", "resourceVersion"});
    if (!want_rv.empty() && want_rv != std::to_string(rev)) {
      return StatusResponse(ConflictError(t.QualifiedResource(), info.name,
                                          "the object has been modified; please apply your "
                                          "changes to the latest version and try again"));
    }
    const json::value* rep = GetPath(next, {"spec", "replicas"});
    if (!rep || !rep->is_int64()) {
      Cause c{"FieldValueRequired", "Required value", "spec.replicas"};
      return StatusResponse(InvalidError("Scale", "autoscaling", info.name, {c}));
    }
    if (rep->get_int64() < 0) {
      Cause c{"FieldValueInvalid",
              "Invalid value: " + std::to_string(rep->get_int64()) +
                  ": must be greater than or equal to 0",
              "spec.replicas"};
      return StatusResponse(InvalidError("Scale", "autoscaling", info.name, {c}));
    }
    json::object updated = *obj;
    json::value root(std::move(updated));
    json::value* cur = &root;
    const auto& path = t.scale->spec_replicas;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      json::value& n = cur->as_object()[path[i]];
      if (!n.is_object()) n = json::object();
      cur = &n;
    }
    cur->as_object()[path.back()] = rep->get_int64();
    // Reuse the update path so validation, generation and managedFields apply.
    auto result = UpdateForScale(t, *obj, rev, std::move(root.as_object()), req);
    if (!result.ok()) {
      if (result.status().reason() == Reason::kConflict && !explicit_rv && attempt < 4) continue;
      return StatusResponse(result.status());
    }
    Response r;
    r.body = json::serialize(ToScale(t, *result));
    return r;
  }
  return StatusResponse(ConflictError(t.QualifiedResource(), info.name,
                                      "the object has been modified; please apply your changes "
                                      "to the latest version and try again"));
}

}  // namespace berth::apiserver
