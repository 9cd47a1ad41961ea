#include "apiserver/admission/limit_ranger.h"

#include "apiserver/admission/limit_range_rules.h"
#include "apiserver/rest/object_codec.h"
#include "common/json.h"

namespace berth::apiserver::admission {

Status LimitRanger::Mutate(const api::ResourceType& t, boost::json::object& obj) {
  if (!t.group.empty() || t.plural != "pods") return {};
  std::string ns = GetString(obj, {"metadata", "namespace"});
  auto listed = store_->List(ObjectPrefix(*limit_ranges_, ns), "", 0);
  if (!listed.ok()) return listed.status();
  if (listed->kvs.empty()) return {};
  std::vector<boost::json::object> lrs;
  for (const auto& kv : listed->kvs) {
    auto o = DecodeStored(kv);
    if (o.ok()) lrs.push_back(std::move(*o));
  }
  ApplyLimitRangeDefaults(obj, lrs);
  auto problems = LimitRangeViolations(obj, lrs);
  if (problems.empty()) return {};
  return ForbiddenFor(t, GetString(obj, {"metadata", "name"}), AggregateMessage(problems));
}

}  // namespace berth::apiserver::admission
