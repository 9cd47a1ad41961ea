#include "api/kinds/batch/job_spec.h"

#include <limits>

#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/kinds.h"

namespace berth::api::batch {

using namespace workload;  // NOLINT(google-build-using-namespace)

namespace {

SchemaPtr PodFailurePolicySchema() {
  auto exit_codes = Object(
      "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement",
      "Matches a failed pod by the exit codes of its containers (successful exits, code 0, "
      "are ignored).",
      {
          F("containerName", String(),
            "Only look at this container (or init container); all containers when unset.", 1),
          Req("operator", Enum({"In", "NotIn"}),
              "\"In\": some exit code is in values; \"NotIn\": some exit code is not in values.",
              2),
          Req("values", ListSet(Int32()),
              "Sorted, distinct exit codes to compare with; 0 is not allowed with In.", 3),
      });
  auto pattern = Object(
      "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern",
      "Matches a failed pod by one of its conditions.",
      {
          Req("type", String(), "The pod condition type to look for.", 1),
          F("status", String(), "The condition status required to match. Defaults to True.", 2),
      });
  auto rule = Object(
      "io.k8s.api.batch.v1.PodFailurePolicyRule",
      "What to do with a pod failure matching the requirements; set exactly one of onExitCodes "
      "and onPodConditions.",
      {
          Req("action", Enum({"FailJob", "FailIndex", "Ignore", "Count"}),
              "FailJob fails the whole Job; FailIndex fails only the pod's index; Ignore does "
              "not count the failure against backoffLimit; Count counts it as usual.",
              1),
          F("onExitCodes", exit_codes, "Requirement on container exit codes.", 2),
          F("onPodConditions", ListOf(pattern),
            "Requirement on pod conditions; any matching pattern satisfies it.", 3),
      });
  return Object("io.k8s.api.batch.v1.PodFailurePolicy",
                "Rules deciding how pod failures count towards the Job's backoffLimit.",
                {Req("rules", ListOf(rule),
                     "Evaluated in order; the first matching rule decides. At most 20.", 1)});
}

SchemaPtr SuccessPolicySchema() {
  auto rule = Object(
      "io.k8s.api.batch.v1.SuccessPolicyRule",
      "One way an Indexed Job may be declared successful early; set succeededIndexes, "
      "succeededCount or both.",
      {
          F("succeededIndexes", String(),
            "Indexes that must all have succeeded, as intervals like \"1,3-5,7\".", 1),
          F("succeededCount", Int32(),
            "How many of the succeededIndexes (or of all indexes) must have succeeded.", 2),
      });
  return Object("io.k8s.api.batch.v1.SuccessPolicy",
                "When an Indexed Job counts as succeeded before all completions are done.",
                {Req("rules", ListOf(rule),
                     "Alternatives checked in order; meeting any one succeeds the Job. At most "
                     "20.",
                     1)});
}

}  // namespace

SchemaPtr JobSpecSchema() {
  static const SchemaPtr schema = Object(
      "io.k8s.api.batch.v1.JobSpec",
      "How a Job runs its pods to completion.",
      {
          F("parallelism", Int32(),
            "The most pods the Job runs at once; fewer run when less work remains. Defaults "
            "to 1.",
            1),
          F("completions", Int32(),
            "How many pods must finish successfully. Unset means any single success completes "
            "the Job and parallelism may be anything. Defaults to 1 when parallelism is unset "
            "too.",
            2),
          F("activeDeadlineSeconds", Int64(),
            "Seconds, counted from startTime, the Job may stay active before it is terminated "
            "and marked failed. The timer stops while the Job is suspended.",
            3),
          F("podFailurePolicy", PodFailurePolicySchema(),
            "Rules that decide how a failed pod counts; not usable with restartPolicy "
            "OnFailure.",
            11),
          F("successPolicy", SuccessPolicySchema(),
            "When an Indexed Job may be declared successful early; immutable.", 16),
          F("backoffLimit", Int32(),
            "Retries before the Job is marked failed. Defaults to 6 (2147483647 when "
            "backoffLimitPerIndex is set).",
            7),
          F("backoffLimitPerIndex", Int32(),
            "Retries allowed per index of an Indexed Job whose pods use restartPolicy Never; "
            "immutable.",
            12),
          F("maxFailedIndexes", Int32(),
            "With backoffLimitPerIndex: how many indexes may fail before the whole Job fails.",
            13),
          F("selector", LabelSelectorSchema(),
            "Label query over the Job's pods. Normally generated by the server from the Job's "
            "uid.",
            4),
          F("manualSelector", Bool(),
            "When true you pick the pod labels and selector yourself; when unset or false the "
            "server generates unique ones.",
            5),
          Req("template", PodTemplateSpecSchema(),
              "The pod the Job runs. Its restartPolicy must be \"Never\" or \"OnFailure\".", 6),
          F("ttlSecondsAfterFinished", Int32(),
            "Seconds after the Job finishes (Complete or Failed) before it may be deleted "
            "automatically; unset keeps it forever, 0 deletes it right away.",
            8),
          F("completionMode", Enum({"NonIndexed", "Indexed"}),
            "\"NonIndexed\" (default): done after completions successes, all pods alike. "
            "\"Indexed\": each pod gets an index 0..completions-1 (annotation "
            "batch.kubernetes.io/job-completion-index) and each index must succeed once.",
            9),
          F("suspend", Bool(),
            "When true no pods are created and running ones are deleted. Defaults to false.",
            10),
          F("podReplacementPolicy", Enum({"TerminatingOrFailed", "Failed"}),
            "When to create a replacement pod: as soon as the old one is terminating "
            "(TerminatingOrFailed) or only once it has fully failed (Failed).",
            14),
          F("managedBy", String(),
            "The controller responsible for this Job; the built-in controller skips Jobs with "
            "another value. Immutable.",
            15),
      });
  return schema;
}

SchemaPtr JobStatusSchema() {
  static const SchemaPtr schema = [] {
    auto condition = Object(
        "io.k8s.api.batch.v1.JobCondition",
        "One observed aspect of a Job's state.",
        {
            Req("type", String(),
                "Condition kind: Complete, Failed, Suspended, FailureTarget or "
                "SuccessCriteriaMet.",
                1),
            Req("status", String(), "Whether the condition holds: True, False or Unknown.", 2),
            F("lastProbeTime", Time(), "When the condition was last checked.", 3),
            F("lastTransitionTime", Time(), "When the status last changed value.", 4),
            F("reason", String(), "A short CamelCase cause of the latest transition.", 5),
            F("message", String(), "A readable explanation of the latest transition.", 6),
        });
    auto uncounted = Object(
        "io.k8s.api.batch.v1.UncountedTerminatedPods",
        "UIDs of finished pods the controller has not yet added to the status counters.",
        {
            F("succeeded", ListSet(String()), "UIDs of succeeded pods.", 1),
            F("failed", ListSet(String()), "UIDs of failed pods.", 2),
        });
    return Object(
        "io.k8s.api.batch.v1.JobStatus",
        "The most recently observed state of a Job.",
        {
            F("conditions", ListMap(condition, {"type"}),
              "The latest observations of the Job's state. A finished Job has a true Complete "
              "or Failed condition.",
              1),
            F("startTime", Time(),
              "When the controller started working on the Job; reset when it is resumed.", 2),
            F("completionTime", Time(), "When the Job finished successfully.", 3),
            F("active", Int32(), "Pending or running pods that are not terminating.", 4),
            F("succeeded", Int32(), "Pods that reached phase Succeeded.", 5),
            F("failed", Int32(), "Pods that reached phase Failed.", 6),
            F("terminating", Int32(), "Pods that are terminating.", 11),
            F("completedIndexes", String(),
              "Completed indexes of an Indexed Job, as intervals like \"1,3-5,7\".", 7),
            F("failedIndexes", String(),
              "Failed indexes when backoffLimitPerIndex is set, in the same format.", 10),
            F("uncountedTerminatedPods", uncounted,
              "Finished pods not yet reflected in the counters.", 8),
            F("ready", Int32(), "Active pods whose Ready condition is true.", 9),
        });
  }();
  return schema;
}

SchemaPtr JobTemplateSpecSchema() {
  static const SchemaPtr schema = Object(
      "io.k8s.api.batch.v1.JobTemplateSpec",
      "The Job a CronJob creates at each scheduled time.",
      {
          F("metadata", ObjectMetaSchema(), "Metadata given to each created Job.", 1),
          F("spec", JobSpecSchema(), "The spec of each created Job.", 2),
      });
  return schema;
}

void GenerateJobSelector(json::object& job) {
  json::object& spec = EnsureObj(job, "spec");
  if (BoolAt(spec, "manualSelector").value_or(false)) return;
  const json::object* meta = ObjAt(job, "metadata");
  const std::string uid = meta != nullptr ? StrAt(*meta, "uid") : "";
  const std::string name = meta != nullptr ? StrAt(*meta, "name") : "";
  if (uid.empty()) return;
  json::object& tmpl_meta = EnsureObj(EnsureObj(spec, "template"), "metadata");
  json::object& labels = EnsureObj(tmpl_meta, "labels");
  for (const char* key : {kLegacyJobNameLabel, kJobNameLabel}) SetDefault(labels, key, json::string(name));
  for (const char* key : {kLegacyControllerUidLabel, kControllerUidLabel}) {
    SetDefault(labels, key, json::string(uid));
  }
  json::object& match = EnsureObj(EnsureObj(spec, "selector"), "matchLabels");
  SetDefault(match, kControllerUidLabel, json::string(uid));
}

void DefaultJob(json::object& job) {
  json::object& spec = EnsureObj(job, "spec");
  if (!Has(spec, "completions") && !Has(spec, "parallelism")) {
    spec["completions"] = 1;
    spec["parallelism"] = 1;
  }
  SetDefault(spec, "parallelism", 1);
  if (!Has(spec, "backoffLimit")) {
    spec["backoffLimit"] =
        Has(spec, "backoffLimitPerIndex") ? std::numeric_limits<int32_t>::max() : 6;
  }
  SetDefault(spec, "completionMode", "NonIndexed");
  SetDefault(spec, "suspend", false);
  if (json::object* pfp = MutObjAt(spec, "podFailurePolicy")) {
    if (json::value* rules = pfp->if_contains("rules"); rules != nullptr && rules->is_array()) {
      for (json::value& r : rules->get_array()) {
        if (!r.is_object()) continue;
        json::value* conds = r.get_object().if_contains("onPodConditions");
        if (conds == nullptr || !conds->is_array()) continue;
        for (json::value& c : conds->get_array()) {
          if (c.is_object()) SetDefault(c.get_object(), "status", "True");
        }
      }
    }
  }
  SetDefault(spec, "podReplacementPolicy",
             Has(spec, "podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
  DefaultPodTemplate(spec);
  GenerateJobSelector(job);
  // A Job without labels takes its pod template's labels (SetDefaults_Job).
  const json::object* tmpl = ObjAt(spec, "template");
  const json::object* tmpl_meta = tmpl != nullptr ? ObjAt(*tmpl, "metadata") : nullptr;
  const json::object* tmpl_labels = tmpl_meta != nullptr ? ObjAt(*tmpl_meta, "labels") : nullptr;
  json::object& meta = EnsureObj(job, "metadata");
  const json::object* labels = ObjAt(meta, "labels");
  if (tmpl_labels != nullptr && (labels == nullptr || labels->empty())) {
    meta["labels"] = *tmpl_labels;
  }
}

void ValidateJobSpec(const json::object& spec, const std::string& path, bool job_selector,
                     std::vector<Cause>& out) {
  for (const char* key : {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                          "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"}) {
    CheckNonNegative(spec, key, path + "." + key, out);
  }
  const std::string mode = StrAt(spec, "completionMode");
  if (Has(spec, "completionMode")) {
    if (mode != "NonIndexed" && mode != "Indexed") {
      out.push_back(NotSupportedCause(path + ".completionMode", mode, {"NonIndexed", "Indexed"}));
    }
    if (mode == "Indexed") {
      if (!Has(spec, "completions")) {
        out.push_back(RequiredCause(path + ".completions", "when completion mode is Indexed"));
      }
      if (IntAt(spec, "parallelism").value_or(0) > 100000) {
        out.push_back(InvalidCause(path + ".parallelism",
                                   std::to_string(*IntAt(spec, "parallelism")),
                                   "must be less than or equal to 100000 when completion mode "
                                   "is Indexed"));
      }
    }
  }
  if (Has(spec, "backoffLimitPerIndex") && mode != "Indexed") {
    out.push_back(ForbiddenCause(path + ".backoffLimitPerIndex", "requires indexed completion mode"));
  }
  if (Has(spec, "maxFailedIndexes") && !Has(spec, "backoffLimitPerIndex")) {
    out.push_back(RequiredCause(path + ".backoffLimitPerIndex",
                                "when maxFailedIndexes is specified"));
  }
  if (Has(spec, "podReplacementPolicy")) {
    std::string p = StrAt(spec, "podReplacementPolicy");
    if (Has(spec, "podFailurePolicy")) {
      if (p != "Failed") {
        out.push_back(NotSupportedCause(path + ".podReplacementPolicy", p, {"Failed"}));
      }
    } else if (p != "TerminatingOrFailed" && p != "Failed") {
      out.push_back(NotSupportedCause(path + ".podReplacementPolicy", p,
                                      {"Failed", "TerminatingOrFailed"}));
    }
  }

  TemplateRules rules;
  rules.deadline_kind.clear();
  rules.restart_policies = {"OnFailure", "Never"};
  rules.forbid_empty_selector = false;
  if (job_selector) {
    ValidateSelectorAndTemplate(spec, path, rules, /*require_selector=*/true, out);
  } else {
    // A template's selector is generated per Job; ignore it here (the caller reports it).
    json::object copy = spec;
    copy.erase("selector");
    ValidateSelectorAndTemplate(copy, path, rules, /*require_selector=*/false, out);
  }
  const json::object* tmpl = ObjAt(spec, "template");
  const json::object* pod_spec = tmpl != nullptr ? ObjAt(*tmpl, "spec") : nullptr;
  if (Has(spec, "podFailurePolicy") && pod_spec != nullptr) {
    std::string restart = StrAt(*pod_spec, "restartPolicy");
    if (restart == "OnFailure") {
      out.push_back(InvalidCause(path + ".template.spec.restartPolicy", GoQuote(restart),
                                 "only \"Never\" is supported when podFailurePolicy is specified"));
    }
  }
}

void ValidateJobSpecUpdate(const json::object& job, const json::object& old,
                           std::vector<Cause>& out) {
  const json::object empty;
  const json::object* s = ObjAt(job, "spec");
  const json::object* o = ObjAt(old, "spec");
  const json::object& spec = s != nullptr ? *s : empty;
  const json::object& old_spec = o != nullptr ? *o : empty;
  if (StrAt(spec, "completionMode") != "Indexed") {
    CheckImmutable(spec, old_spec, "completions", "spec.completions", out);
  }
  CheckSelectorImmutable(job, old, out);
  for (const char* key : {"completionMode", "podFailurePolicy", "backoffLimitPerIndex",
                          "successPolicy", "managedBy"}) {
    CheckImmutable(spec, old_spec, key, std::string("spec.") + key, out);
  }
  // The template is frozen, except that a suspended Job which never started may
  // still have its scheduling directives adjusted.
  const json::value null_value;
  const json::value* t_now = spec.if_contains("template");
  const json::value* t_old = old_spec.if_contains("template");
  json::value a = t_now != nullptr ? *t_now : null_value;
  json::value b = t_old != nullptr ? *t_old : null_value;
  const json::object* old_status = ObjAt(old, "status");
  bool never_started = old_status == nullptr || !Has(*old_status, "startTime");
  if (BoolAt(old_spec, "suspend").value_or(false) && never_started) {
    for (json::value* t : {&a, &b}) {
      if (!t->is_object()) continue;
      if (json::object* m = MutObjAt(t->get_object(), "metadata")) {
        m->erase("labels");
        m->erase("annotations");
      }
      if (json::object* ps = MutObjAt(t->get_object(), "spec")) {
        for (const char* k : {"nodeSelector", "tolerations", "affinity", "schedulingGates"}) {
          ps->erase(k);
        }
      }
    }
  }
  if (a != b) {
    out.push_back(InvalidCause("spec.template",
                               t_now != nullptr ? json::serialize(*t_now) : "null",
                               kImmutableMsg));
  }
}

}  // namespace berth::api::batch
