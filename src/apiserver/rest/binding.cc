// The pods/binding subresource (and the legacy namespaced `bindings`
// resource): assigns a pending pod to a node, as the scheduler does.
//
// Like kube-apiserver's BindingREST this is a storage-level compare-and-swap
// on the pod, not a full update: no admission, no managedFields, one read and
// one write per binding (retried on a concurrent change), because the
// scheduler binds thousands of pods per second.
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

// Refusals that are not API errors themselves become a Conflict on
// "pods/binding", as kube wraps them.
Status BindingConflict(const std::string& pod, const std::string& why) {
  return ConflictError("pods/binding", pod, why);
}

// Sets PodScheduled=True, keeping lastTransitionTime when it already was True.
void SetScheduledCondition(json::object& pod, const std::string& now) {
  json::value& st = pod["status"];
  if (!st.is_object()) st = json::object();
  json::value& conds = st.as_object()["conditions"];
  if (!conds.is_array()) conds = json::array();
  for (auto& c : conds.as_array()) {
    if (!c.is_object() || GetString(c, {"type"}) != "PodScheduled") continue;
    json::object& co = c.as_object();
    if (GetString(co, {"status"}) != "True") {
      co["status"] = "True";
      co["lastTransitionTime"] = now;
    }
    co.erase("reason");
    co.erase("message");
    co["lastProbeTime"] = nullptr;
    return;
  }
  conds.as_array().push_back(json::object{{"type", "PodScheduled"},
                                          {"status", "True"},
                                          {"lastProbeTime", nullptr},
                                          {"lastTransitionTime", now}});
}

}  // namespace

StatusOr<json::object> ResourceHandler::BindPod(const api::ResourceType& pods,
                                                const std::string& ns, const std::string& name,
                                                const json::object& binding, bool dry_run) {
  std::string target_kind = GetString(binding, {"target", "kind"});
  std::string node = GetString(binding, {"target", "name"});
  std::vector<Cause> causes;
  if (target_kind != "" && target_kind != "Node") {
    causes.push_back({"FieldValueNotSupported",
                      "Unsupported value: \"" + target_kind + "\": supported values: \"Node\"",
                      "target.kind"});
  }
  if (node.empty()) causes.push_back({"FieldValueRequired", "Required value", "target.name"});
  if (!causes.empty()) return InvalidError("Binding", "", name, std::move(causes));
  std::string want_uid = GetString(binding, {"metadata", "uid"});
  std::string want_rv = GetString(binding, {"metadata", "resourceVersion"});
  const json::value* annotations = GetPath(binding, {"metadata", "annotations"});

  const std::string key = ObjectKey(pods, ns, name);
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto kv = store_->Get(key);
    if (!kv.ok()) {
      if (kv.status().reason() == Reason::kNotFound) return NotFound("pods", name);
      return kv.status();
    }
    auto decoded = DecodeStored(*kv);
    if (!decoded.ok()) return decoded.status();
    json::object pod = std::move(*decoded);
    if (!want_uid.empty() && want_uid != GetString(pod, {"metadata", "uid"})) {
      return BindingConflict(name,
                             "Precondition failed: UID in precondition: " + want_uid +
                                 ", UID in object meta: " + GetString(pod, {"metadata", "uid"}));
    }
    if (!want_rv.empty() && want_rv != std::to_string(kv->mod_revision)) {
      return BindingConflict(
          name, "Precondition failed: ResourceVersion in precondition: " + want_rv +
                    ", ResourceVersion in object meta: " + std::to_string(kv->mod_revision));
    }
    if (GetPath(pod, {"metadata", "deletionTimestamp"})) {
      return BindingConflict(name,
                             "pod " + name + " is being deleted, cannot be assigned to a host");
    }
    std::string current = GetString(pod, {"spec", "nodeName"});
    if (!current.empty()) {
      return BindingConflict(name,
                             "pod " + name + " is already assigned to node \"" + current + "\"");
    }
    const json::value* gates = GetPath(pod, {"spec", "schedulingGates"});
    if (gates && gates->is_array() && !gates->as_array().empty()) {
      return BindingConflict(name, "pod " + name + " has non-empty .spec.schedulingGates");
    }
    json::value& spec = pod["spec"];
    if (!spec.is_object()) spec = json::object();
    spec.as_object()["nodeName"] = node;
    if (annotations && annotations->is_object() && !annotations->as_object().empty()) {
      json::value& anns = pod["metadata"].as_object()["annotations"];
      if (!anns.is_object()) anns = json::object();
      for (const auto& [k, v] : annotations->as_object()) anns.as_object()[k] = v;
    }
    SetScheduledCondition(pod, FormatRfc3339(clock_->Now()));
    if (dry_run) return pod;
    auto rev = store_->Update(key, EncodeForStore(pod), {kv->mod_revision});
    if (!rev.ok()) {
      if (rev.status().reason() == Reason::kConflict && want_rv.empty()) continue;
      if (rev.status().reason() == Reason::kConflict) {
        return BindingConflict(name,
                               "the object has been modified; please apply your changes "
                               "to the latest version and try again");
      }
      if (rev.status().reason() == Reason::kNotFound) return NotFound("pods", name);
      return rev.status();
    }
    pod["metadata"].as_object()["resourceVersion"] = std::to_string(*rev);
    return pod;
  }
  return BindingConflict(name, "too many concurrent changes");
}

Response ResourceHandler::Binding(const RequestInfo& info, const api::ResourceType& pods,
                                  const Request& req) {
  auto body = DecodeSubresourceObject(req, info.verb, "Binding", "v1, Binding");
  if (!body.ok()) return StatusResponse(body.status());
  const json::object& binding = *body;
  std::string body_ns = GetString(binding, {"metadata", "namespace"});
  if (!body_ns.empty() && body_ns != info.namespace_) {
    return StatusResponse(BadRequest(
        "the namespace of the provided object does not match the namespace sent on the request"));
  }
  std::string name = GetString(binding, {"metadata", "name"});
  if (info.name.empty()) {
    // Legacy POST /api/v1/namespaces/{ns}/bindings: the pod is named in the body.
    if (name.empty()) {
      Cause c{"FieldValueRequired", "Required value: name or generateName is required",
              "metadata.name"};
      return StatusResponse(InvalidError("Binding", "", "", {c}));
    }
  } else if (name != info.name) {
    return StatusResponse(BadRequest("name in URL does not match name in Binding object"));
  }
  bool dry_run = req.Query("dryRun").value_or("") == "All";
  auto r = BindPod(pods, info.namespace_, name, binding, dry_run);
  if (!r.ok()) return StatusResponse(r.status());
  json::object st{{"kind", "Status"},
                  {"apiVersion", "v1"},
                  {"metadata", json::object()},
                  {"status", "Success"},
                  {"code", 201}};
  Response resp;
  resp.status = 201;
  resp.body = json::serialize(st);
  return resp;
}

}  // namespace berth::apiserver
