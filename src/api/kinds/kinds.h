// Built-in kinds. Each group registers its kinds into the Registry; shared
// schema pieces (ObjectMeta, PodSpec, LabelSelector...) are defined once in
// kinds/core/ and reused by every group.
//
// Every function here returns shared immutable schema nodes (built once on
// first call; thread-safe).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/resource.h"
#include "api/schema/schema.h"
#include "common/status.h"

namespace berth::api {

// --- Shared schema pieces (defined in kinds/core/) ---
SchemaPtr ObjectMetaSchema();      // io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta
SchemaPtr LabelSelectorSchema();   // ...meta.v1.LabelSelector
SchemaPtr ObjectReferenceSchema(); // io.k8s.api.core.v1.ObjectReference
SchemaPtr PodSpecSchema();         // io.k8s.api.core.v1.PodSpec
SchemaPtr PodTemplateSpecSchema(); // io.k8s.api.core.v1.PodTemplateSpec
SchemaPtr ConditionSchema();       // ...meta.v1.Condition

// The top-level schema of a kind: apiVersion, kind, metadata (ObjectMeta) and
// the given extra fields (spec, status, data...). `name` is the OpenAPI name,
// e.g. "io.k8s.api.apps.v1.Deployment".
SchemaPtr KindSchema(std::string name, std::string description, std::vector<Field> fields);

// Defaulting and validation of a PodSpec (used by Pod and by every template).
// `path` is the JSON path prefix for causes ("spec" or "spec.template.spec").
void DefaultPodSpec(json::object& spec);
std::vector<Cause> ValidatePodSpec(const json::object& spec, const std::string& path);

// Validation of a metav1.LabelSelector at `path`; `required` when it must be non-empty.
std::vector<Cause> ValidateLabelSelector(const json::value* selector, const std::string& path,
                                         bool required);

// Table helpers.
// The AGE cell from metadata.creationTimestamp ("<unknown>" when missing).
std::string AgeCell(const json::object& obj, const HookContext& ctx);
// The standard Name column.
TableColumn NameColumn();
TableColumn AgeColumn();

// --- Registration, one function per group (in discovery order) ---
void RegisterCoreKinds(Registry& r);         // kinds/core/
void RegisterAppsKinds(Registry& r);         // kinds/apps/
void RegisterEventsKinds(Registry& r);       // kinds/events/
void RegisterBatchKinds(Registry& r);        // kinds/batch/
void RegisterAutoscalingKinds(Registry& r);  // kinds/autoscaling/
void RegisterNetworkingKinds(Registry& r);   // kinds/networking/
void RegisterPolicyKinds(Registry& r);       // kinds/policy/
void RegisterDiscoveryKinds(Registry& r);    // kinds/discovery/
void RegisterCoordinationKinds(Registry& r); // kinds/coordination/

}  // namespace berth::api
