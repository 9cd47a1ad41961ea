// core/v1 Event and its kubectl Table (printEvent).
#include <algorithm>
#include <cctype>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api::core {

namespace {

std::string SinceCell(const std::string& ts, const HookContext& ctx) {
  Clock::time_point t;
  if (ts.empty() || !ParseRfc3339(ts, &t)) return "<unknown>";
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(ctx.now - t));
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

json::array EventRow(const json::object& ev, const HookContext& ctx) {
  std::string first = StringAt(ev, "firstTimestamp");
  std::string first_cell = first.empty() ? SinceCell(StringAt(ev, "eventTime"), ctx)
                                         : SinceCell(first, ctx);
  std::string last = StringAt(ev, "lastTimestamp");
  std::string last_cell = last.empty() ? first_cell : SinceCell(last, ctx);
  int64_t count = 0;
  HasInt(ev, "count", &count);
  if (const json::object* series = ObjectAt(ev, "series")) {
    last_cell = SinceCell(StringAt(*series, "lastObservedTime"), ctx);
    count = 0;
    HasInt(*series, "count", &count);
  } else if (count == 0) {
    count = 1;
  }
  std::string kind = StringAtPath(ev, {"involvedObject", "kind"});
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string name = StringAtPath(ev, {"involvedObject", "name"});
  std::string target = name.empty() ? kind : kind + "/" + name;
  std::string component = StringAtPath(ev, {"source", "component"});
  if (component.empty()) component = StringAt(ev, "reportingComponent");
  std::string host = StringAtPath(ev, {"source", "host"});
  if (host.empty()) host = StringAt(ev, "reportingInstance");
  std::string source = host.empty() ? component : component + ", " + host;
  return json::array{json::value(last_cell),
                     json::value(StringAt(ev, "type")),
                     json::value(StringAt(ev, "reason")),
                     json::value(target),
                     json::value(StringAtPath(ev, {"involvedObject", "fieldPath"})),
                     json::value(source),
                     json::value(Trim(StringAt(ev, "message"))),
                     json::value(first_cell),
                     json::value(count),
                     json::value(StringAtPath(ev, {"metadata", "name"}))};
}

std::vector<Cause> ValidateEvent(const json::object& ev, const json::object* old) {
  std::vector<Cause> out;
  std::string ns = StringAtPath(ev, {"metadata", "namespace"});
  std::string involved_ns = StringAtPath(ev, {"involvedObject", "namespace"});
  if (involved_ns.empty()) {
    if (!ns.empty() && ns != "default") {
      out.push_back(InvalidCause("involvedObject.namespace", json::value(involved_ns),
                                 "does not match event.namespace"));
    }
  } else if (ns != involved_ns) {
    out.push_back(InvalidCause("involvedObject.namespace", json::value(involved_ns),
                               "does not match event.namespace"));
  }
  std::string type = StringAt(ev, "type");
  if (!type.empty() && type != "Normal" && type != "Warning") {
    out.push_back(NotSupportedCause("type", json::value(type), {"Normal", "Warning"}));
  }
  return out;
}

}  // namespace

ResourceType EventType() {
  static const SchemaPtr source = CoreObject(
      "EventSource", "The component that reported an event.",
      {F("component", String(), "Reporting component.", 1),
       F("host", String(), "Node the component runs on.", 2)});
  static const SchemaPtr series = CoreObject(
      "EventSeries", "Data about a repeating event.",
      {F("count", Int32(), "Occurrences so far.", 1),
       F("lastObservedTime", Time(), "When the last occurrence was seen.", 2)});
  ResourceType t;
  t.version = "v1";
  t.kind = "Event";
  t.plural = "events";
  t.singular = "event";
  t.short_names = {"ev"};
  t.generation_tracks_spec = false;
  t.schema = KindSchema(
      "io.k8s.api.core.v1.Event", "A report of something that happened to an object.",
      {
          Req("involvedObject", ObjectReferenceSchema(), "The object the event is about.", 2),
          F("reason", String(), "Short machine-readable reason.", 3),
          F("message", String(), "Human-readable description.", 4),
          F("source", source, "Component that reported the event.", 5),
          F("firstTimestamp", Time(), "When the event was first recorded.", 6),
          F("lastTimestamp", Time(), "When the event was last recorded.", 7),
          F("count", Int32(), "How many times the event occurred.", 8),
          F("type", String(), "Normal or Warning.", 9),
          F("eventTime", Time(), "When the event first happened, in microseconds.", 10),
          F("series", series, "Data about a repeating event.", 11),
          F("action", String(), "What was done or failed.", 12),
          F("related", ObjectReferenceSchema(), "A second object involved.", 13),
          F("reportingComponent", String(), "Controller that emitted the event.", 14),
          F("reportingInstance", String(), "Instance of the controller.", 15),
      });
  t.validate_fn = ValidateEvent;
  t.columns = {
      {"Last Seen", "string", "", "Time since the event was last seen.", 0},
      {"Type", "string", "", "Normal or Warning.", 0},
      {"Reason", "string", "", "Short reason for the event.", 0},
      {"Object", "string", "", "The object the event is about.", 0},
      {"Subobject", "string", "", "The part of the object, such as a container.", 1},
      {"Source", "string", "", "Component that reported the event.", 1},
      {"Message", "string", "", "Description of the event.", 0},
      {"First Seen", "string", "", "Time since the event was first seen.", 1},
      {"Count", "string", "", "Occurrences of the event.", 1},
      {"Name", "string", "name", "Name of the event object.", 1},
  };
  t.row_fn = EventRow;
  auto source_field = [](const json::object& ev) {
    std::string c = StringAtPath(ev, {"source", "component"});
    return c.empty() ? StringAt(ev, "reportingComponent") : c;
  };
  t.selectable_fields = {
      {"involvedObject.kind", FieldAt({"involvedObject", "kind"})},
      {"involvedObject.namespace", FieldAt({"involvedObject", "namespace"})},
      {"involvedObject.name", FieldAt({"involvedObject", "name"})},
      {"involvedObject.uid", FieldAt({"involvedObject", "uid"})},
      {"involvedObject.apiVersion", FieldAt({"involvedObject", "apiVersion"})},
      {"involvedObject.resourceVersion", FieldAt({"involvedObject", "resourceVersion"})},
      {"involvedObject.fieldPath", FieldAt({"involvedObject", "fieldPath"})},
      {"reason", FieldAt({"reason"})},
      {"reportingComponent", FieldAt({"reportingComponent"})},
      {"source", source_field},
      {"type", FieldAt({"type"})},
  };
  return t;
}

}  // namespace berth::api::core
