// The pods of a Job: the labels, annotations, finalizer and (for Indexed Jobs) completion
// index a Job controller puts on the pods it creates, and reading them back. Pure functions,
// thread-safe.
#pragma once

#include <string>

#include "common/json.h"

namespace berth::controllers {

inline constexpr const char* kJobTrackingFinalizer = "batch.kubernetes.io/job-tracking";
inline constexpr const char* kJobCompletionIndexKey = "batch.kubernetes.io/job-completion-index";

// The pod to create for `job` (a batch/v1 Job with apiVersion/kind set): the template's
// metadata and spec, generateName "<job>-" ("<job>-<index>-" for an Indexed pod), a controller
// reference to the Job, the job-name/controller-uid labels (added when the template lacks them),
// the job-tracking finalizer. With `index` >= 0: the completion index as annotation and label,
// the JOB_COMPLETION_INDEX environment variable in every container and init container, and
// spec.hostname "<job>-<index>".
json::object PodForJob(const json::object& job, int index);

// The completion index of `pod` (annotation, else label), -1 when absent or malformed.
int PodCompletionIndex(const json::object& pod);
// True when metadata.finalizers holds the job-tracking finalizer.
bool HasJobTrackingFinalizer(const json::object& pod);
// metadata.finalizers of `pod` without the job-tracking finalizer.
json::array FinalizersWithoutJobTracking(const json::object& pod);
// When the pod finished: the latest container terminated.finishedAt, else `fallback`.
std::string PodFinishedAt(const json::object& pod, const std::string& fallback);

}  // namespace berth::controllers
