// LimitRanger: the admission step applying the namespace's LimitRanges to
// pods being created (limit_range_rules.h): container defaults first, then
// min/max/ratio checks; a violation is 403 `pods "p" is forbidden: <what>`.
// Other kinds and updates pass untouched. Reads LimitRanges straight from the
// store on each pod create. Thread-safe.
#pragma once

#include "apiserver/admission/admission.h"
#include "store/store.h"

namespace berth::apiserver::admission {

class LimitRanger : public AdmissionStep {
 public:
  // `limit_ranges` is the LimitRange type; both pointers outlive this.
  LimitRanger(store::Store* store, const api::ResourceType* limit_ranges)
      : store_(store), limit_ranges_(limit_ranges) {}

  Status Mutate(const api::ResourceType& t, boost::json::object& obj) override;
  StatusOr<std::unique_ptr<AdmissionGuard>> Admit(const api::ResourceType&,
                                                  const boost::json::object&) override {
    return std::unique_ptr<AdmissionGuard>();
  }

 private:
  store::Store* store_;
  const api::ResourceType* limit_ranges_;
};

}  // namespace berth::apiserver::admission
