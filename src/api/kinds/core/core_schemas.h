// Internal core/v1 schema pieces shared between the files of kinds/core/ (the
// public ones are declared in kinds/kinds.h). Built once; immutable.
#pragma once

#include <string>
#include <vector>

#include "api/schema/schema.h"

namespace berth::api::core {

// A named io.k8s.api.core.v1.<name> object type.
SchemaPtr CoreObject(const std::string& name, std::string description, std::vector<Field> fields);

SchemaPtr LocalObjectReferenceSchema();
SchemaPtr ContainerSchema();
SchemaPtr EphemeralContainerSchema();  // pod_spec_schema.cc
SchemaPtr VolumeSchema();
SchemaPtr ObjectFieldSelectorSchema();
SchemaPtr ResourceFieldSelectorSchema();
SchemaPtr KeyToPathSchema();
SchemaPtr TolerationSchema();
SchemaPtr AffinitySchema();
SchemaPtr PodSecurityContextSchema();
SchemaPtr PodStatusSchema();

}  // namespace berth::api::core
