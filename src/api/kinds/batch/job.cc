// batch/v1 Job: schema, defaulting (including selector generation),
// validation and Table printing.
#include <chrono>

#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/batch/batch_types.h"
#include "api/kinds/batch/job_spec.h"
#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api::batch {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr JobSchema() {
  return KindSchema("io.k8s.api.batch.v1.Job",
                    "Job runs pods until a given number of them finish successfully.",
                    {
                        F("spec", JobSpecSchema(), "How the Job should run.", 2),
                        F("status", JobStatusSchema(), "What the controller last observed.", 3),
                    });
}

std::vector<Cause> ValidateJob(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  // A generated selector must be the one derived from this Job's uid.
  const json::object* meta = ObjAt(obj, "metadata");
  const std::string uid = meta != nullptr ? StrAt(*meta, "uid") : "";
  if (!BoolAt(spec, "manualSelector").value_or(false) && !uid.empty()) {
    const json::object* sel = ObjAt(spec, "selector");
    const json::object* ml = sel != nullptr ? ObjAt(*sel, "matchLabels") : nullptr;
    if (sel != nullptr && (ml == nullptr || StrAt(*ml, kControllerUidLabel) != uid)) {
      out.push_back(InvalidCause("spec.selector", GoLabelSelector(spec.if_contains("selector")),
                                 "`selector` not auto-generated"));
    }
  }
  ValidateJobSpec(spec, "spec", /*job_selector=*/true, out);
  if (old != nullptr) ValidateJobSpecUpdate(obj, *old, out);
  return out;
}

bool HasTrueCondition(const json::object* status, std::string_view type) {
  const json::array* conds = status != nullptr ? ArrAt(*status, "conditions") : nullptr;
  if (conds == nullptr) return false;
  for (const json::value& c : *conds) {
    if (c.is_object() && StrAt(c.get_object(), "type") == type &&
        StrAt(c.get_object(), "status") == "True") {
      return true;
    }
  }
  return false;
}

std::string JobStatusCell(const json::object& obj, const json::object* status) {
  const json::object* meta = ObjAt(obj, "metadata");
  if (HasTrueCondition(status, "Complete")) return "Complete";
  if (HasTrueCondition(status, "Failed")) return "Failed";
  if (meta != nullptr && Has(*meta, "deletionTimestamp")) return "Terminating";
  if (HasTrueCondition(status, "Suspended")) return "Suspended";
  if (HasTrueCondition(status, "FailureTarget")) return "FailureTarget";
  return "Running";
}

std::string CompletionsCell(const json::object* spec, const json::object* status) {
  const std::string succeeded = std::to_string(IntOr0(status, "succeeded"));
  if (spec != nullptr && IntAt(*spec, "completions")) {
    return succeeded + "/" + std::to_string(*IntAt(*spec, "completions"));
  }
  int64_t parallelism = IntOr0(spec, "parallelism");
  if (parallelism > 1) return succeeded + "/1 of " + std::to_string(parallelism);
  return succeeded + "/1";
}

std::string DurationCell(const json::object* status, const HookContext& ctx) {
  if (status == nullptr) return "";
  Clock::time_point start;
  if (!ParseRfc3339(StrAt(*status, "startTime"), &start)) return "";
  Clock::time_point end = ctx.now;
  Clock::time_point done;
  if (ParseRfc3339(StrAt(*status, "completionTime"), &done)) end = done;
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(end - start));
}

json::array JobRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  auto [names, images] = ContainerCells(spec != nullptr ? ObjAt(*spec, "template") : nullptr);
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(JobStatusCell(obj, status));
  row.emplace_back(CompletionsCell(spec, status));
  row.emplace_back(DurationCell(status, ctx));
  row.emplace_back(AgeCell(obj, ctx));
  row.emplace_back(names);
  row.emplace_back(images);
  row.emplace_back(FormatLabelSelector(spec != nullptr ? spec->if_contains("selector") : nullptr));
  return row;
}

}  // namespace

ResourceType JobType() {
  ResourceType t;
  t.group = "batch";
  t.version = "v1";
  t.kind = "Job";
  t.plural = "jobs";
  t.singular = "job";
  t.categories = {"all"};
  t.has_status = true;
  t.schema = JobSchema();
  t.default_fn = DefaultJob;
  t.validate_fn = ValidateJob;
  t.columns = {
      NameColumn(),
      {"Status", "string", "", "Status of the job.", 0},
      {"Completions", "string", "", "Successful pods out of the required completions.", 0},
      {"Duration", "string", "", "Time required to complete the job.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "", "Label query over the Job's pods.", 1},
  };
  t.row_fn = JobRow;
  t.selectable_fields["status.successful"] = [](const json::object& obj) {
    return std::to_string(IntOr0(ObjAt(obj, "status"), "succeeded"));
  };
  return t;
}

}  // namespace berth::api::batch
