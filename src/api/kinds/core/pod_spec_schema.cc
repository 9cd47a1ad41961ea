// core/v1 PodSpec, PodTemplateSpec, scheduling constraints and PodStatus.
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/kinds.h"

namespace berth::api {

using core::CoreObject;

namespace core {
namespace {

SchemaPtr NodeSelectorRequirementSchema() {
  static const SchemaPtr s = CoreObject(
      "NodeSelectorRequirement", "A key/operator/values test against node labels or fields.",
      {
          Req("key", String(), "Label or field key.", 1),
          Req("operator", Enum({"DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"}),
              "In, NotIn, Exists, DoesNotExist, Gt or Lt.", 2),
          F("values", ListOf(String()), "Values to compare with.", 3),
      });
  return s;
}

SchemaPtr NodeSelectorTermSchema() {
  static const SchemaPtr s = [] {
    auto t = std::make_shared<Schema>(*CoreObject(
        "NodeSelectorTerm", "Node requirements that must all hold.",
        {
            F("matchExpressions", ListOf(NodeSelectorRequirementSchema()), "Label tests.", 1),
            F("matchFields", ListOf(NodeSelectorRequirementSchema()), "Field tests.", 2),
        }));
    t->atomic = true;
    return SchemaPtr(t);
  }();
  return s;
}

SchemaPtr PodAffinityTermSchema() {
  static const SchemaPtr s = CoreObject(
      "PodAffinityTerm", "Pods this pod should (or should not) be co-located with.",
      {
          F("labelSelector", LabelSelectorSchema(), "Selects the other pods.", 1),
          F("namespaces", ListOf(String()), "Namespaces the selector applies to.", 2),
          Req("topologyKey", String(), "Node label that defines co-location.", 3),
          F("namespaceSelector", LabelSelectorSchema(), "Selects namespaces by label.", 4),
          F("matchLabelKeys", ListOf(String()), "Label keys whose values are added to the selector.",
            5),
          F("mismatchLabelKeys", ListOf(String()),
            "Label keys whose values are excluded by the selector.", 6),
      });
  return s;
}

SchemaPtr WeightedPodAffinityTermSchema() {
  static const SchemaPtr s = CoreObject(
      "WeightedPodAffinityTerm", "A preferred pod affinity term with a weight.",
      {
          Req("weight", Int32(), "Weight 1-100 added to the score when matched.", 1),
          Req("podAffinityTerm", PodAffinityTermSchema(), "The term.", 2),
      });
  return s;
}

SchemaPtr PodAffinityKind(const std::string& name, const std::string& what) {
  return CoreObject(
      name, "Rules that " + what + " pods near other pods.",
      {
          F("requiredDuringSchedulingIgnoredDuringExecution", ListOf(PodAffinityTermSchema()),
            "Terms that must hold at scheduling time.", 1),
          F("preferredDuringSchedulingIgnoredDuringExecution",
            ListOf(WeightedPodAffinityTermSchema()), "Terms the scheduler prefers.", 2),
      });
}

}  // namespace

SchemaPtr AffinitySchema() {
  static const SchemaPtr node_selector = [] {
    auto t = std::make_shared<Schema>(*CoreObject(
        "NodeSelector", "Any one of the terms must match the node.",
        {Req("nodeSelectorTerms", ListOf(NodeSelectorTermSchema()), "The alternatives.", 1)}));
    t->atomic = true;
    return SchemaPtr(t);
  }();
  static const SchemaPtr preferred = CoreObject(
      "PreferredSchedulingTerm", "A weighted node preference.",
      {
          Req("weight", Int32(), "Weight 1-100 added when the term matches.", 1),
          Req("preference", NodeSelectorTermSchema(), "The node term.", 2),
      });
  static const SchemaPtr node_affinity = CoreObject(
      "NodeAffinity", "Rules that place a pod on particular nodes.",
      {
          F("requiredDuringSchedulingIgnoredDuringExecution", node_selector,
            "Node requirements that must hold at scheduling time.", 1),
          F("preferredDuringSchedulingIgnoredDuringExecution", ListOf(preferred),
            "Node terms the scheduler prefers.", 2),
      });
  static const SchemaPtr s = CoreObject(
      "Affinity", "Scheduling constraints relative to nodes and other pods.",
      {
          F("nodeAffinity", node_affinity, "Node affinity rules.", 1),
          F("podAffinity", PodAffinityKind("PodAffinity", "attract"), "Pod affinity rules.", 2),
          F("podAntiAffinity", PodAffinityKind("PodAntiAffinity", "keep"),
            "Pod anti-affinity rules.", 3),
      });
  return s;
}

SchemaPtr TolerationSchema() {
  static const SchemaPtr s = CoreObject(
      "Toleration", "Lets the pod schedule onto nodes with a matching taint.",
      {
          F("key", String(), "Taint key; empty with Exists matches every taint.", 1),
          F("operator", Enum({"Equal", "Exists"}), "Equal or Exists; default Equal.", 2),
          F("value", String(), "Taint value to match with Equal.", 3),
          F("effect", Enum({"NoExecute", "NoSchedule", "PreferNoSchedule"}),
            "Taint effect to match; empty matches all.", 4),
          F("tolerationSeconds", Int64(), "How long a NoExecute taint is tolerated.", 5),
      });
  return s;
}

SchemaPtr PodStatusSchema() {
  static const SchemaPtr pod_condition = CoreObject(
      "PodCondition", "One observed aspect of the pod's state.",
      {
          Req("type", String(), "Condition type, such as Ready.", 1),
          Req("status", String(), "True, False or Unknown.", 2),
          F("lastProbeTime", Time(), "When the condition was last probed.", 3),
          F("lastTransitionTime", Time(), "When the status last changed.", 4),
          F("reason", String(), "Machine-readable reason.", 5),
          F("message", String(), "Human-readable details.", 6),
          F("observedGeneration", Int64(), "Pod generation the condition reflects.", 7),
      });
  static const SchemaPtr state = CoreObject(
      "ContainerState", "What a container is doing; exactly one member is set.",
      {
          F("waiting",
            CoreObject("ContainerStateWaiting", "The container has not started yet.",
                       {F("reason", String(), "Why it is waiting.", 1),
                        F("message", String(), "Details.", 2)}),
            "Not yet running.", 1),
          F("running",
            CoreObject("ContainerStateRunning", "The container is running.",
                       {F("startedAt", Time(), "When it last started.", 1)}),
            "Running.", 2),
          F("terminated",
            CoreObject("ContainerStateTerminated", "The container has exited.",
                       {
                           Req("exitCode", Int32(), "Exit status.", 1),
                           F("signal", Int32(), "Signal that ended it, if any.", 2),
                           F("reason", String(), "Why it exited.", 3),
                           F("message", String(), "Details.", 4),
                           F("startedAt", Time(), "When it started.", 5),
                           F("finishedAt", Time(), "When it exited.", 6),
                           F("containerID", String(), "Runtime ID of the container.", 7),
                       }),
            "Exited.", 3),
      });
  static const SchemaPtr container_status = CoreObject(
      "ContainerStatus", "Observed state of one container.",
      {
          Req("name", String(), "Container name.", 1),
          F("state", state, "Current state.", 2),
          F("lastState", state, "State of the previous run.", 3),
          Req("ready", Bool(), "Whether the readiness check passes.", 4),
          Req("restartCount", Int32(), "How many times the container restarted.", 5),
          Req("image", String(), "Image the container runs.", 6),
          Req("imageID", String(), "Resolved image ID.", 7),
          F("containerID", String(), "Runtime ID of the container.", 8),
          F("started", Bool(), "Whether the startup probe has passed.", 9),
          F("allocatedResources", MapOf(Quantity()), "Resources allocated by the node.", 10),
      });
  static const SchemaPtr ip = CoreObject("PodIP", "One IP address of the pod.",
                                         {Req("ip", String(), "The address.", 1)});
  static const SchemaPtr host_ip = CoreObject("HostIP", "One IP address of the node.",
                                              {Req("ip", String(), "The address.", 1)});
  static const SchemaPtr s = CoreObject(
      "PodStatus", "Most recently observed state of a pod.",
      {
          F("phase", Enum({"Failed", "Pending", "Running", "Succeeded", "Unknown"}),
            "Lifecycle phase: Pending, Running, Succeeded, Failed or Unknown.", 1),
          F("conditions", ListMap(pod_condition, {"type"}), "Current conditions.", 2),
          F("message", String(), "Human-readable note about the pod's state.", 3),
          F("reason", String(), "Short reason for the pod's state.", 4),
          F("hostIP", String(), "Primary IP of the node the pod runs on.", 5),
          F("podIP", String(), "Primary IP of the pod.", 6),
          F("startTime", Time(), "When the node accepted the pod.", 7),
          F("containerStatuses", ListOf(container_status), "One entry per container.", 8),
          F("qosClass", Enum({"BestEffort", "Burstable", "Guaranteed"}),
            "Quality of service class from the resource requirements.", 9),
          F("initContainerStatuses", ListOf(container_status), "One entry per init container.",
            10),
          F("nominatedNodeName", String(), "Node picked during preemption, if any.", 11),
          F("podIPs", ListMap(ip, {"ip"}), "All IPs of the pod.", 12),
          F("hostIPs", ListOf(host_ip), "All IPs of the node.", 16),
          F("ephemeralContainerStatuses", ListOf(container_status),
            "One entry per ephemeral container.", 13),
          F("observedGeneration", Int64(), "Pod generation the status reflects.", 17),
      });
  return s;
}

}  // namespace core

// An ephemeral container: the Container fields (embedded EphemeralContainerCommon, protobuf tag 1)
// plus the container whose namespaces it targets.
SchemaPtr core::EphemeralContainerSchema() {
  static const SchemaPtr s = [] {
    std::vector<Field> fields;
    for (const Field& f : ContainerSchema()->fields) fields.push_back(Embedded(1, f));
    fields.push_back(F("targetContainerName", String(),
                       "Container whose namespaces (process, IPC) it joins.", 2));
    return CoreObject("EphemeralContainer", "A debugging container added to a running pod.",
                      std::move(fields));
  }();
  return s;
}

SchemaPtr PodSpecSchema() {
  using namespace core;  // NOLINT(build/namespaces)
  static const SchemaPtr dns_config = CoreObject(
      "PodDNSConfig", "Extra DNS resolver settings merged into the generated resolv.conf.",
      {
          F("nameservers", ListOf(String()), "Extra name server addresses.", 1),
          F("searches", ListOf(String()), "Extra search domains.", 2),
          F("options", ListOf(CoreObject("PodDNSConfigOption", "One resolver option.",
                                         {F("name", String(), "Option name.", 1),
                                          F("value", String(), "Option value.", 2)})),
            "Resolver options.", 3),
      });
  static const SchemaPtr host_alias = CoreObject(
      "HostAlias", "An extra /etc/hosts entry.",
      {
          Req("ip", String(), "The address.", 1),
          F("hostnames", ListOf(String()), "Names for the address.", 2),
      });
  static const SchemaPtr readiness_gate = CoreObject(
      "PodReadinessGate", "A condition that must be true for the pod to be ready.",
      {Req("conditionType", String(), "Pod condition type to wait for.", 1)});
  static const SchemaPtr spread = CoreObject(
      "TopologySpreadConstraint", "How evenly matching pods spread across a topology.",
      {
          Req("maxSkew", Int32(), "Largest allowed difference in pod counts between domains.", 1),
          Req("topologyKey", String(), "Node label that defines domains.", 2),
          Req("whenUnsatisfiable", Enum({"DoNotSchedule", "ScheduleAnyway"}),
              "DoNotSchedule or ScheduleAnyway.", 3),
          F("labelSelector", LabelSelectorSchema(), "Selects the pods counted.", 4),
          F("minDomains", Int32(), "Least number of eligible domains.", 5),
          F("nodeAffinityPolicy", String(), "Whether node affinity limits the domains.", 6),
          F("nodeTaintsPolicy", String(), "Whether node taints limit the domains.", 7),
          F("matchLabelKeys", ListOf(String()), "Label keys added to the selector.", 8),
      });
  static const SchemaPtr s = CoreObject(
      "PodSpec", "Desired state of a pod: its containers, volumes and scheduling.",
      {
          F("volumes", ListMap(VolumeSchema(), {"name"}), "Volumes containers can mount.", 1),
          Req("containers", ListMap(ContainerSchema(), {"name"}),
              "Containers of the pod; at least one.", 2),
          F("restartPolicy", Enum({"Always", "Never", "OnFailure"}),
            "When containers are restarted: Always, OnFailure or Never.", 3),
          F("terminationGracePeriodSeconds", Int64(),
            "Seconds containers get to stop after SIGTERM; default 30.", 4),
          F("activeDeadlineSeconds", Int64(), "Most seconds the pod may be active.", 5),
          F("dnsPolicy", Enum({"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"}),
            "How DNS is configured; default ClusterFirst.", 6),
          F("nodeSelector", StringMap(), "Labels a node must have to run the pod.", 7),
          F("serviceAccountName", String(), "Service account the pod runs as.", 8),
          F("serviceAccount", String(), "Deprecated alias of serviceAccountName.", 9),
          F("nodeName", String(), "Node the pod is bound to.", 10),
          F("hostNetwork", Bool(), "Use the node's network namespace.", 11),
          F("hostPID", Bool(), "Use the node's PID namespace.", 12),
          F("hostIPC", Bool(), "Use the node's IPC namespace.", 13),
          F("securityContext", PodSecurityContextSchema(), "Pod-wide security settings.", 14),
          F("imagePullSecrets", ListMap(LocalObjectReferenceSchema(), {"name"}),
            "Secrets used to pull images.", 15),
          F("hostname", String(), "Host name of the pod; default the pod name.", 16),
          F("subdomain", String(), "Subdomain giving the pod a DNS name under a service.", 17),
          F("affinity", AffinitySchema(), "Scheduling constraints.", 18),
          F("schedulerName", String(), "Scheduler that places the pod.", 19),
          F("initContainers", ListMap(ContainerSchema(), {"name"}),
            "Containers run to completion before the others start.", 20),
          F("automountServiceAccountToken", Bool(), "Mount the service account token.", 21),
          F("tolerations", ListOf(TolerationSchema()), "Taints the pod tolerates.", 22),
          F("hostAliases", ListMap(host_alias, {"ip"}), "Extra /etc/hosts entries.", 23),
          F("priorityClassName", String(), "Priority class of the pod.", 24),
          F("priority", Int32(), "Priority value resolved from the class.", 25),
          F("dnsConfig", dns_config, "Extra DNS settings.", 26),
          F("shareProcessNamespace", Bool(), "Containers share one PID namespace.", 27),
          F("readinessGates", ListOf(readiness_gate), "Extra conditions for readiness.", 28),
          F("runtimeClassName", String(), "Runtime class used to run the pod.", 29),
          F("enableServiceLinks", Bool(), "Inject service environment variables.", 30),
          F("preemptionPolicy", Enum({"Never", "PreemptLowerPriority"}),
            "Whether the pod may preempt lower-priority pods.", 31),
          F("overhead", MapOf(Quantity()), "Resources used by the pod sandbox.", 32),
          F("topologySpreadConstraints",
            ListMap(spread, {"topologyKey", "whenUnsatisfiable"}),
            "How pods spread across topology domains.", 33),
          F("ephemeralContainers", ListMap(EphemeralContainerSchema(), {"name"}),
            "Debugging containers added to a running pod (pods/ephemeralcontainers).", 34),
          F("setHostnameAsFQDN", Bool(), "Use the fully qualified name as host name.", 35),
          F("os", CoreObject("PodOS", "Operating system the pod needs.",
                             {Req("name", String(), "linux or windows.", 1)}),
            "Operating system of the containers.", 36),
          F("hostUsers", Bool(), "Use the host user namespace.", 37),
      });
  return s;
}

SchemaPtr PodTemplateSpecSchema() {
  static const SchemaPtr s = CoreObject(
      "PodTemplateSpec", "Describes the pods created from a template.",
      {
          F("metadata", ObjectMetaSchema(), "Metadata of the created pods.", 1),
          F("spec", PodSpecSchema(), "Spec of the created pods.", 2),
      });
  return s;
}

}  // namespace berth::api
