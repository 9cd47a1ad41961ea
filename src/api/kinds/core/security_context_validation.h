// Validation of a PodSpec's security settings (pkg/apis/core/validation: validatePodSecurityContext,
// validateSysctls, the container SecurityContext's uid/gid ranges), with Kubernetes' field paths
// and wording. Pure functions; appends causes to `out`.
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common/status.h"

namespace berth::api::core {

// A valid sysctl name: at most 253 characters, dot- or slash-separated segments of
// [a-z0-9]([-_a-z0-9]*[a-z0-9])?.
bool IsValidSysctlName(const std::string& name);

// spec.securityContext (sysctls: name syntax, duplicates, forbidden with hostNetwork/hostIPC for
// the namespaces they share; runAsUser/runAsGroup/fsGroup ranges) and every container's
// securityContext (uid/gid ranges). `path` is the PodSpec's path ("spec").
void ValidatePodSecurity(std::vector<Cause>& out, const boost::json::object& spec,
                         const std::string& path);

}  // namespace berth::api::core
