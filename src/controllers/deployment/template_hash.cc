#include "controllers/deployment/template_hash.h"

#include "controllers/common/json_hash.h"

namespace berth::controllers::deployutil {

namespace {

json::value WithoutHashLabel(const json::value& tmpl) {
  json::value copy = tmpl;
  if (copy.is_object()) {
    if (auto* md = copy.as_object().if_contains("metadata"); md && md->is_object()) {
      if (auto* labels = md->as_object().if_contains("labels"); labels && labels->is_object()) {
        labels->as_object().erase(kPodTemplateHashLabel);
      }
    }
  }
  return NormalizeJson(copy);
}

}  // namespace

std::string ComputeTemplateHash(const json::value& pod_template,
                                std::optional<int64_t> collision_count) {
  return HashJson(pod_template, collision_count);
}

bool EqualIgnoreHash(const json::value& a, const json::value& b) {
  return WithoutHashLabel(a) == WithoutHashLabel(b);
}

}  // namespace berth::controllers::deployutil
