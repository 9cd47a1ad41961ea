// A Deployment-like schema shared by the apply tests.
#pragma once

#include <string>

#include "api/schema/schema.h"
#include "common/json.h"

namespace berth::api::apply::testing {

inline SchemaPtr DeploymentSchema() {
  static const SchemaPtr schema = [] {
    SchemaPtr meta = Object(
        "ObjectMeta", "",
        {F("name", String(), ""), F("namespace", String(), ""), F("labels", StringMap(), ""),
         F("annotations", StringMap(), ""), F("finalizers", ListSet(String()), ""),
         F("resourceVersion", String(), ""), F("uid", String(), ""), F("generation", Int64(), ""),
         F("creationTimestamp", Time(), ""), F("managedFields", ListOf(Any()), "")});
    SchemaPtr port = Object(
        "ContainerPort", "",
        {F("containerPort", Int32(), ""), F("protocol", String(), ""), F("name", String(), "")});
    SchemaPtr env = Object("EnvVar", "", {F("name", String(), ""), F("value", String(), "")});
    SchemaPtr container =
        Object("Container", "",
               {F("name", String(), ""), F("image", String(), ""), F("args", ListOf(String()), ""),
                F("ports", ListMap(port, {"containerPort", "protocol"}), ""),
                F("env", ListMap(env, {"name"}), "")});
    SchemaPtr pod_spec = Object(
        "PodSpec", "",
        {F("containers", ListMap(container, {"name"}), ""), F("nodeSelector", StringMap(), "")});
    SchemaPtr pod_template =
        Object("PodTemplateSpec", "", {F("metadata", meta, ""), F("spec", pod_spec, "")});
    auto selector =
        std::make_shared<Schema>(*Object("LabelSelector", "", {F("matchLabels", StringMap(), "")}));
    selector->atomic = true;
    SchemaPtr spec = Object("DeploymentSpec", "",
                            {F("replicas", Int32(), ""), F("selector", selector, ""),
                             F("template", pod_template, ""), F("extra", Any(), "")});
    SchemaPtr status = Object("DeploymentStatus", "",
                              {F("replicas", Int32(), ""), F("readyReplicas", Int32(), "")});
    return Object("Deployment", "",
                  {F("apiVersion", String(), ""), F("kind", String(), ""), F("metadata", meta, ""),
                   F("spec", spec, ""), F("status", status, "")});
  }();
  return schema;
}

inline json::value J(const std::string& text) { return json::parse(text); }

}  // namespace berth::api::apply::testing
