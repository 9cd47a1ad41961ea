#include "apiserver/serviceaccount/stored_objects.h"

#include "apiserver/rest/object_codec.h"

namespace berth::apiserver::serviceaccount {

StatusOr<json::object> StoredObjects::Get(const std::string& resource, const std::string& ns,
                                          const std::string& name) const {
  api::ResourceTypePtr t = registry_->Find("", "v1", resource);
  if (!t) return InternalError("no type for " + resource);
  auto kv = store_->Get(ObjectKey(*t, ns, name));
  if (!kv.ok()) {
    if (kv.status().reason() == Reason::kNotFound) {
      return NotFound(resource, name);
    }
    return kv.status();
  }
  return DecodeStored(*kv);
}

}  // namespace berth::apiserver::serviceaccount
