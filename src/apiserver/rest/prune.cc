#include "apiserver/rest/prune.h"

namespace berth::apiserver {

void PruneUnknownFields(const api::Schema& schema, boost::json::value& v) {
  switch (schema.type) {
    case api::Type::kObject: {
      auto* o = v.if_object();
      if (!o) return;
      for (auto it = o->begin(); it != o->end();) {
        const api::Field* f = schema.FindField(std::string(it->key()));
        if (!f) {
          it = o->erase(it);
          continue;
        }
        if (f->schema) PruneUnknownFields(*f->schema, it->value());
        ++it;
      }
      return;
    }
    case api::Type::kMap:
      if (auto* o = v.if_object(); o && schema.items) {
        for (auto& kv : *o) PruneUnknownFields(*schema.items, kv.value());
      }
      return;
    case api::Type::kArray:
      if (auto* a = v.if_array(); a && schema.items) {
        for (auto& e : *a) PruneUnknownFields(*schema.items, e);
      }
      return;
    default:
      return;
  }
}

}  // namespace berth::apiserver
