// core/v1 Container and everything it holds (ports, env, resources, probes,
// lifecycle hooks, security context). Proto tags follow k8s.io/api core/v1
// generated.proto. Fields of Go-embedded structs (ProbeHandler inside Probe,
// LocalObjectReference inside the key selectors) are flattened in JSON and
// nested in protobuf; they carry proto_tag 0 here because a Field cannot
// express the nesting.
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

SchemaPtr CoreObject(const std::string& name, std::string description, std::vector<Field> fields) {
  return Object("io.k8s.api.core.v1." + name, std::move(description), std::move(fields));
}

SchemaPtr LocalObjectReferenceSchema() {
  static const SchemaPtr s = CoreObject("LocalObjectReference",
                                        "Names another object in the same namespace.",
                                        {F("name", String(), "Name of the referenced object.", 1)});
  return s;
}

SchemaPtr ObjectFieldSelectorSchema() {
  static const SchemaPtr s = CoreObject(
      "ObjectFieldSelector", "Selects one field of the pod.",
      {
          F("apiVersion", String(), "Version the field path is written against; default v1.", 1),
          Req("fieldPath", String(), "Path of the field to read.", 2),
      });
  return s;
}

SchemaPtr ResourceFieldSelectorSchema() {
  static const SchemaPtr s = CoreObject(
      "ResourceFieldSelector", "Selects a container's resource limit or request.",
      {
          F("containerName", String(), "Container to read; required for volumes.", 1),
          Req("resource", String(), "Resource to read, such as limits.cpu.", 2),
          F("divisor", Quantity(), "Unit the value is divided by; default 1.", 3),
      });
  return s;
}

namespace {

SchemaPtr ContainerPortSchema() {
  static const SchemaPtr s = CoreObject(
      "ContainerPort", "A network port a container listens on.",
      {
          F("name", String(), "IANA service name for the port, unique in the pod.", 1),
          F("hostPort", Int32(), "Port exposed on the node; rarely needed.", 2),
          Req("containerPort", Int32(), "Port number on the pod's IP.", 3),
          F("protocol", Enum({"SCTP", "TCP", "UDP"}), "TCP, UDP or SCTP; default TCP.", 4),
          F("hostIP", String(), "Host address the host port binds to.", 5),
      });
  return s;
}

SchemaPtr KeySelector(const std::string& name, const std::string& what) {
  return CoreObject(name, "Selects one key of a " + what + ".",
                    {
                        Embedded(1, F("name", String(), "Name of the " + what + ".", 1)),
                        Req("key", String(), "The key to read.", 2),
                        F("optional", Bool(), "Whether the " + what + " or key may be missing.", 3),
                    });
}

SchemaPtr EnvVarSchema() {
  static const SchemaPtr source = CoreObject(
      "EnvVarSource", "Where an environment variable takes its value from.",
      {
          F("fieldRef", ObjectFieldSelectorSchema(), "A field of the pod.", 1),
          F("resourceFieldRef", ResourceFieldSelectorSchema(),
            "A resource limit or request of a container.", 2),
          F("configMapKeyRef", KeySelector("ConfigMapKeySelector", "config map"),
            "A key of a config map.", 3),
          F("secretKeyRef", KeySelector("SecretKeySelector", "secret"), "A key of a secret.", 4),
      });
  static const SchemaPtr s = CoreObject(
      "EnvVar", "One environment variable of a container.",
      {
          Req("name", String(), "Variable name.", 1),
          F("value", String(), "Literal value; $(VAR) references are expanded.", 2),
          F("valueFrom", source, "Source of the value when value is not given.", 3),
      });
  return s;
}

SchemaPtr EnvFromSourceSchema() {
  auto ref = [](const std::string& name, const std::string& what) {
    return CoreObject(name, "Imports every key of a " + what + " as variables.",
                      {
                          Embedded(1, F("name", String(), "Name of the " + what + ".", 1)),
                          F("optional", Bool(), "Whether the " + what + " may be missing.", 2),
                      });
  };
  static const SchemaPtr s = CoreObject(
      "EnvFromSource", "A set of environment variables taken from a config map or secret.",
      {
          F("prefix", String(), "Prefix added to every imported name.", 1),
          F("configMapRef", ref("ConfigMapEnvSource", "config map"), "Config map to import.", 2),
          F("secretRef", ref("SecretEnvSource", "secret"), "Secret to import.", 3),
      });
  return s;
}

SchemaPtr ResourceRequirementsSchema() {
  static const SchemaPtr claim = CoreObject(
      "ResourceClaim", "Refers to a resource claim of the pod.",
      {
          Req("name", String(), "Name of the pod resource claim.", 1),
          F("request", String(), "One request inside the claim.", 2),
      });
  static const SchemaPtr s = CoreObject(
      "ResourceRequirements", "Compute resources a container needs and may use.",
      {
          F("limits", MapOf(Quantity()), "Most of each resource the container may use.", 1),
          F("requests", MapOf(Quantity()),
            "Resources reserved for the container; default to the limits.", 2),
          F("claims", ListMap(claim, {"name"}), "Dynamic resource claims used.", 3),
      });
  return s;
}

SchemaPtr VolumeMountSchema() {
  static const SchemaPtr s = CoreObject(
      "VolumeMount", "Mounts a pod volume into the container.",
      {
          Req("name", String(), "Name of the pod volume.", 1),
          F("readOnly", Bool(), "Mount read-only when true.", 2),
          Req("mountPath", String(), "Path inside the container; must not contain ':'.", 3),
          F("subPath", String(), "Sub-path of the volume to mount instead of its root.", 4),
          F("mountPropagation", String(), "How mounts propagate between host and container.", 5),
          F("subPathExpr", String(), "Like subPath but with $(VAR) expansion.", 6),
          F("recursiveReadOnly", String(), "Whether read-only applies recursively.", 7),
      });
  return s;
}

SchemaPtr ExecActionSchema() {
  static const SchemaPtr s =
      CoreObject("ExecAction", "Runs a command inside the container.",
                 {F("command", ListOf(String()), "Command line; exit status 0 is success.", 1)});
  return s;
}

SchemaPtr HTTPGetActionSchema() {
  static const SchemaPtr header = CoreObject(
      "HTTPHeader", "One HTTP header.",
      {Req("name", String(), "Header name.", 1), Req("value", String(), "Header value.", 2)});
  static const SchemaPtr s = CoreObject(
      "HTTPGetAction", "Sends an HTTP GET; a 2xx or 3xx reply is success.",
      {
          F("path", String(), "Request path.", 1),
          Req("port", IntOrString(), "Port number or name.", 2),
          F("host", String(), "Host to connect to; default the pod IP.", 3),
          F("scheme", Enum({"HTTP", "HTTPS"}), "HTTP or HTTPS; default HTTP.", 4),
          F("httpHeaders", ListOf(header), "Extra request headers.", 5),
      });
  return s;
}

SchemaPtr TCPSocketActionSchema() {
  static const SchemaPtr s = CoreObject(
      "TCPSocketAction", "Opens a TCP connection; success when it connects.",
      {
          Req("port", IntOrString(), "Port number or name.", 1),
          F("host", String(), "Host to connect to; default the pod IP.", 2),
      });
  return s;
}

SchemaPtr ProbeSchema() {
  static const SchemaPtr grpc = CoreObject(
      "GRPCAction", "Calls the gRPC health checking service.",
      {
          Req("port", Int32(), "Port of the gRPC service.", 1),
          F("service", String(), "Service name sent in the health check request.", 2),
      });
  static const SchemaPtr s = CoreObject(
      "Probe", "A periodic health check of a container.",
      {
          Embedded(1, F("exec", ExecActionSchema(), "Run a command.", 1)),
          Embedded(1, F("httpGet", HTTPGetActionSchema(), "Send an HTTP GET.", 2)),
          Embedded(1, F("tcpSocket", TCPSocketActionSchema(), "Open a TCP connection.", 3)),
          Embedded(1, F("grpc", grpc, "Call the gRPC health service.", 4)),
          F("initialDelaySeconds", Int32(), "Seconds after start before the first probe.", 2),
          F("timeoutSeconds", Int32(), "Seconds before a probe times out; default 1.", 3),
          F("periodSeconds", Int32(), "Seconds between probes; default 10.", 4),
          F("successThreshold", Int32(),
            "Consecutive successes needed after a failure; default 1.", 5),
          F("failureThreshold", Int32(), "Consecutive failures before giving up; default 3.", 6),
          F("terminationGracePeriodSeconds", Int64(),
            "Grace period used when a failed probe kills the container.", 7),
      });
  return s;
}

SchemaPtr LifecycleSchema() {
  static const SchemaPtr handler = CoreObject(
      "LifecycleHandler", "An action run at a container lifecycle event.",
      {
          F("exec", ExecActionSchema(), "Run a command.", 1),
          F("httpGet", HTTPGetActionSchema(), "Send an HTTP GET.", 2),
          F("tcpSocket", TCPSocketActionSchema(), "Deprecated TCP check.", 3),
          F("sleep", CoreObject("SleepAction", "Waits for a while.",
                                {Req("seconds", Int64(), "Seconds to sleep.", 1)}),
            "Sleep for a while.", 4),
      });
  static const SchemaPtr s = CoreObject(
      "Lifecycle", "Actions run after a container starts and before it stops.",
      {
          F("postStart", handler, "Runs right after the container is created.", 1),
          F("preStop", handler, "Runs before the container is terminated.", 2),
      });
  return s;
}

SchemaPtr SELinuxOptionsSchema() {
  static const SchemaPtr s = CoreObject("SELinuxOptions", "SELinux labels to apply.",
                                        {
                                            F("user", String(), "SELinux user label.", 1),
                                            F("role", String(), "SELinux role label.", 2),
                                            F("type", String(), "SELinux type label.", 3),
                                            F("level", String(), "SELinux level label.", 4),
                                        });
  return s;
}

SchemaPtr SeccompProfileSchema() {
  static const SchemaPtr s = CoreObject(
      "SeccompProfile", "The seccomp profile to apply.",
      {
          Req("type", Enum({"Localhost", "RuntimeDefault", "Unconfined"}), "Kind of profile.", 1),
          F("localhostProfile", String(), "Profile file on the node, for Localhost.", 2),
      });
  return s;
}

SchemaPtr WindowsOptionsSchema() {
  static const SchemaPtr s = CoreObject(
      "WindowsSecurityContextOptions", "Windows-specific security options.",
      {
          F("gmsaCredentialSpecName", String(), "Name of the GMSA credential spec.", 1),
          F("gmsaCredentialSpec", String(), "Inline GMSA credential spec.", 2),
          F("runAsUserName", String(), "Windows user to run as.", 3),
          F("hostProcess", Bool(), "Run as a host process container.", 4),
      });
  return s;
}

SchemaPtr AppArmorProfileSchema() {
  static const SchemaPtr s = CoreObject(
      "AppArmorProfile", "The AppArmor profile to apply.",
      {
          Req("type", Enum({"Localhost", "RuntimeDefault", "Unconfined"}), "Kind of profile.", 1),
          F("localhostProfile", String(), "Profile loaded on the node, for Localhost.", 2),
      });
  return s;
}

SchemaPtr SecurityContextSchema() {
  static const SchemaPtr caps = CoreObject(
      "Capabilities", "Linux capabilities to add or drop.",
      {
          F("add", ListOf(String()), "Capabilities to add.", 1),
          F("drop", ListOf(String()), "Capabilities to drop.", 2),
      });
  static const SchemaPtr s = CoreObject(
      "SecurityContext", "Security settings of one container; overrides the pod's.",
      {
          F("capabilities", caps, "Capabilities to add or drop.", 1),
          F("privileged", Bool(), "Run with host-level privileges.", 2),
          F("seLinuxOptions", SELinuxOptionsSchema(), "SELinux context.", 3),
          F("runAsUser", Int64(), "UID the process runs as.", 4),
          F("runAsNonRoot", Bool(), "Refuse to start when the user would be root.", 5),
          F("readOnlyRootFilesystem", Bool(), "Mount the root filesystem read-only.", 6),
          F("allowPrivilegeEscalation", Bool(), "Whether a process may gain privileges.", 7),
          F("runAsGroup", Int64(), "GID the process runs as.", 8),
          F("procMount", String(), "Kind of /proc mount.", 9),
          F("windowsOptions", WindowsOptionsSchema(), "Windows-specific settings.", 10),
          F("seccompProfile", SeccompProfileSchema(), "Seccomp profile.", 11),
          F("appArmorProfile", AppArmorProfileSchema(), "AppArmor profile.", 12),
      });
  return s;
}

SchemaPtr ContainerResizePolicySchema() {
  static const SchemaPtr s = CoreObject(
      "ContainerResizePolicy", "How a resource of the container is resized.",
      {
          Req("resourceName", String(), "The resource this policy applies to.", 1),
          Req("restartPolicy", String(), "NotRequired or RestartContainer.", 2),
      });
  return s;
}

SchemaPtr VolumeDeviceSchema() {
  static const SchemaPtr s = CoreObject(
      "VolumeDevice", "Maps a raw block volume into the container.",
      {
          Req("name", String(), "Name of the persistent volume claim in the pod.", 1),
          Req("devicePath", String(), "Device path inside the container.", 2),
      });
  return s;
}

}  // namespace

SchemaPtr ContainerSchema() {
  static const SchemaPtr s = CoreObject(
      "Container", "One application container of a pod.",
      {
          Req("name", String(), "Container name, a DNS label unique in the pod.", 1),
          F("image", String(), "Container image reference.", 2),
          F("command", ListOf(String()), "Entrypoint; replaces the image's ENTRYPOINT.", 3),
          F("args", ListOf(String()), "Arguments; replace the image's CMD.", 4),
          F("workingDir", String(), "Working directory of the process.", 5),
          F("ports", ListMap(ContainerPortSchema(), {"containerPort", "protocol"}),
            "Ports the container exposes.", 6),
          F("env", ListMap(EnvVarSchema(), {"name"}), "Environment variables to set.", 7),
          F("resources", ResourceRequirementsSchema(), "Compute resources required.", 8),
          F("volumeMounts", ListMap(VolumeMountSchema(), {"mountPath"}),
            "Pod volumes to mount into the filesystem.", 9),
          F("livenessProbe", ProbeSchema(), "Restart the container when this check fails.", 10),
          F("readinessProbe", ProbeSchema(),
            "Remove the pod from service endpoints when this check fails.", 11),
          F("lifecycle", LifecycleSchema(), "Hooks run on start and stop.", 12),
          F("terminationMessagePath", String(),
            "File whose contents become the termination message.", 13),
          F("imagePullPolicy", Enum({"Always", "IfNotPresent", "Never"}),
            "When to pull the image: Always, IfNotPresent or Never.", 14),
          F("securityContext", SecurityContextSchema(), "Security settings.", 15),
          F("stdin", Bool(), "Allocate a stdin buffer.", 16),
          F("stdinOnce", Bool(), "Close stdin after the first attach disconnects.", 17),
          F("tty", Bool(), "Allocate a TTY.", 18),
          F("envFrom", ListOf(EnvFromSourceSchema()), "Sources of many variables at once.", 19),
          F("terminationMessagePolicy", Enum({"FallbackToLogsOnError", "File"}),
            "Where the termination message comes from: File or FallbackToLogsOnError.", 20),
          F("volumeDevices", ListMap(VolumeDeviceSchema(), {"devicePath"}),
            "Raw block devices to expose.", 21),
          F("startupProbe", ProbeSchema(), "Other probes wait until this check succeeds.", 22),
          F("resizePolicy", ListOf(ContainerResizePolicySchema()),
            "Resize policies per resource.", 23),
          F("restartPolicy", String(), "Always makes an init container a sidecar.", 24),
      });
  return s;
}

SchemaPtr PodSecurityContextSchema() {
  static const SchemaPtr sysctl = CoreObject(
      "Sysctl", "A kernel parameter to set.",
      {Req("name", String(), "Parameter name.", 1), Req("value", String(), "Value.", 2)});
  static const SchemaPtr s = CoreObject(
      "PodSecurityContext", "Security settings shared by all containers of a pod.",
      {
          F("seLinuxOptions", SELinuxOptionsSchema(), "SELinux context for all containers.", 1),
          F("runAsUser", Int64(), "UID processes run as.", 2),
          F("runAsNonRoot", Bool(), "Refuse to start containers that would run as root.", 3),
          F("supplementalGroups", ListOf(Int64()), "Extra GIDs for every process.", 4),
          F("fsGroup", Int64(), "GID that owns supported volumes.", 5),
          F("runAsGroup", Int64(), "GID processes run as.", 6),
          F("sysctls", ListOf(sysctl), "Namespaced kernel parameters to set.", 7),
          F("windowsOptions", WindowsOptionsSchema(), "Windows-specific settings.", 8),
          F("fsGroupChangePolicy", String(), "When volume ownership is changed.", 9),
          F("seccompProfile", SeccompProfileSchema(), "Seccomp profile.", 10),
          F("appArmorProfile", AppArmorProfileSchema(), "AppArmor profile.", 11),
          F("supplementalGroupsPolicy", String(), "How supplemental groups are computed.", 12),
          F("seLinuxChangePolicy", String(), "How SELinux labels are applied to volumes.", 13),
      });
  return s;
}

}  // namespace berth::api::core
