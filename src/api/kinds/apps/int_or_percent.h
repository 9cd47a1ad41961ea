// Validation of intstr.IntOrString fields that hold a count or a percentage
// (maxSurge, maxUnavailable, minAvailable...), with Kubernetes' wording.
// Values print as Go's %#v of intstr.IntOrString, as real API servers do.
// Pure functions, thread-safe.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::api::workload {

namespace json = boost::json;

// intstr.IntOrString{Type:0, IntVal:5, StrVal:""} / intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}
std::string GoIntOrString(const json::value& v);
// The number in "25%" or 5; nullopt when neither an integer nor a percent string.
std::optional<int64_t> IntOrPercentValue(const json::value& v);
// Must be a non-negative integer or a "<digits>%" string.
void ValidatePositiveIntOrPercent(const json::value& v, const std::string& path,
                                  std::vector<Cause>& out);
// A percentage above 100% is refused.
void ValidateNotMoreThan100Percent(const json::value& v, const std::string& path,
                                   std::vector<Cause>& out);

}  // namespace berth::api::workload
