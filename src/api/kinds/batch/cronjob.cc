// batch/v1 CronJob: schema, defaulting, validation (schedule, time zone,
// job template) and Table printing.
#include <chrono>
#include <filesystem>

#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/batch/batch_types.h"
#include "api/kinds/batch/cron_schedule.h"
#include "api/kinds/batch/job_spec.h"
#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api::batch {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr CronJobSchema() {
  auto spec = Object(
      "io.k8s.api.batch.v1.CronJobSpec",
      "When and how a CronJob creates Jobs.",
      {
          Req("schedule", String(),
              "When to run, in cron format: five fields (minute hour day-of-month month "
              "day-of-week) or a macro such as @hourly or @daily.",
              1),
          F("timeZone", String(),
            "IANA time zone the schedule is read in (e.g. \"Europe/Paris\"); the controller's "
            "local zone when unset.",
            8),
          F("startingDeadlineSeconds", Int64(),
            "How late, in seconds, a missed run may still start; runs missed by more count as "
            "failed.",
            2),
          F("concurrencyPolicy", Enum({"Allow", "Forbid", "Replace"}),
            "What to do when a run is due while the previous one is still going: \"Allow\" "
            "(default) runs both, \"Forbid\" skips the new run, \"Replace\" stops the old Job "
            "and starts a new one.",
            3),
          F("suspend", Bool(),
            "When true no new runs start; running Jobs are unaffected. Defaults to false.", 4),
          Req("jobTemplate", JobTemplateSpecSchema(), "The Job created at each run.", 5),
          F("successfulJobsHistoryLimit", Int32(),
            "How many finished successful Jobs to keep. Defaults to 3.", 6),
          F("failedJobsHistoryLimit", Int32(), "How many failed Jobs to keep. Defaults to 1.",
            7),
      });
  auto status = Object(
      "io.k8s.api.batch.v1.CronJobStatus",
      "The most recently observed state of a CronJob.",
      {
          F("active", ListOf(ObjectReferenceSchema()), "The Jobs currently running.", 1),
          F("lastScheduleTime", Time(), "When a Job was last started on schedule.", 4),
          F("lastSuccessfulTime", Time(), "When a Job last completed successfully.", 5),
      });
  return KindSchema("io.k8s.api.batch.v1.CronJob",
                    "CronJob creates Jobs on a repeating schedule.",
                    {
                        F("spec", spec, "The schedule and the Job to run.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

void DefaultCronJob(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  SetDefault(spec, "concurrencyPolicy", "Allow");
  SetDefault(spec, "suspend", false);
  SetDefault(spec, "successfulJobsHistoryLimit", 3);
  SetDefault(spec, "failedJobsHistoryLimit", 1);
  if (json::object* jt = MutObjAt(spec, "jobTemplate")) {
    if (json::object* job_spec = MutObjAt(*jt, "spec")) DefaultPodTemplate(*job_spec);
  }
}

void ValidateTimeZone(const json::object& spec, std::vector<Cause>& out) {
  const json::value* tz = spec.if_contains("timeZone");
  if (tz == nullptr || tz->is_null()) return;
  const std::string path = "spec.timeZone";
  std::string name = tz->is_string() ? std::string(tz->get_string()) : "";
  if (name.empty()) {
    out.push_back(InvalidCause(path, GoQuote(name), "timeZone must be nil or non-empty string"));
    return;
  }
  if (name.size() == 5 && (name == "Local" || name == "local" || name == "LOCAL")) {
    out.push_back(InvalidCause(path, GoQuote(name),
                               "timeZone must be an explicit time zone as defined in "
                               "https://www.iana.org/time-zones"));
  }
  if (name == "UTC" || name == "Local") return;
  bool bad_syntax = name.front() == '/' || name.find("..") != std::string::npos ||
                    name.find('\\') != std::string::npos;
  if (bad_syntax) {
    out.push_back(InvalidCause(path, GoQuote(name), "time: invalid location name"));
    return;
  }
  // Like Go's time.LoadLocation: the zone must exist in the system database.
  const std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
  std::error_code ec;
  if (std::filesystem::is_directory(zoneinfo, ec) &&
      !std::filesystem::is_regular_file(zoneinfo / name, ec)) {
    out.push_back(InvalidCause(path, GoQuote(name), "unknown time zone " + name));
  }
}

std::vector<Cause> ValidateCronJob(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* meta = ObjAt(obj, "metadata");
  std::string name = meta != nullptr ? StrAt(*meta, "name") : "";
  // Jobs are named <cronjob>-<11 digit suffix>, which must fit a 63 char label.
  if (name.size() > 52) {
    out.push_back(InvalidCause("metadata.name", GoQuote(name), "must be no more than 52 characters"));
  }
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  const std::string schedule = StrAt(spec, "schedule");
  if (schedule.empty()) {
    out.push_back(RequiredCause("spec.schedule"));
  } else {
    StatusOr<CronSchedule> parsed = CronSchedule::Parse(schedule);
    if (!parsed.ok()) {
      out.push_back(InvalidCause("spec.schedule", GoQuote(schedule), parsed.status().message()));
    }
    if (schedule.find("TZ") != std::string::npos) {
      out.push_back(InvalidCause("spec.schedule", GoQuote(schedule),
                                 "cannot use TZ or CRON_TZ in schedule, use timeZone field "
                                 "instead"));
    }
  }
  ValidateTimeZone(spec, out);
  const std::string policy = StrAt(spec, "concurrencyPolicy");
  if (policy.empty()) {
    out.push_back(RequiredCause("spec.concurrencyPolicy"));
  } else if (policy != "Allow" && policy != "Forbid" && policy != "Replace") {
    out.push_back(
        NotSupportedCause("spec.concurrencyPolicy", policy, {"Allow", "Forbid", "Replace"}));
  }
  CheckNonNegative(spec, "startingDeadlineSeconds", "spec.startingDeadlineSeconds", out);
  CheckNonNegative(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit", out);
  CheckNonNegative(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit", out);

  const json::object* jt = ObjAt(spec, "jobTemplate");
  const json::object* job_spec = jt != nullptr ? ObjAt(*jt, "spec") : nullptr;
  if (job_spec == nullptr) {
    out.push_back(RequiredCause("spec.jobTemplate.spec.template"));
  } else {
    ValidateJobSpec(*job_spec, "spec.jobTemplate.spec", /*job_selector=*/false, out);
    if (Has(*job_spec, "selector")) {
      out.push_back(InvalidCause("spec.jobTemplate.spec.selector",
                                 GoLabelSelector(job_spec->if_contains("selector")),
                                 "`selector` will be auto-generated"));
    }
    if (BoolAt(*job_spec, "manualSelector").value_or(false)) {
      out.push_back(
          NotSupportedCause("spec.jobTemplate.spec.manualSelector", "true", {"nil", "false"}));
    }
  }
  (void)old;
  return out;
}

json::array CronJobRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  const json::object* jt = spec != nullptr ? ObjAt(*spec, "jobTemplate") : nullptr;
  const json::object* job_spec = jt != nullptr ? ObjAt(*jt, "spec") : nullptr;
  auto [names, images] =
      ContainerCells(job_spec != nullptr ? ObjAt(*job_spec, "template") : nullptr);

  std::string last_schedule = "<none>";
  if (status != nullptr && Has(*status, "lastScheduleTime")) {
    Clock::time_point t;
    last_schedule = ParseRfc3339(StrAt(*status, "lastScheduleTime"), &t)
                        ? HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(ctx.now - t))
                        : "<unknown>";
  }
  std::string time_zone = "<none>";
  if (spec != nullptr && Has(*spec, "timeZone")) time_zone = StrAt(*spec, "timeZone");
  std::string suspend = "<unset>";
  if (spec != nullptr && BoolAt(*spec, "suspend")) {
    suspend = *BoolAt(*spec, "suspend") ? "True" : "False";
  }
  const json::array* active = status != nullptr ? ArrAt(*status, "active") : nullptr;

  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(spec != nullptr ? StrAt(*spec, "schedule") : "");
  row.emplace_back(time_zone);
  row.emplace_back(suspend);
  row.emplace_back(static_cast<int64_t>(active != nullptr ? active->size() : 0));
  row.emplace_back(last_schedule);
  row.emplace_back(AgeCell(obj, ctx));
  row.emplace_back(names);
  row.emplace_back(images);
  row.emplace_back(
      FormatLabelSelector(job_spec != nullptr ? job_spec->if_contains("selector") : nullptr));
  return row;
}

}  // namespace

ResourceType CronJobType() {
  ResourceType t;
  t.group = "batch";
  t.version = "v1";
  t.kind = "CronJob";
  t.plural = "cronjobs";
  t.singular = "cronjob";
  t.short_names = {"cj"};
  t.categories = {"all"};
  t.has_status = true;
  t.schema = CronJobSchema();
  t.default_fn = DefaultCronJob;
  t.validate_fn = ValidateCronJob;
  t.columns = {
      NameColumn(),
      {"Schedule", "string", "", "The schedule in cron format.", 0},
      {"Timezone", "string", "", "The time zone the schedule is read in.", 0},
      {"Suspend", "boolean", "", "Whether new runs are suspended.", 0},
      {"Active", "integer", "", "Jobs currently running.", 0},
      {"Last Schedule", "string", "", "Time since a Job was last started on schedule.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "", "Label query over the pods of the created Jobs.", 1},
  };
  t.row_fn = CronJobRow;
  return t;
}

}  // namespace berth::api::batch
