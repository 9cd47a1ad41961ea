// batch/v1 JobSpec pieces shared by Job and CronJob's jobTemplate: schema,
// defaulting, validation and the Job selector generation. Pure functions,
// thread-safe; schemas are built once.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/schema/schema.h"
#include "common/status.h"

namespace berth::api::batch {

namespace json = boost::json;

// io.k8s.api.batch.v1.JobSpec / JobStatus / JobTemplateSpec.
SchemaPtr JobSpecSchema();
SchemaPtr JobStatusSchema();
SchemaPtr JobTemplateSpecSchema();

// Labels the server puts on a Job's pods (and the Job) when it generates the selector.
inline constexpr const char* kControllerUidLabel = "batch.kubernetes.io/controller-uid";
inline constexpr const char* kLegacyControllerUidLabel = "controller-uid";
inline constexpr const char* kJobNameLabel = "batch.kubernetes.io/job-name";
inline constexpr const char* kLegacyJobNameLabel = "job-name";

// Kubernetes' SetDefaults_Job on a Job object: completions/parallelism 1 when both
// unset, parallelism 1, backoffLimit 6 (MaxInt32 with backoffLimitPerIndex),
// completionMode NonIndexed, suspend false, podReplacementPolicy
// TerminatingOrFailed (Failed with a podFailurePolicy), pod template defaults;
// then, unless spec.manualSelector is true, the generated selector
// (GenerateJobSelector) and finally metadata.labels copied from the template
// labels when the Job has none.
void DefaultJob(json::object& job);

// The server-side selector generation done on Job creation: adds
// job-name/batch.kubernetes.io/job-name = metadata.name and
// controller-uid/batch.kubernetes.io/controller-uid = metadata.uid to the pod
// template labels (keeping user-set values) and
// spec.selector.matchLabels[batch.kubernetes.io/controller-uid] = uid.
// Needs metadata.name and metadata.uid: it does nothing when uid is empty
// (the server assigns uid before defaulting on create; on update the object
// already carries the generated labels, so re-running is a no-op).
void GenerateJobSelector(json::object& job);

// Checks every JobSpec rule that does not concern the selector requirement:
// counts >= 0, completionMode, podFailurePolicy/restartPolicy, the pod template
// (restartPolicy OnFailure|Never). `path` is "spec" or "spec.jobTemplate.spec".
// With `job_selector` (a Job, not a template) the selector is required and must
// match the template labels.
void ValidateJobSpec(const json::object& spec, const std::string& path, bool job_selector,
                     std::vector<Cause>& out);

// Update rules of a Job spec: selector, completionMode, podFailurePolicy,
// backoffLimitPerIndex, successPolicy, managedBy immutable; completions
// immutable unless Indexed; the template immutable except scheduling
// directives while the Job is suspended and has never started.
void ValidateJobSpecUpdate(const json::object& job, const json::object& old,
                           std::vector<Cause>& out);

}  // namespace berth::api::batch
