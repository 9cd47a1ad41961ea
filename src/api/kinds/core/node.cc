// core/v1 Node (cluster-scoped) and its kubectl Table (printNode).
#include <set>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

namespace {

SchemaPtr NodeSpecSchema() {
  static const SchemaPtr taint = CoreObject(
      "Taint", "Repels pods that do not tolerate it.",
      {
          Req("key", String(), "Taint key.", 1),
          F("value", String(), "Taint value.", 2),
          Req("effect", Enum({"NoExecute", "NoSchedule", "PreferNoSchedule"}),
              "NoSchedule, PreferNoSchedule or NoExecute.", 3),
          F("timeAdded", Time(), "When a NoExecute taint was added.", 4),
      });
  static const SchemaPtr s = CoreObject(
      "NodeSpec", "Desired state of a node.",
      {
          F("podCIDR", String(), "Pod IP range of the node.", 1),
          F("externalID", String(), "Deprecated.", 2),
          F("providerID", String(), "Cloud provider ID of the node.", 3),
          F("unschedulable", Bool(), "Keep new pods off the node (cordon).", 4),
          F("taints", ListOf(taint), "Taints of the node.", 5),
          F("podCIDRs", ListSet(String()), "Pod IP ranges of the node, primary first.", 7),
      });
  return s;
}

SchemaPtr NodeStatusSchema() {
  static const SchemaPtr condition = CoreObject(
      "NodeCondition", "One observed aspect of the node's state.",
      {
          Req("type", String(), "Condition type, such as Ready.", 1),
          Req("status", String(), "True, False or Unknown.", 2),
          F("lastHeartbeatTime", Time(), "When the condition was last reported.", 3),
          F("lastTransitionTime", Time(), "When the status last changed.", 4),
          F("reason", String(), "Machine-readable reason.", 5),
          F("message", String(), "Human-readable details.", 6),
      });
  static const SchemaPtr address = CoreObject(
      "NodeAddress", "One address of the node.",
      {Req("type", String(), "Hostname, InternalIP, ExternalIP...", 1),
       Req("address", String(), "The address.", 2)});
  static const SchemaPtr info = CoreObject(
      "NodeSystemInfo", "Facts about the node's software.",
      {
          Req("machineID", String(), "Machine ID.", 1),
          Req("systemUUID", String(), "System UUID.", 2),
          Req("bootID", String(), "Boot ID.", 3),
          Req("kernelVersion", String(), "Kernel version.", 4),
          Req("osImage", String(), "Operating system image.", 5),
          Req("containerRuntimeVersion", String(), "Container runtime and version.", 6),
          Req("kubeletVersion", String(), "Node agent version.", 7),
          F("kubeProxyVersion", String(), "Deprecated.", 8),
          Req("operatingSystem", String(), "Operating system.", 9),
          Req("architecture", String(), "CPU architecture.", 10),
      });
  static const SchemaPtr endpoints = CoreObject(
      "NodeDaemonEndpoints", "Ports of daemons on the node.",
      {F("kubeletEndpoint",
         CoreObject("DaemonEndpoint", "A daemon port.", {Req("Port", Int32(), "Port number.", 1)}),
         "Port of the node agent.", 1)});
  static const SchemaPtr image = CoreObject(
      "ContainerImage", "An image present on the node.",
      {F("names", ListOf(String()), "Names of the image.", 1),
       F("sizeBytes", Int64(), "Size of the image.", 2)});
  static const SchemaPtr s = CoreObject(
      "NodeStatus", "Observed state of a node.",
      {
          F("capacity", MapOf(Quantity()), "Total resources of the node.", 1),
          F("allocatable", MapOf(Quantity()), "Resources available to pods.", 2),
          F("phase", String(), "Deprecated.", 3),
          F("conditions", ListMap(condition, {"type"}), "Current conditions.", 4),
          F("addresses", ListMap(address, {"type"}), "Addresses of the node.", 5),
          F("daemonEndpoints", endpoints, "Ports of daemons on the node.", 6),
          F("nodeInfo", info, "Software facts.", 7),
          F("images", ListOf(image), "Images on the node.", 8),
          F("volumesInUse", ListOf(String()), "Volumes in use.", 9),
      });
  return s;
}

void DefaultNode(json::object& node) {
  if (!node.contains("spec") || !node["spec"].is_object()) node["spec"] = json::object();
  if (!node.contains("status") || !node["status"].is_object()) node["status"] = json::object();
  json::object& status = node["status"].get_object();
  // Allocatable defaults to capacity.
  if (!status.contains("allocatable") && status.contains("capacity")) {
    status["allocatable"] = status["capacity"];
  }
}

std::vector<Cause> ValidateNode(const json::object& node, const json::object* old) {
  std::vector<Cause> out;
  const json::object* spec = ObjectAt(node, "spec");
  const json::array* taints = spec ? ArrayAt(*spec, "taints") : nullptr;
  if (taints != nullptr) {
    for (size_t i = 0; i < taints->size(); ++i) {
      if (!(*taints)[i].is_object()) continue;
      const json::object& t = (*taints)[i].get_object();
      std::string tp = "spec.taints[" + std::to_string(i) + "]";
      if (StringAt(t, "key").empty()) out.push_back(RequiredCause(tp + ".key"));
      std::string effect = StringAt(t, "effect");
      if (effect.empty()) {
        out.push_back(RequiredCause(tp + ".effect"));
      } else if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
        out.push_back(NotSupportedCause(tp + ".effect", json::value(effect),
                                        {"NoExecute", "NoSchedule", "PreferNoSchedule"}));
      }
    }
  }
  return out;
}

std::string AddressOf(const json::object& status, const std::string& type) {
  if (const json::array* addrs = ArrayAt(status, "addresses")) {
    for (const auto& a : *addrs) {
      if (a.is_object() && StringAt(a.get_object(), "type") == type) {
        return StringAt(a.get_object(), "address");
      }
    }
  }
  return "<none>";
}

json::array NodeRow(const json::object& node, const HookContext& ctx) {
  static const json::object kEmpty;
  const json::object* status_p = ObjectAt(node, "status");
  const json::object& status = status_p ? *status_p : kEmpty;
  std::string state;
  if (const json::array* conds = ArrayAt(status, "conditions")) {
    for (const auto& c : *conds) {
      if (!c.is_object() || StringAt(c.get_object(), "type") != "Ready") continue;
      state = StringAt(c.get_object(), "status") == "True" ? "Ready" : "NotReady";
    }
  }
  if (state.empty()) state = "Unknown";
  if (StringAtPath(node, {"spec", "unschedulable"}) == "true") state += ",SchedulingDisabled";
  std::set<std::string> roles;
  const json::object* meta = ObjectAt(node, "metadata");
  if (const json::object* labels = meta ? ObjectAt(*meta, "labels") : nullptr) {
    const std::string prefix = "node-role.kubernetes.io/";
    for (const auto& kv : *labels) {
      std::string key(kv.key());
      if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size()) {
        roles.insert(key.substr(prefix.size()));
      } else if (key == "kubernetes.io/role" && kv.value().is_string() &&
                 !kv.value().get_string().empty()) {
        roles.insert(std::string(kv.value().get_string()));
      }
    }
  }
  std::string role_text;
  for (const auto& r : roles) role_text += (role_text.empty() ? "" : ",") + r;
  const json::object* info = ObjectAt(status, "nodeInfo");
  auto fact = [&](const char* key) {
    std::string v = info ? StringAt(*info, key) : "";
    return v.empty() ? std::string("<unknown>") : v;
  };
  return json::array{json::value(StringAtPath(node, {"metadata", "name"})),
                     json::value(state),
                     json::value(role_text.empty() ? "<none>" : role_text),
                     json::value(AgeCell(node, ctx)),
                     json::value(info ? StringAt(*info, "kubeletVersion") : ""),
                     json::value(AddressOf(status, "InternalIP")),
                     json::value(AddressOf(status, "ExternalIP")),
                     json::value(fact("osImage")),
                     json::value(fact("kernelVersion")),
                     json::value(fact("containerRuntimeVersion"))};
}

}  // namespace

ResourceType NodeType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Node";
  t.plural = "nodes";
  t.singular = "node";
  t.short_names = {"no"};
  t.namespaced = false;
  t.has_status = true;
  t.status_set_on_create = true;
  t.generation_tracks_spec = false;
  t.schema = KindSchema("io.k8s.api.core.v1.Node", "A machine that runs pods.",
                        {F("spec", NodeSpecSchema(), "Desired state of the node.", 2),
                         F("status", NodeStatusSchema(), "Observed state of the node.", 3)});
  t.default_fn = DefaultNode;
  t.validate_fn = ValidateNode;
  t.columns = {
      NameColumn(),
      {"Status", "string", "", "Readiness of the node and whether it is cordoned.", 0},
      {"Roles", "string", "", "Roles from node-role.kubernetes.io labels.", 0},
      AgeColumn(),
      {"Version", "string", "", "Node agent version.", 0},
      {"Internal-IP", "string", "", "Internal address of the node.", 1},
      {"External-IP", "string", "", "External address of the node.", 1},
      {"OS-Image", "string", "", "Operating system image.", 1},
      {"Kernel-Version", "string", "", "Kernel version.", 1},
      {"Container-Runtime", "string", "", "Container runtime and version.", 1},
  };
  t.row_fn = NodeRow;
  t.selectable_fields = {{"spec.unschedulable", FieldAt({"spec", "unschedulable"}, "false")}};
  return t;
}

}  // namespace berth::api::core
