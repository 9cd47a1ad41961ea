#include "api/protobuf/access_review_schema.h"

#include "api/kinds/kinds.h"

namespace berth::api::protobuf {
namespace {

constexpr const char* kPrefix = "io.k8s.api.authorization.v1.";

SchemaPtr ResourceAttributesSchema() {
  return Object(std::string(kPrefix) + "ResourceAttributes",
                "Authorization attributes of a request for a resource.",
                {
                    F("namespace", String(), "Namespace of the action; empty means all.", 1),
                    F("verb", String(), "API verb such as get, list, create; * means all.", 2),
                    F("group", String(), "API group of the resource; * means all.", 3),
                    F("version", String(), "API version of the resource; * means all.", 4),
                    F("resource", String(), "Resource type such as pods; * means all.", 5),
                    F("subresource", String(), "Subresource such as log; empty means none.", 6),
                    F("name", String(), "Name of the object; empty means all.", 7),
                });
}

SchemaPtr NonResourceAttributesSchema() {
  return Object(std::string(kPrefix) + "NonResourceAttributes",
                "Authorization attributes of a request for a non-resource URL.",
                {
                    F("path", String(), "URL path of the request.", 1),
                    F("verb", String(), "HTTP verb of the request.", 2),
                });
}

SchemaPtr SubjectAccessReviewStatusSchema() {
  return Object(std::string(kPrefix) + "SubjectAccessReviewStatus",
                "The authorizer's answer.",
                {
                    Req("allowed", Bool(), "True when the action would be allowed.", 1),
                    F("denied", Bool(), "True when the action would be explicitly denied.", 4),
                    F("reason", String(), "Why the request was allowed or denied.", 2),
                    F("evaluationError", String(), "An error met while authorizing.", 3),
                });
}

}  // namespace

SchemaPtr SelfSubjectAccessReviewSchema() {
  static const SchemaPtr schema = [] {
    SchemaPtr spec = Object(
        std::string(kPrefix) + "SelfSubjectAccessReviewSpec",
        "The access being asked about; exactly one of the two attribute sets is set.",
        {
            F("resourceAttributes", ResourceAttributesSchema(), "A resource request.", 1),
            F("nonResourceAttributes", NonResourceAttributesSchema(), "A non-resource request.",
              2),
        });
    return KindSchema(std::string(kPrefix) + "SelfSubjectAccessReview",
                      "Asks whether the current user may perform an action.",
                      {
                          Req("spec", spec, "The request being evaluated.", 2),
                          F("status", SubjectAccessReviewStatusSchema(),
                            "Filled in by the server.", 3),
                      });
  }();
  return schema;
}

SchemaPtr SelfSubjectRulesReviewSchema() {
  static const SchemaPtr schema = [] {
    SchemaPtr spec = Object(std::string(kPrefix) + "SelfSubjectRulesReviewSpec",
                            "Which namespace to list the rules for.",
                            {F("namespace", String(), "Namespace to evaluate rules in.", 1)});
    SchemaPtr resource_rule = Object(
        std::string(kPrefix) + "ResourceRule", "Actions allowed on resources.",
        {
            Req("verbs", ListOf(String()), "Allowed verbs; * means all.", 1),
            F("apiGroups", ListOf(String()), "API groups the rule covers.", 2),
            F("resources", ListOf(String()), "Resources the rule covers.", 3),
            F("resourceNames", ListOf(String()), "Object names the rule is limited to.", 4),
        });
    SchemaPtr non_resource_rule = Object(
        std::string(kPrefix) + "NonResourceRule", "Actions allowed on non-resource URLs.",
        {
            Req("verbs", ListOf(String()), "Allowed HTTP verbs; * means all.", 1),
            F("nonResourceURLs", ListOf(String()), "URL paths the rule covers.", 2),
        });
    SchemaPtr status = Object(
        std::string(kPrefix) + "SubjectRulesReviewStatus", "The rules the user has.",
        {
            Req("resourceRules", ListOf(resource_rule), "Allowed resource actions.", 1),
            Req("nonResourceRules", ListOf(non_resource_rule), "Allowed non-resource actions.",
                2),
            Req("incomplete", Bool(), "True when the list may be incomplete.", 3),
            F("evaluationError", String(), "An error met while listing rules.", 4),
        });
    return KindSchema(std::string(kPrefix) + "SelfSubjectRulesReview",
                      "Lists the actions the current user may perform in a namespace.",
                      {
                          Req("spec", spec, "The request being evaluated.", 2),
                          F("status", status, "Filled in by the server.", 3),
                      });
  }();
  return schema;
}

}  // namespace berth::api::protobuf
