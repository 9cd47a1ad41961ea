// Schemas (with protobuf field numbers) for the authorization.k8s.io/v1
// review kinds that kubectl sends as protobuf but that are not stored kinds
// and so are not in the Registry: SelfSubjectAccessReview (`kubectl auth
// can-i`) and SelfSubjectRulesReview (`kubectl auth can-i --list`).
// Field numbers follow k8s.io/api/authorization/v1/generated.proto.
//
// Returned nodes are built once and immutable; safe from any thread.
#pragma once

#include "api/schema/schema.h"

namespace berth::api::protobuf {

// io.k8s.api.authorization.v1.SelfSubjectAccessReview (apiVersion, kind,
// metadata 1, spec 2, status 3).
SchemaPtr SelfSubjectAccessReviewSchema();
// io.k8s.api.authorization.v1.SelfSubjectRulesReview.
SchemaPtr SelfSubjectRulesReviewSchema();

}  // namespace berth::api::protobuf
