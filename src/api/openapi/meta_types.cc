#include "api/openapi/meta_types.h"

namespace berth::api::openapi {

std::string MetaName(const std::string& type) { return std::string(kMetaPrefix) + type; }

json::object Gvk(const std::string& group, const std::string& version, const std::string& kind) {
  json::object o;
  o["group"] = group;
  o["kind"] = kind;
  o["version"] = version;
  return o;
}

json::array GvkList(const std::string& group, const std::string& version,
                    const std::string& kind) {
  json::array a;
  a.emplace_back(Gvk(group, version, kind));
  return a;
}

namespace {

Field ApiVersionField() {
  return F("apiVersion", String(),
           "The versioned schema of this representation, such as \"v1\" or \"apps/v1\".");
}
Field KindField() {
  return F("kind", String(), "The REST type this object represents, in CamelCase.");
}

}  // namespace

SchemaPtr ListMetaSchema() {
  static const SchemaPtr s =
      Object(MetaName("ListMeta"), "Metadata that synthetic list responses carry.",
                {
                    F("continue", String(),
                      "Opaque token to pass as `continue` to fetch the next page; empty on the "
                      "last page."),
                    F("remainingItemCount", Int64(),
                      "Approximate number of items after this page, when known."),
                    F("resourceVersion", String(),
                      "The store version the list was read at; use it to start a watch."),
                    F("selfLink", String(), "Deprecated; never set."),
                });
  return s;
}

namespace {

SchemaPtr StatusSchema() {
  auto cause = Object(MetaName("StatusCause"), "One reason an operation failed.",
                      {
                          F("field", String(),
                            "The field at fault, as a JSON path such as \"spec.replicas\"."),
                          F("message", String(), "Readable description of the problem."),
                          F("reason", String(),
                            "Machine-readable cause, such as FieldValueInvalid."),
                      });
  auto details = Object(
      MetaName("StatusDetails"), "Which object an error concerns, with per-field causes.",
      {
          F("causes", ListOf(cause), "The individual problems found."),
          F("group", String(), "API group of the object."),
          F("kind", String(), "Kind (or resource) of the object."),
          F("name", String(), "Name of the object."),
          F("retryAfterSeconds", Int32(), "Seconds to wait before retrying, when set."),
          F("uid", String(), "UID of the object."),
      });
  return Object(MetaName("Status"), "The result of an operation that returns no object.",
                {
                    ApiVersionField(),
                    F("code", Int32(), "HTTP status code of the result."),
                    F("details", details, "Extra data about the failure, reason-specific."),
                    KindField(),
                    F("message", String(), "Readable description of the result."),
                    F("metadata", ListMetaSchema(), "Standard list metadata."),
                    F("reason", String(), "Machine-readable reason, such as NotFound."),
                    F("status", String(), "\"Success\" or \"Failure\"."),
                });
}

SchemaPtr DeleteOptionsSchema() {
  auto preconditions = Object(
      MetaName("Preconditions"), "Conditions the object must meet for the delete to proceed.",
      {
          F("resourceVersion", String(), "The object must be at this resourceVersion."),
          F("uid", String(), "The object must have this UID."),
      });
  return Object(
      MetaName("DeleteOptions"), "Options for a delete request.",
      {
          ApiVersionField(),
          F("dryRun", ListOf(String()), "When \"All\", run every stage but persist nothing."),
          F("gracePeriodSeconds", Int64(),
            "Seconds before the object is removed; 0 deletes immediately."),
          KindField(),
          F("orphanDependents", Bool(), "Deprecated; use propagationPolicy."),
          F("preconditions", preconditions, "Must hold for the delete to happen."),
          F("propagationPolicy", String(),
            "How dependents are collected: Orphan, Background or Foreground."),
      });
}

SchemaPtr WatchEventSchema() {
  auto raw = Object("io.k8s.apimachinery.pkg.runtime.RawExtension",
                    "An embedded object of any kind, carried as JSON.", {});
  return Object(MetaName("WatchEvent"), "One event of a watch stream.",
                {
                    Req("object", raw,
                        "The object the event is about (a Status for ERROR events)."),
                    Req("type", String(), "ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
                });
}

}  // namespace

void AddMetaTypes(ComponentSet& set) {
  set.AddNamed(MetaName("ListMeta"), *ListMetaSchema());
  set.AddNamed(MetaName("Status"), *StatusSchema())["x-kubernetes-group-version-kind"] =
      GvkList("", "v1", "Status");
  set.AddNamed(MetaName("DeleteOptions"), *DeleteOptionsSchema())
      ["x-kubernetes-group-version-kind"] = GvkList("", "v1", "DeleteOptions");
  set.AddNamed(MetaName("WatchEvent"), *WatchEventSchema())["x-kubernetes-group-version-kind"] =
      GvkList("", "v1", "WatchEvent");
  json::object patch;
  patch["description"] =
      "The body of a PATCH request; its format follows the request's Content-Type.";
  patch["type"] = "object";
  set.AddRaw(MetaName("Patch"), std::move(patch));
}

void AddScaleTypes(ComponentSet& set) {
  auto spec = Object("io.k8s.api.autoscaling.v1.ScaleSpec", "The desired scale.",
                     {F("replicas", Int32(), "Desired number of instances.")});
  auto status = Object("io.k8s.api.autoscaling.v1.ScaleStatus", "The observed scale.",
                       {
                           Req("replicas", Int32(), "Observed number of instances."),
                           F("selector", String(),
                             "Label selector of the pods counted, in string form."),
                       });
  auto scale = Object(kScaleName, "The scale of a scalable resource.",
                      {
                          ApiVersionField(),
                          KindField(),
                          F("metadata", Object(MetaName("ObjectMeta"), "", {}),
                            "Standard object metadata."),
                          F("spec", spec, "The desired scale."),
                          F("status", status, "The current scale; read-only."),
                      });
  set.AddNamed(kScaleName, *scale)["x-kubernetes-group-version-kind"] =
      GvkList("autoscaling", "v1", "Scale");
}

}  // namespace berth::api::openapi
