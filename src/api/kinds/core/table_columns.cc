// Table helpers shared by every kind's printer.
#include <chrono>

#include "api/kinds/kinds.h"
#include "common/clock.h"

namespace berth::api {

std::string AgeCell(const json::object& obj, const HookContext& ctx) {
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->value().is_object()) return "<unknown>";
  auto ts = meta->value().get_object().find("creationTimestamp");
  if (ts == meta->value().get_object().end() || !ts->value().is_string()) return "<unknown>";
  Clock::time_point created;
  if (!ParseRfc3339(std::string(ts->value().get_string()), &created)) return "<unknown>";
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(ctx.now - created));
}

TableColumn NameColumn() {
  return {"Name", "string", "name",
          "Name of the object, unique within its namespace (or the cluster).", 0};
}

TableColumn AgeColumn() {
  return {"Age", "string", "",
          "Time since the object was created, from metadata.creationTimestamp.", 0};
}

}  // namespace berth::api
