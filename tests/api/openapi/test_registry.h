// A small registry built in the test (independent of kinds/): apps/v1
// Deployment (status + scale), core/v1 Pod (status) and cluster-scoped
// Namespace.
#pragma once

#include "api/resource.h"
#include "api/schema/schema.h"

namespace berth::api::openapi::testing {

inline SchemaPtr TestMeta() {
  static const SchemaPtr s =
      Object("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard metadata.",
             {F("name", String(), "Name."), F("labels", StringMap(), "Labels.")});
  return s;
}

inline SchemaPtr TestKind(const std::string& name, std::vector<Field> fields) {
  std::vector<Field> all = {F("apiVersion", String(), "API version."),
                            F("kind", String(), "Kind."),
                            F("metadata", TestMeta(), "Metadata.")};
  for (auto& f : fields) all.push_back(std::move(f));
  return Object(name, "The " + name + " kind.", std::move(all));
}

inline SchemaPtr TestPodSpec() {
  static const SchemaPtr s = [] {
    auto port = Object("io.k8s.api.core.v1.ContainerPort", "A port.",
                       {Req("containerPort", Int32(), "Port number."),
                        F("protocol", Enum({"TCP", "UDP", "SCTP"}), "Protocol.")});
    auto container = Object(
        "io.k8s.api.core.v1.Container", "One container.",
        {Req("name", String(), "Container name."), F("image", String(), "Image."),
         F("ports", ListMap(port, {"containerPort", "protocol"}), "Ports."),
         F("resources",
           Object("io.k8s.api.core.v1.ResourceRequirements", "Resources.",
                  {F("limits", MapOf(Quantity()), "Limits.")}),
           "Compute resources."),
         F("args", ListOf(String()), "Arguments.")});
    return Object("io.k8s.api.core.v1.PodSpec", "Pod spec.",
                  {Req("containers", ListMap(container, {"name"}), "Containers."),
                   F("finalizers", ListSet(String()), "A set."),
                   F("extra", Any(), "Free-form.")});
  }();
  return s;
}

inline Registry MakeTestRegistry() {
  Registry r;
  {
    ResourceType pod;
    pod.group = "";
    pod.version = "v1";
    pod.kind = "Pod";
    pod.plural = "pods";
    pod.singular = "pod";
    pod.has_status = true;
    pod.schema = TestKind("io.k8s.api.core.v1.Pod", {F("spec", TestPodSpec(), "Pod spec.")});
    r.Add(std::move(pod));
  }
  {
    ResourceType ns;
    ns.version = "v1";
    ns.kind = "Namespace";
    ns.plural = "namespaces";
    ns.singular = "namespace";
    ns.namespaced = false;
    ns.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
    ns.schema = TestKind("io.k8s.api.core.v1.Namespace", {});
    r.Add(std::move(ns));
  }
  {
    ResourceType d;
    d.group = "apps";
    d.version = "v1";
    d.kind = "Deployment";
    d.plural = "deployments";
    d.singular = "deployment";
    d.has_status = true;
    d.scale = ScaleSpec{};
    auto rolling = Object("io.k8s.api.apps.v1.RollingUpdateDeployment", "Rolling update.",
                          {F("maxSurge", IntOrString(), "Surge."),
                           F("maxUnavailable", IntOrString(), "Unavailable.")});
    auto strategy =
        Object("io.k8s.api.apps.v1.DeploymentStrategy", "Strategy.",
               {F("type", Enum({"Recreate", "RollingUpdate"}), "Type of deployment."),
                F("rollingUpdate", rolling, "Rolling update config.")},
               /*retain_keys=*/true);
    auto tmpl = Object("io.k8s.api.core.v1.PodTemplateSpec", "Template.",
                       {F("metadata", TestMeta(), "Metadata."), F("spec", TestPodSpec(), "")});
    auto spec = Object("io.k8s.api.apps.v1.DeploymentSpec", "Deployment spec.",
                       {F("replicas", Int32(), "Replicas."),
                        Req("template", tmpl, "Pod template."),
                        F("strategy", strategy, "The deployment strategy.")});
    d.schema = TestKind("io.k8s.api.apps.v1.Deployment", {F("spec", spec, "Spec.")});
    r.Add(std::move(d));
  }
  return r;
}

}  // namespace berth::api::openapi::testing
