// events.k8s.io/v1 Event: the structured event API (regarding, note, reportingController,
// series...). Like kube, the objects are core/v1 events: stored in their form and converted on
// the way in and out, so either API sees the other's events. Schema, conversion, validation and
// Table printing.
#include <cctype>
#include <utility>

#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr EventV1Schema() {
  auto series = Object("io.k8s.api.events.v1.EventSeries", "Data about a repeating event.",
                       {
                           Req("count", Int32(), "Occurrences so far.", 1),
                           Req("lastObservedTime", Time(), "When the last one was seen.", 2),
                       });
  auto source = Object("io.k8s.api.core.v1.EventSource", "The component that reported an event.",
                       {F("component", String(), "Reporting component.", 1),
                        F("host", String(), "Node the component runs on.", 2)});
  return KindSchema(
      "io.k8s.api.events.v1.Event", "A report of something that happened in the cluster.",
      {
          Req("eventTime", Time(), "When the event first happened (microseconds).", 2),
          F("series", series, "Data about a repeating event; absent for a singleton.", 3),
          F("reportingController", String(), "Controller that emitted the event.", 4),
          F("reportingInstance", String(), "Instance of that controller.", 5),
          F("action", String(), "What was done or failed.", 6),
          F("reason", String(), "Short machine-readable reason for the action.", 7),
          F("regarding", ObjectReferenceSchema(), "The object the event is about.", 8),
          F("related", ObjectReferenceSchema(), "A second object involved.", 9),
          F("note", String(), "Human-readable description (at most 1kB).", 10),
          F("type", String(), "Normal or Warning.", 11),
          F("deprecatedSource", source, "core/v1 source, kept for compatibility.", 12),
          F("deprecatedFirstTimestamp", Time(), "core/v1 firstTimestamp.", 13),
          F("deprecatedLastTimestamp", Time(), "core/v1 lastTimestamp.", 14),
          F("deprecatedCount", Int32(), "core/v1 count.", 15),
      });
}

std::string NestedString(const json::object& o, const char* outer, const char* inner) {
  const json::object* sub = ObjAt(o, outer);
  return sub != nullptr ? StrAt(*sub, inner) : "";
}

std::vector<Cause> ValidateEventV1(const json::object& ev, const json::object* /*old*/) {
  std::vector<Cause> out;
  if (!Has(ev, "eventTime")) out.push_back(RequiredCause("eventTime"));
  for (const char* key : {"reportingController", "reportingInstance", "action", "reason"}) {
    if (StrAt(ev, key).empty()) out.push_back(RequiredCause(key));
  }
  std::string type = StrAt(ev, "type");
  if (type != "Normal" && type != "Warning") {
    out.push_back(NotSupportedCause("type", type, {"Normal", "Warning"}));
  }
  if (StrAt(ev, "note").size() > 1024) {
    out.push_back({"FieldValueTooLong", "Too long: may not be more than 1024 bytes", "note"});
  }
  std::string ns = NestedString(ev, "metadata", "namespace");
  std::string regarding_ns = NestedString(ev, "regarding", "namespace");
  if (!regarding_ns.empty() && regarding_ns != ns) {
    out.push_back(InvalidCause("regarding.namespace", GoQuote(regarding_ns),
                               "does not match event.namespace"));
  }
  if (const json::object* series = ObjAt(ev, "series")) {
    std::optional<int64_t> count = IntAt(*series, "count");
    if (count && *count < 2) {
      out.push_back(InvalidCause("series.count", std::to_string(*count),
                                 "should be at least 2"));
    }
  }
  return out;
}

std::string SinceCell(const std::string& ts, const HookContext& ctx) {
  Clock::time_point t;
  if (ts.empty() || !ParseRfc3339(ts, &t)) return "<unknown>";
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(ctx.now - t));
}

json::array EventV1Row(const json::object& ev, const HookContext& ctx) {
  std::string last = NestedString(ev, "series", "lastObservedTime");
  if (last.empty()) last = StrAt(ev, "deprecatedLastTimestamp");
  if (last.empty()) last = StrAt(ev, "eventTime");
  std::string kind = NestedString(ev, "regarding", "kind");
  for (char& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string name = NestedString(ev, "regarding", "name");
  return json::array{json::value(SinceCell(last, ctx)), json::value(StrAt(ev, "type")),
                     json::value(StrAt(ev, "reason")),
                     json::value(name.empty() ? kind : kind + "/" + name),
                     json::value(StrAt(ev, "note")), json::value(ObjectName(ev))};
}

// events.k8s.io/v1 field -> core/v1 field; the rest (eventTime, series, action, reason, related,
// type, reportingInstance) share their names.
constexpr std::pair<const char*, const char*> kRenames[] = {
    {"regarding", "involvedObject"},
    {"note", "message"},
    {"reportingController", "reportingComponent"},
    {"deprecatedSource", "source"},
    {"deprecatedFirstTimestamp", "firstTimestamp"},
    {"deprecatedLastTimestamp", "lastTimestamp"},
    {"deprecatedCount", "count"},
};

void Rename(json::object& obj, const char* from, const char* to) {
  auto it = obj.find(from);
  if (it == obj.end()) return;
  json::value v = std::move(it->value());
  obj.erase(it);
  obj[to] = std::move(v);
}

void ToCoreEvent(json::object& ev) {
  for (const auto& [v1_name, core_name] : kRenames) Rename(ev, v1_name, core_name);
  ev["apiVersion"] = "v1";
  ev["kind"] = "Event";
}

void FromCoreEvent(json::object& ev) {
  for (const auto& [v1_name, core_name] : kRenames) Rename(ev, core_name, v1_name);
  ev["apiVersion"] = "events.k8s.io/v1";
  ev["kind"] = "Event";
}

}  // namespace

void RegisterEventsKinds(Registry& r) {
  ResourceType t;
  t.group = "events.k8s.io";
  t.version = "v1";
  t.kind = "Event";
  t.plural = "events";
  t.singular = "event";
  t.short_names = {"ev"};
  t.generation_tracks_spec = false;
  t.schema = EventV1Schema();
  t.validate_fn = ValidateEventV1;
  t.storage_group = "";  // core/v1 events
  t.to_storage = ToCoreEvent;
  t.from_storage = FromCoreEvent;
  t.columns = {
      {"Last Seen", "string", "", "Time since the event was last seen.", 0},
      {"Type", "string", "", "Normal or Warning.", 0},
      {"Reason", "string", "", "Short reason for the event.", 0},
      {"Object", "string", "", "The object the event is about.", 0},
      {"Message", "string", "", "Description of the event.", 0},
      {"Name", "string", "name", "Name of the event object.", 1},
  };
  t.row_fn = EventV1Row;
  auto at = [](const char* outer, const char* inner) {
    return [outer, inner](const json::object& ev) { return NestedString(ev, outer, inner); };
  };
  t.selectable_fields = {
      {"regarding.kind", at("regarding", "kind")},
      {"regarding.name", at("regarding", "name")},
      {"regarding.namespace", at("regarding", "namespace")},
      {"regarding.uid", at("regarding", "uid")},
      {"reason", [](const json::object& ev) { return StrAt(ev, "reason"); }},
      {"reportingController", [](const json::object& ev) { return StrAt(ev, "reportingController"); }},
      {"type", [](const json::object& ev) { return StrAt(ev, "type"); }},
  };
  r.Add(std::move(t));
}

}  // namespace berth::api
