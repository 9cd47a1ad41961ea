// Shared refusal wording of the admission steps.
#include "apiserver/admission/admission.h"

namespace berth::apiserver::admission {

Status ForbiddenFor(const api::ResourceType& t, const std::string& name,
                    const std::string& message) {
  StatusDetails d;
  d.name = name;
  d.kind = t.plural;
  d.group = t.group;
  return Status(Reason::kForbidden,
                t.QualifiedResource() + " \"" + name + "\" is forbidden: " + message, d);
}

}  // namespace berth::apiserver::admission
