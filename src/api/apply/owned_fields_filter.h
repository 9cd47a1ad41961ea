// Which fields managedFields may record. Server-maintained metadata
// (managedFields, resourceVersion, uid, creationTimestamp, generation,
// selfLink, deletion fields), the object's identity (apiVersion, kind,
// metadata.name, metadata.namespace) are never owned. Writes to the main
// resource do not own `status`; writes through the "status" subresource own
// only `status`.
// Pure; thread-safe; never throws.
#pragma once

#include <string>

#include "api/apply/field_set.h"

namespace berth::api::apply {

FieldSet FilterOwnable(const FieldSet& fields, const std::string& subresource);

}  // namespace berth::api::apply
