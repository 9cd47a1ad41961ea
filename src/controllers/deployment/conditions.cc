#include "controllers/deployment/conditions.h"

namespace berth::controllers::deployutil {

const json::object* GetCondition(const json::object& status, const std::string& type) {
  const json::value* conds = status.if_contains("conditions");
  if (!conds || !conds->is_array()) return nullptr;
  for (const auto& c : conds->as_array()) {
    if (c.is_object() && GetString(c.as_object(), {"type"}) == type) return &c.as_object();
  }
  return nullptr;
}

json::object NewCondition(const std::string& type, const std::string& status,
                          const std::string& reason, const std::string& message,
                          Clock::time_point now, bool with_update_time) {
  std::string ts = FormatRfc3339(now);
  json::object c{{"type", type}, {"status", status}};
  if (with_update_time) c["lastUpdateTime"] = ts;
  c["lastTransitionTime"] = ts;
  c["reason"] = reason;
  c["message"] = message;
  return c;
}

void SetCondition(json::object& status, json::object cond) {
  std::string type = GetString(cond, {"type"});
  const json::object* current = GetCondition(status, type);
  if (current) {
    if (GetString(*current, {"status"}) == GetString(cond, {"status"}) &&
        GetString(*current, {"reason"}) == GetString(cond, {"reason"})) {
      return;
    }
    if (GetString(*current, {"status"}) == GetString(cond, {"status"})) {
      if (const auto* t = current->if_contains("lastTransitionTime")) {
        cond["lastTransitionTime"] = *t;
      }
    }
  }
  RemoveCondition(status, type);
  json::value& conds = status["conditions"];
  if (!conds.is_array()) conds = json::array{};
  conds.as_array().push_back(std::move(cond));
}

void RemoveCondition(json::object& status, const std::string& type) {
  json::value* conds = status.if_contains("conditions");
  if (!conds || !conds->is_array()) return;
  json::array out;
  for (auto& c : conds->as_array()) {
    if (c.is_object() && GetString(c.as_object(), {"type"}) == type) continue;
    out.push_back(std::move(c));
  }
  if (out.empty()) {
    status.erase("conditions");
  } else {
    *conds = std::move(out);
  }
}

}  // namespace berth::controllers::deployutil
