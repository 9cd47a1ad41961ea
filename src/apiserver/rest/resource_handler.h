// ResourceHandler: the generic REST verbs for every registered kind —
// get, list, watch, create, update, patch (JSON, merge, strategic, apply),
// delete, deletecollection, and the status and scale subresources.
//
// The request path is: decode -> strict field check -> defaulting ->
// validation -> store compare-and-swap -> encode (JSON or Table or watch
// stream). Every refusal is a Kubernetes Status and leaves the store
// untouched. Thread-safe: many requests run concurrently on the worker pool;
// all shared state is in the Store.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "api/resource.h"
#include "apiserver/admission/admission.h"
#include "apiserver/http/request.h"
#include "apiserver/rest/request_info.h"
#include "apiserver/rest/write_hook.h"
#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace berth::apiserver {

namespace json = boost::json;

class TimerService;

class ResourceHandler {
 public:
  ResourceHandler(store::Store* store, const api::Registry* registry, const Clock* clock,
                  TimerService* timers);

  // Serves one resource request. `user_agent_manager` is the default field manager.
  void Handle(const RequestInfo& info, const api::ResourceType& type, const Request& req,
              std::shared_ptr<Responder> responder);

  // Reads one object (for other server parts: namespace checks, proxies).
  StatusOr<json::object> GetObject(const api::ResourceType& t, const std::string& ns,
                                   const std::string& name, int64_t* mod_revision = nullptr);

  // Creates an object through the full create path (bootstrap, controllers).
  StatusOr<json::object> CreateObject(const api::ResourceType& t, json::object obj,
                                      const std::string& manager);

  // Binds pod ns/name to the node in `binding` (v1 Binding): one compare-and-swap
  // on the pod (binding.cc). 409 when already bound or being deleted.
  StatusOr<json::object> BindPod(const api::ResourceType& pods, const std::string& ns,
                                 const std::string& name, const json::object& binding,
                                 bool dry_run);

  // Called when a namespace is marked for deletion (set by the server).
  std::function<void(const std::string& ns)> on_namespace_terminating;

  // Adds a kind-specific write step (write_hook.h) for type `t`; set before serving.
  void SetWriteHook(const api::ResourceType& t, WriteHook* hook);
  // Adds an admission step (admission/admission.h) run on every create, in the order added;
  // set before serving.
  void AddAdmission(admission::AdmissionStep* step) { admission_.push_back(step); }

 private:
  struct WriteContext;

  Response Get(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  Response List(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  Response Create(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  Response Update(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  Response Patch(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  Response Delete(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  Response DeleteCollection(const RequestInfo& info, const api::ResourceType& t,
                            const Request& req);
  Response Scale(const RequestInfo& info, const api::ResourceType& t, const Request& req);
  // pods/binding and the legacy `bindings` resource (binding.cc).
  Response Binding(const RequestInfo& info, const api::ResourceType& pods, const Request& req);
  // pods/eviction, honouring PodDisruptionBudgets (eviction.cc).
  Response Eviction(const RequestInfo& info, const api::ResourceType& pods, const Request& req);
  Status MarkAndDeletePod(const api::ResourceType& pods, const std::string& ns,
                          const std::string& name, json::object opts, bool dry_run);
  void Watch(const RequestInfo& info, const api::ResourceType& t, const Request& req,
             std::shared_ptr<Responder> responder);

  // Shared write pipeline: create of a prepared object.
  StatusOr<json::object> DoCreate(const api::ResourceType& t, const std::string& ns,
                                  json::object obj, WriteContext& wc);
  // Replaces `old` (at old_rev) with `obj`; `subresource` "" or "status".
  StatusOr<json::object> DoUpdate(const api::ResourceType& t, const json::object& old,
                                  int64_t old_rev, json::object obj, WriteContext& wc,
                                  const std::string& subresource);
  StatusOr<json::object> DoDelete(const api::ResourceType& t, const std::string& ns,
                                  const std::string& name, const json::object& options,
                                  bool dry_run, bool* deleted_now);
  // An update on behalf of the scale subresource (manager from the request).
  StatusOr<json::object> UpdateForScale(const api::ResourceType& t, const json::object& old,
                                        int64_t old_rev, json::object obj, const Request& req);
  Status CheckNamespaceWritable(const api::ResourceType& t, const std::string& ns,
                                const std::string& name);

  WriteHook* HookFor(const api::ResourceType& t) const;

  store::Store* store_;
  std::map<std::string, WriteHook*> hooks_;  // by QualifiedResource(); fixed once serving
  std::vector<admission::AdmissionStep*> admission_;  // fixed once serving
  const api::Registry* registry_;
  const Clock* clock_;
  TimerService* timers_;
};

}  // namespace berth::apiserver
