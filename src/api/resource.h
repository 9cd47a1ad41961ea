// ResourceType: everything the API server knows about one kind — discovery
// facts, its schema, and the kind-specific hooks (defaulting, validation,
// Table printing, selectable fields, scale). The generic request path in
// apiserver/ is written against this; adding a kind is adding one of these
// (src/api/kinds/<group>/<kind>.cc) plus its controller if it has one.
//
// ResourceTypes are built once at start-up and are immutable afterwards; the
// hooks must be pure functions of their arguments (safe from any thread).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/schema/schema.h"
#include "common/status.h"

namespace berth::api {

namespace json = boost::json;

struct TableColumn {
  std::string name;         // "Name", "Ready", "Status"...
  std::string type;         // "string", "integer", "date"
  std::string format;       // "name" for the Name column, else ""
  std::string description;  // one line
  int priority = 0;         // 1 = shown only with -o wide
};

// Everything the hooks may need besides the object itself.
struct HookContext {
  std::chrono::system_clock::time_point now;
};

// Where the scale subresource finds its numbers (JSON paths in the object).
struct ScaleSpec {
  std::vector<std::string> spec_replicas{"spec", "replicas"};
  std::vector<std::string> status_replicas{"status", "replicas"};
  // Path to a metav1.LabelSelector whose string form becomes Scale.status.selector.
  std::vector<std::string> label_selector{"spec", "selector"};
  // The selector is a plain label map (ReplicationController), not a metav1.LabelSelector.
  bool selector_is_map = false;
};

struct ResourceType {
  // Discovery.
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string kind;     // "Deployment"
  std::string list_kind;  // "DeploymentList"
  std::string plural;   // "deployments"
  std::string singular; // "deployment"
  std::vector<std::string> short_names;
  std::vector<std::string> categories;  // {"all"} for get all
  bool namespaced = true;
  std::vector<std::string> verbs{"create", "delete", "deletecollection", "get",
                                 "list",   "patch",  "update",           "watch"};
  bool has_status = false;  // status subresource: main endpoint ignores status, /status only status
  // Create keeps the posted status (a node registers with its capacity and
  // conditions, as the kubelet does); otherwise status is reset on create.
  bool status_set_on_create = false;
  std::optional<ScaleSpec> scale;

  // The full object schema (apiVersion, kind, metadata, spec, status...).
  SchemaPtr schema;

  // Kubernetes-style defaulting, applied after decoding on create and update.
  std::function<void(json::object& obj)> default_fn;

  // Kind-specific validation. `old` is null on create. Returns one Cause per
  // problem with `field` as a JSON path ("spec.replicas"). Generic metadata
  // validation (names, labels, annotations) is done by the server.
  std::function<std::vector<Cause>(const json::object& obj, const json::object* old)> validate_fn;

  // Table printing (kubectl get). `row` returns one cell per column.
  std::vector<TableColumn> columns;
  std::function<json::array(const json::object& obj, const HookContext& ctx)> row_fn;

  // Field selectors beyond metadata.name/metadata.namespace: field path ->
  // value extractor ("spec.nodeName", "status.phase", "involvedObject.uid").
  std::map<std::string, std::function<std::string(const json::object& obj)>> selectable_fields;

  // Storage shared with another resource of the same plural (events.k8s.io/v1 events are kept
  // as core/v1 events, as in kube): that resource's group, and the conversions from this form to
  // the stored one and back. Unset: the type's own group.
  std::optional<std::string> storage_group;
  std::function<void(json::object& obj)> to_storage;
  std::function<void(json::object& obj)> from_storage;

  // Whether a change to this part of the object bumps metadata.generation
  // (Kubernetes: any change outside metadata and status, for kinds with a spec).
  bool generation_tracks_spec = true;

  // "deployments.apps" / "pods": the resource name used in error messages.
  std::string QualifiedResource() const { return group.empty() ? plural : plural + "." + group; }
  // "apps/v1" or "v1".
  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
};

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

// All built-in kinds, in discovery order. Thread-safe after first call.
class Registry {
 public:
  void Add(ResourceType t);
  const std::vector<ResourceTypePtr>& All() const { return all_; }
  // By group, version and plural (or plural/subresource split by the caller).
  ResourceTypePtr Find(const std::string& group, const std::string& version,
                       const std::string& plural) const;
  ResourceTypePtr FindKind(const std::string& group, const std::string& kind) const;
  // Distinct group/versions in discovery order ("" group first).
  std::vector<std::pair<std::string, std::string>> GroupVersions() const;

 private:
  std::vector<ResourceTypePtr> all_;
};

// The registry of every kind berth serves (defined in api/kinds/builtin.cc).
const Registry& BuiltinRegistry();

}  // namespace berth::api
