// Shared behaviour of the kinds that stamp out pods from a template and own
// them through a label selector (Deployment, ReplicaSet, DaemonSet,
// StatefulSet, Job): template defaulting, selector/template validation, and
// the CONTAINERS / IMAGES table cells. Pure functions, thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace berth::api::workload {

namespace json = boost::json;

// Applies PodSpec defaulting to spec.template.spec (creating it when absent
// only if a template exists). `spec` is the owner's spec object.
void DefaultPodTemplate(json::object& spec);

struct TemplateRules {
  // Lower-case kind for "empty selector is invalid for <kind>".
  std::string selector_kind = "deployment";
  // Kind named in "activeDeadlineSeconds in <Kind> is not Supported"; empty to allow it.
  std::string deadline_kind = "ReplicaSet";
  // Allowed template.spec.restartPolicy values (Kubernetes' order).
  std::vector<std::string> restart_policies = {"Always"};
  // Whether an empty selector ({}) is an error (true for apps/v1 kinds).
  bool forbid_empty_selector = true;
};

// Validates `selector` and `template` of an owner spec found at `spec_path`
// ("spec" or "spec.jobTemplate.spec"):
//  - spec.selector required (Required value) and well-formed;
//  - spec.template required, its labels must satisfy the selector;
//  - spec.template.spec through ValidatePodSpec;
//  - restartPolicy among `rules.restart_policies`; no activeDeadlineSeconds.
// When `require_selector` is false a missing selector is not reported.
void ValidateSelectorAndTemplate(const json::object& spec, const std::string& spec_path,
                                 const TemplateRules& rules, bool require_selector,
                                 std::vector<Cause>& out);

// apps/v1 forbids changing spec.selector: appends
// `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable` when
// the selector of `obj` differs from that of `old`.
void CheckSelectorImmutable(const json::object& obj, const json::object& old,
                            std::vector<Cause>& out);

// kubectl's CONTAINERS and IMAGES cells for a PodTemplateSpec (comma-joined).
std::pair<std::string, std::string> ContainerCells(const json::object* pod_template);

}  // namespace berth::api::workload
