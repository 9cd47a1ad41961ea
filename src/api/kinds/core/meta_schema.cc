// Shared apimachinery meta/v1 schema pieces: ObjectMeta, LabelSelector,
// Condition, plus core/v1 ObjectReference and the KindSchema wrapper.
// Proto tags follow k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {
const char* kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

SchemaPtr OwnerReferenceSchema() {
  static const SchemaPtr s = Object(
      std::string(kMeta) + "OwnerReference",
      "Points at an object that owns this one; owned objects are collected with their owner.",
      {
          Req("apiVersion", String(), "API version of the owner.", 5),
          Req("kind", String(), "Kind of the owner.", 1),
          Req("name", String(), "Name of the owner.", 3),
          Req("uid", String(), "UID of the owner.", 4),
          F("controller", Bool(), "True when the owner is the managing controller.", 6),
          F("blockOwnerDeletion", Bool(),
            "When true the owner cannot be deleted in the foreground until this object is gone.",
            7),
      });
  return s;
}

SchemaPtr ManagedFieldsEntrySchema() {
  static const SchemaPtr s = Object(
      std::string(kMeta) + "ManagedFieldsEntry",
      "Records which fields a manager set and through which operation.",
      {
          F("manager", String(), "The manager that owns these fields.", 1),
          F("operation", String(), "Apply or Update: how the fields were written.", 2),
          F("apiVersion", String(), "API version the fieldset is expressed in.", 3),
          F("time", Time(), "When the entry last changed.", 4),
          F("fieldsType", String(), "Format of fieldsV1; always FieldsV1.", 6),
          F("fieldsV1", Any(), "The set of owned fields as a trie.", 7),
          F("subresource", String(), "Subresource the fields were written through, if any.", 8),
      });
  return s;
}
}  // namespace

SchemaPtr ObjectMetaSchema() {
  static const SchemaPtr s = Object(
      std::string(kMeta) + "ObjectMeta",
      "Standard metadata every persisted object carries.",
      {
          F("name", String(), "Unique name of the object within its namespace.", 1),
          F("generateName", String(),
            "Prefix the server uses to generate a unique name when name is empty.", 2),
          F("namespace", String(), "Namespace the object lives in; empty for cluster objects.", 3),
          F("selfLink", String(), "Deprecated; no longer populated.", 4),
          F("uid", String(), "Server-assigned identifier unique across time.", 5),
          F("resourceVersion", String(),
            "Opaque version of the object used for optimistic concurrency and watches.", 6),
          F("generation", Int64(), "Sequence number of the desired state.", 7),
          F("creationTimestamp", Time(), "When the server created the object.", 8),
          F("deletionTimestamp", Time(), "When graceful deletion was requested.", 9),
          F("deletionGracePeriodSeconds", Int64(),
            "Seconds allowed for graceful termination before removal.", 10),
          F("labels", StringMap(), "Key/value pairs used to select and organise objects.", 11),
          F("annotations", StringMap(), "Arbitrary non-identifying key/value metadata.", 12),
          F("ownerReferences", ListMap(OwnerReferenceSchema(), {"uid"}),
            "Objects this object depends on.", 13),
          F("finalizers", ListSet(String()),
            "Conditions that must clear before the object is removed.", 14),
          F("managedFields", ListOf(ManagedFieldsEntrySchema()),
            "Field ownership bookkeeping for server-side apply.", 17),
      });
  return s;
}

SchemaPtr LabelSelectorSchema() {
  static const SchemaPtr requirement = [] {
    auto s = std::make_shared<Schema>(*Object(
        std::string(kMeta) + "LabelSelectorRequirement",
        "One key/operator/values test against labels.",
        {
            Req("key", String(), "The label key the test applies to.", 1),
            Req("operator", String(), "One of In, NotIn, Exists, DoesNotExist.", 2),
            F("values", ListOf(String()),
              "Values for In and NotIn; must be empty for Exists and DoesNotExist.", 3),
        }));
    return SchemaPtr(s);
  }();
  static const SchemaPtr s = [] {
    auto sel = std::make_shared<Schema>(*Object(
        std::string(kMeta) + "LabelSelector",
        "Selects objects by label; all terms must match. An empty selector matches everything.",
        {
            F("matchLabels", StringMap(), "Labels that must be present with exactly these values.",
              1),
            F("matchExpressions", ListOf(requirement), "Set-based label requirements.", 2),
        }));
    sel->atomic = true;
    return SchemaPtr(sel);
  }();
  return s;
}

SchemaPtr ObjectReferenceSchema() {
  static const SchemaPtr s = Object(
      "io.k8s.api.core.v1.ObjectReference", "Identifies another object, possibly a part of it.",
      {
          F("kind", String(), "Kind of the referenced object.", 1),
          F("namespace", String(), "Namespace of the referenced object.", 2),
          F("name", String(), "Name of the referenced object.", 3),
          F("uid", String(), "UID of the referenced object.", 4),
          F("apiVersion", String(), "API version of the referenced object.", 5),
          F("resourceVersion", String(), "Version of the referenced object, if pinned.", 6),
          F("fieldPath", String(), "Path to a part of the object, such as one container.", 7),
      });
  return s;
}

SchemaPtr ConditionSchema() {
  static const SchemaPtr s = Object(
      std::string(kMeta) + "Condition", "One observed aspect of an object's current state.",
      {
          Req("type", String(), "Name of the condition in CamelCase.", 1),
          Req("status", Enum({"True", "False", "Unknown"}), "True, False or Unknown.", 2),
          F("observedGeneration", Int64(), "Generation the condition was computed from.", 3),
          Req("lastTransitionTime", Time(), "When the status last changed.", 4),
          Req("reason", String(), "Machine-readable reason for the last transition.", 5),
          Req("message", String(), "Human-readable details about the transition.", 6),
      });
  return s;
}

SchemaPtr KindSchema(std::string name, std::string description, std::vector<Field> fields) {
  std::vector<Field> all;
  all.push_back(F("apiVersion", String(), "Versioned schema of this representation."));
  all.push_back(F("kind", String(), "The REST resource type this object represents."));
  all.push_back(F("metadata", ObjectMetaSchema(), "Standard object metadata.", 1));
  for (auto& f : fields) all.push_back(std::move(f));
  return Object(std::move(name), std::move(description), std::move(all));
}

}  // namespace berth::api
