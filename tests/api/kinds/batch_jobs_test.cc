// batch/v1 kinds: cron parsing, Job/CronJob defaulting, validation, Table rows, proto tags.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "api/kinds/batch/cron_schedule.h"
#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api {
namespace {

using batch::CronSchedule;

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

ResourceTypePtr RT(const std::string& plural) {
  ResourceTypePtr t = BuiltinRegistry().Find("batch", "v1", plural);
  EXPECT_NE(t, nullptr) << plural;
  return t;
}

bool HasCause(const std::vector<Cause>& causes, const std::string& field, const std::string& msg) {
  for (const Cause& c : causes) {
    if (c.field == field && c.message == msg) return true;
  }
  return false;
}

std::string Dump(const std::vector<Cause>& causes) {
  std::string out;
  for (const Cause& c : causes) out += c.field + ": " + c.message + " [" + c.type + "]\n";
  return out;
}

std::string ParseError(const std::string& spec) {
  StatusOr<CronSchedule> s = CronSchedule::Parse(spec);
  return s.ok() ? "<ok>" : s.status().message();
}

Clock::time_point At(const std::string& rfc3339) {
  Clock::time_point t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

const char* kJob = R"({
  "apiVersion":"batch/v1","kind":"Job",
  "metadata":{"name":"pi","namespace":"default","uid":"1234-abcd"},
  "spec":{"template":{"spec":{"restartPolicy":"Never",
                              "containers":[{"name":"pi","image":"perl"}]}}}})";

json::object DefaultedJob() {
  json::object j = Parse(kJob);
  RT("jobs")->default_fn(j);
  return j;
}

TEST(CronSchedule, ParsesFieldsRangesStepsAndNames) {
  StatusOr<CronSchedule> s = CronSchedule::Parse("*/15 9-17 * JAN-mar mon,FRI");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->MinuteSet(0));
  EXPECT_TRUE(s->MinuteSet(45));
  EXPECT_FALSE(s->MinuteSet(50));
  EXPECT_TRUE(s->HourSet(9));
  EXPECT_TRUE(s->HourSet(17));
  EXPECT_FALSE(s->HourSet(18));
  EXPECT_TRUE(s->MonthSet(3));
  EXPECT_FALSE(s->MonthSet(4));
  EXPECT_TRUE(s->DayOfWeekSet(1));
  EXPECT_TRUE(s->DayOfWeekSet(5));
  EXPECT_FALSE(s->DayOfWeekSet(2));
  StatusOr<CronSchedule> stepped = CronSchedule::Parse("5/20 * * * *");
  ASSERT_TRUE(stepped.ok());
  EXPECT_TRUE(stepped->MinuteSet(5));
  EXPECT_TRUE(stepped->MinuteSet(45));
  EXPECT_FALSE(stepped->MinuteSet(0));
}

TEST(CronSchedule, ErrorsReadLikeRobfigCron) {
  EXPECT_EQ(ParseError("foo"), "expected exactly 5 fields, found 1: [foo]");
  EXPECT_EQ(ParseError("* * * *"), "expected exactly 5 fields, found 4: [* * * *]");
  EXPECT_EQ(ParseError("61 * * * *"), "end of range (61) above maximum (59): 61");
  EXPECT_EQ(ParseError("* * 0 * *"), "beginning of range (0) below minimum (1): 0");
  EXPECT_EQ(ParseError("5-2 * * * *"), "beginning of range (5) beyond end of range (2): 5-2");
  EXPECT_EQ(ParseError("1-2-3 * * * *"), "too many hyphens: 1-2-3");
  EXPECT_EQ(ParseError("*/0 * * * *"), "step of range should be a positive number: */0");
  EXPECT_EQ(ParseError("x * * * *"),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax");
  EXPECT_EQ(ParseError("@fortnightly"), "unrecognized descriptor: @fortnightly");
  EXPECT_EQ(ParseError(""), "empty spec string");
}

TEST(CronSchedule, DescriptorsAndEvery) {
  StatusOr<CronSchedule> hourly = CronSchedule::Parse("@hourly");
  ASSERT_TRUE(hourly.ok());
  EXPECT_TRUE(hourly->MinuteSet(0));
  EXPECT_FALSE(hourly->MinuteSet(1));
  EXPECT_TRUE(hourly->HourSet(13));
  StatusOr<CronSchedule> weekly = CronSchedule::Parse("@weekly");
  ASSERT_TRUE(weekly.ok());
  EXPECT_TRUE(weekly->DayOfWeekSet(0));
  EXPECT_FALSE(weekly->DayOfWeekSet(3));
  StatusOr<CronSchedule> every = CronSchedule::Parse("@every 1h30m");
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(every->every(), std::chrono::seconds(5400));
  EXPECT_FALSE(CronSchedule::Parse("@every soon").ok());
}

TEST(CronSchedule, NextActivation) {
  // 2025-01-01 was a Wednesday; the next Monday 09:00 is 2025-01-06.
  StatusOr<CronSchedule> s = CronSchedule::Parse("0 9 * * 1");
  ASSERT_TRUE(s.ok());
  std::optional<Clock::time_point> next = s->Next(At("2025-01-01T10:30:00Z"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(FormatRfc3339(*next), "2025-01-06T09:00:00Z");
  // Strictly after: at exactly 09:00 on a Monday, the next run is a week later.
  EXPECT_EQ(FormatRfc3339(*s->Next(At("2025-01-06T09:00:00Z"))), "2025-01-13T09:00:00Z");
  // Day-of-month and day-of-week both restricted: either matches (cron semantics).
  StatusOr<CronSchedule> either = CronSchedule::Parse("0 0 15 * 5");
  ASSERT_TRUE(either.ok());
  EXPECT_EQ(FormatRfc3339(*either->Next(At("2025-01-01T00:00:00Z"))), "2025-01-03T00:00:00Z");
  StatusOr<CronSchedule> never = CronSchedule::Parse("0 0 31 2 *");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->Next(At("2025-01-01T00:00:00Z")).has_value());
}

TEST(Job, DefaultsAndGeneratedSelector) {
  json::object j = DefaultedJob();
  const json::object& spec = j["spec"].as_object();
  EXPECT_EQ(spec.at("completions").to_number<int64_t>(), 1);
  EXPECT_EQ(spec.at("parallelism").to_number<int64_t>(), 1);
  EXPECT_EQ(spec.at("backoffLimit").to_number<int64_t>(), 6);
  EXPECT_EQ(spec.at("completionMode").as_string(), "NonIndexed");
  EXPECT_EQ(spec.at("suspend").as_bool(), false);
  EXPECT_EQ(spec.at("podReplacementPolicy").as_string(), "TerminatingOrFailed");
  EXPECT_FALSE(spec.contains("manualSelector"));
  EXPECT_EQ(spec.at("selector").at("matchLabels").at("batch.kubernetes.io/controller-uid")
                .as_string(),
            "1234-abcd");
  const json::object& labels = spec.at("template").at("metadata").at("labels").as_object();
  EXPECT_EQ(labels.at("controller-uid").as_string(), "1234-abcd");
  EXPECT_EQ(labels.at("batch.kubernetes.io/job-name").as_string(), "pi");
  EXPECT_EQ(labels.at("job-name").as_string(), "pi");
  // The Job itself takes the template labels.
  EXPECT_EQ(j["metadata"].at("labels").at("job-name").as_string(), "pi");
  std::vector<Cause> causes = RT("jobs")->validate_fn(j, nullptr);
  EXPECT_TRUE(causes.empty()) << Dump(causes);
  // Defaulting again (as on update) changes nothing.
  json::object again = j;
  RT("jobs")->default_fn(again);
  EXPECT_EQ(again, j);
}

TEST(Job, ParallelismOnlyLeavesCompletionsUnset) {
  json::object j = Parse(kJob);
  j["spec"].as_object()["parallelism"] = 3;
  RT("jobs")->default_fn(j);
  EXPECT_FALSE(j["spec"].as_object().contains("completions"));
  EXPECT_EQ(j["spec"].at("parallelism").to_number<int64_t>(), 3);
  json::array row = RT("jobs")->row_fn(j, HookContext{});
  EXPECT_EQ(row[2].as_string(), "0/1 of 3");
}

TEST(Job, WithoutUidNoSelectorIsGenerated) {
  json::object j = Parse(kJob);
  j["metadata"].as_object().erase("uid");
  RT("jobs")->default_fn(j);
  EXPECT_FALSE(j["spec"].as_object().contains("selector"));
  std::vector<Cause> causes = RT("jobs")->validate_fn(j, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.selector", "Required value")) << Dump(causes);
}

TEST(Job, RestartPolicyMustBeOnFailureOrNever) {
  json::object j = Parse(kJob);
  j["spec"].as_object()["template"].as_object()["spec"].as_object().erase("restartPolicy");
  RT("jobs")->default_fn(j);  // PodSpec defaulting picks Always, which Jobs refuse.
  std::vector<Cause> causes = RT("jobs")->validate_fn(j, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.template.spec.restartPolicy",
                       "Unsupported value: \"Always\": supported values: \"OnFailure\", "
                       "\"Never\""))
      << Dump(causes);
}

TEST(Job, NegativeCountsAndIndexedNeedsCompletions) {
  json::object j = DefaultedJob();
  json::object& spec = j["spec"].as_object();
  spec["parallelism"] = -1;
  spec["backoffLimit"] = -2;
  spec["completionMode"] = "Indexed";
  spec.erase("completions");
  std::vector<Cause> causes = RT("jobs")->validate_fn(j, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.parallelism",
                       "Invalid value: -1: must be greater than or equal to 0"))
      << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "spec.backoffLimit",
                       "Invalid value: -2: must be greater than or equal to 0"))
      << Dump(causes);
  EXPECT_TRUE(
      HasCause(causes, "spec.completions", "Required value: when completion mode is Indexed"))
      << Dump(causes);
}

TEST(Job, ForeignSelectorIsRejected) {
  json::object j = Parse(kJob);
  j["spec"].as_object()["selector"] =
      json::object{{"matchLabels", {{"batch.kubernetes.io/controller-uid", "other"}}}};
  RT("jobs")->default_fn(j);
  std::vector<Cause> causes = RT("jobs")->validate_fn(j, nullptr);
  bool found = false;
  for (const Cause& c : causes) {
    found |= c.field == "spec.selector" &&
             c.message.find("`selector` not auto-generated") != std::string::npos;
  }
  EXPECT_TRUE(found) << Dump(causes);
}

TEST(Job, TemplateIsImmutable) {
  json::object old = DefaultedJob();
  json::object now = old;
  now["spec"].as_object()["template"].as_object()["spec"].as_object()["containers"] =
      json::array{json::object{{"name", "pi"}, {"image", "perl:5"}}};
  std::vector<Cause> causes = RT("jobs")->validate_fn(now, &old);
  bool found = false;
  for (const Cause& c : causes) {
    found |= c.field == "spec.template" && c.message.find("field is immutable") != std::string::npos;
  }
  EXPECT_TRUE(found) << Dump(causes);
  // Suspended and never started: scheduling directives may change, the image may not.
  old["spec"].as_object()["suspend"] = true;
  json::object moved = old;
  moved["spec"].as_object()["template"].as_object()["spec"].as_object()["nodeSelector"] =
      json::object{{"zone", "b"}};
  EXPECT_TRUE(RT("jobs")->validate_fn(moved, &old).empty());
  json::object selector_changed = old;
  selector_changed["spec"].as_object()["completions"] = 4;
  causes = RT("jobs")->validate_fn(selector_changed, &old);
  EXPECT_TRUE(HasCause(causes, "spec.completions", "Invalid value: 4: field is immutable"))
      << Dump(causes);
}

TEST(Job, TableRow) {
  json::object j = DefaultedJob();
  j["status"] = json::object{
      {"succeeded", 1},
      {"startTime", "2025-01-01T00:00:00Z"},
      {"completionTime", "2025-01-01T00:01:05Z"},
      {"conditions", json::array{json::object{{"type", "Complete"}, {"status", "True"}}}}};
  ResourceTypePtr t = RT("jobs");
  HookContext ctx{At("2025-01-01T01:00:00Z")};
  json::array row = t->row_fn(j, ctx);
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[1].as_string(), "Complete");
  EXPECT_EQ(row[2].as_string(), "1/1");
  EXPECT_EQ(row[3].as_string(), "65s");
  EXPECT_EQ(row[5].as_string(), "pi");
  EXPECT_EQ(row[7].as_string(), "batch.kubernetes.io/controller-uid=1234-abcd");
  j["status"] = json::object{
      {"conditions", json::array{json::object{{"type", "Suspended"}, {"status", "True"}}}}};
  EXPECT_EQ(t->row_fn(j, ctx)[1].as_string(), "Suspended");
  j["status"] = json::object{{"startTime", "2025-01-01T00:59:50Z"}};
  row = t->row_fn(j, ctx);
  EXPECT_EQ(row[1].as_string(), "Running");
  EXPECT_EQ(row[3].as_string(), "10s");
  EXPECT_EQ(t->selectable_fields.at("status.successful")(j), "0");
}

TEST(Job, ProtoTags) {
  SchemaPtr s = RT("jobs")->schema;
  SchemaPtr spec = s->FindField("spec")->schema;
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(s->FindField("spec")->proto_tag, 2);
  struct Tag {
    const char* name;
    int tag;
  };
  for (Tag t : {Tag{"parallelism", 1}, Tag{"completions", 2}, Tag{"activeDeadlineSeconds", 3},
                Tag{"selector", 4}, Tag{"manualSelector", 5}, Tag{"template", 6},
                Tag{"backoffLimit", 7}, Tag{"ttlSecondsAfterFinished", 8},
                Tag{"completionMode", 9}, Tag{"suspend", 10}, Tag{"podFailurePolicy", 11},
                Tag{"backoffLimitPerIndex", 12}, Tag{"maxFailedIndexes", 13},
                Tag{"podReplacementPolicy", 14}, Tag{"managedBy", 15},
                Tag{"successPolicy", 16}}) {
    const Field* f = spec->FindField(t.name);
    ASSERT_NE(f, nullptr) << t.name;
    EXPECT_EQ(f->proto_tag, t.tag) << t.name;
    EXPECT_FALSE(f->description.empty()) << t.name;
  }
  EXPECT_EQ(spec->FindField("activeDeadlineSeconds")->schema->format, "int64");
  SchemaPtr status = s->FindField("status")->schema;
  EXPECT_EQ(status->FindField("ready")->proto_tag, 9);
  EXPECT_EQ(status->FindField("terminating")->proto_tag, 11);
}

TEST(CronJob, DefaultsAndValidation) {
  json::object cj = Parse(R"({"apiVersion":"batch/v1","kind":"CronJob",
    "metadata":{"name":"nightly"},
    "spec":{"schedule":"0 3 * * *","jobTemplate":{"spec":{"template":{"spec":{
      "restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}})");
  ResourceTypePtr t = RT("cronjobs");
  t->default_fn(cj);
  const json::object& spec = cj["spec"].as_object();
  EXPECT_EQ(spec.at("concurrencyPolicy").as_string(), "Allow");
  EXPECT_EQ(spec.at("suspend").as_bool(), false);
  EXPECT_EQ(spec.at("successfulJobsHistoryLimit").to_number<int64_t>(), 3);
  EXPECT_EQ(spec.at("failedJobsHistoryLimit").to_number<int64_t>(), 1);
  std::vector<Cause> causes = t->validate_fn(cj, nullptr);
  EXPECT_TRUE(causes.empty()) << Dump(causes);

  cj["spec"].as_object()["schedule"] = "61 * * * *";
  cj["spec"].as_object()["concurrencyPolicy"] = "Sometimes";
  cj["spec"].as_object()["timeZone"] = "Mars/Olympus";
  causes = t->validate_fn(cj, nullptr);
  EXPECT_TRUE(HasCause(causes, "spec.schedule",
                       "Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"))
      << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "spec.concurrencyPolicy",
                       "Unsupported value: \"Sometimes\": supported values: \"Allow\", "
                       "\"Forbid\", \"Replace\""))
      << Dump(causes);
  EXPECT_TRUE(HasCause(causes, "spec.timeZone",
                       "Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"))
      << Dump(causes);

  cj["spec"].as_object()["schedule"] = "TZ=UTC 0 * * * *";
  cj["spec"].as_object()["concurrencyPolicy"] = "Forbid";
  cj["spec"].as_object().erase("timeZone");
  causes = t->validate_fn(cj, nullptr);
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].message,
            "Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use "
            "timeZone field instead");
}

TEST(CronJob, TableRow) {
  json::object cj = Parse(R"({"metadata":{"name":"nightly"},
    "spec":{"schedule":"@daily","suspend":true,"jobTemplate":{"spec":{"template":{"spec":{
      "containers":[{"name":"c","image":"busybox"}]}}}}},
    "status":{"active":[{"name":"nightly-1"}],"lastScheduleTime":"2025-01-01T00:00:00Z"}})");
  ResourceTypePtr t = RT("cronjobs");
  json::array row = t->row_fn(cj, HookContext{At("2025-01-01T00:05:00Z")});
  ASSERT_EQ(row.size(), t->columns.size());
  EXPECT_EQ(row[1].as_string(), "@daily");
  EXPECT_EQ(row[2].as_string(), "<none>");
  EXPECT_EQ(row[3].as_string(), "True");
  EXPECT_EQ(row[4].to_number<int64_t>(), 1);
  EXPECT_EQ(row[5].as_string(), "5m");
  EXPECT_EQ(row[9].as_string(), "<none>");
  EXPECT_EQ(t->columns[5].name, "Last Schedule");
  EXPECT_EQ(t->short_names, std::vector<std::string>{"cj"});
}

}  // namespace
}  // namespace berth::api
