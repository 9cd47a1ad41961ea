// Schema (with protobuf field numbers) of authentication.k8s.io/v1 TokenRequest, the body of
// POST serviceaccounts/<name>/token (`kubectl create token` sends it as protobuf). Not a stored
// kind, so not in the Registry. Field numbers follow k8s.io/api/authentication/v1/generated.proto.
// The returned node is built once and immutable; safe from any thread.
#pragma once

#include "api/schema/schema.h"

namespace berth::api::protobuf {

SchemaPtr TokenRequestSchema();

}  // namespace berth::api::protobuf
