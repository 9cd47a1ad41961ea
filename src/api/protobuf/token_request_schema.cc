#include "api/protobuf/token_request_schema.h"

#include "api/kinds/kinds.h"

namespace berth::api::protobuf {

SchemaPtr TokenRequestSchema() {
  static const SchemaPtr schema = [] {
    const std::string prefix = "io.k8s.api.authentication.v1.";
    SchemaPtr bound = Object(prefix + "BoundObjectReference", "The object a token is bound to.",
                             {
                                 F("kind", String(), "Kind of the object (Pod, Secret).", 1),
                                 F("apiVersion", String(), "API version of the object.", 2),
                                 F("name", String(), "Name of the object.", 3),
                                 F("uid", String(), "UID of the object.", 4),
                             });
    SchemaPtr spec = Object(prefix + "TokenRequestSpec", "The token being requested.",
                            {
                                F("audiences", ListOf(String()), "Intended audiences.", 1),
                                F("expirationSeconds", Int64(), "Requested lifetime.", 4),
                                F("boundObjectRef", bound, "Object the token is bound to.", 3),
                            });
    SchemaPtr status = Object(prefix + "TokenRequestStatus", "The issued token.",
                              {
                                  F("token", String(), "The opaque bearer token.", 1),
                                  F("expirationTimestamp", Time(), "When it expires.", 2),
                              });
    return KindSchema(prefix + "TokenRequest", "Requests a token for a service account.",
                      {
                          Req("spec", spec, "The request.", 2),
                          F("status", status, "Filled in by the server.", 3),
                      });
  }();
  return schema;
}

}  // namespace berth::api::protobuf
