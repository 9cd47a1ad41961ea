// AdmissionStep: a check or change the API server applies to every object
// created through ResourceHandler, whatever its kind (kube's admission
// plugins: LimitRanger, ResourceQuota). The create path calls, in order:
//   Mutate(t, obj)    after defaulting, before validation: may change `obj`
//                     (LimitRanger fills container defaults) or refuse it
//   Admit(t, obj)     after validation, right before the store write (also
//                     for dry runs): may refuse; the returned guard (may be
//                     null) is destroyed once the write finished or failed,
//                     so a step can keep concurrent creates out meanwhile
//                     (the quota check holds its namespace's lock)
// Refusals are Kubernetes Status values (403 Forbidden with kube's wording)
// and leave nothing behind. Implementations are thread-safe.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "api/resource.h"
#include "common/status.h"

namespace berth::apiserver::admission {

// Released when destroyed (after the store write or its failure).
class AdmissionGuard {
 public:
  virtual ~AdmissionGuard() = default;
};

class AdmissionStep {
 public:
  virtual ~AdmissionStep() = default;
  virtual Status Mutate(const api::ResourceType& t, boost::json::object& obj) = 0;
  virtual StatusOr<std::unique_ptr<AdmissionGuard>> Admit(const api::ResourceType& t,
                                                          const boost::json::object& obj) = 0;
};

// 403 `<resource> "<name>" is forbidden: <message>` with kube's details.
Status ForbiddenFor(const api::ResourceType& t, const std::string& name,
                    const std::string& message);

}  // namespace berth::apiserver::admission
