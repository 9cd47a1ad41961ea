#include "controllers/job/job_conditions.h"

namespace berth::controllers {

const json::object* FindJobCondition(const json::object& job, const std::string& type) {
  const json::value* conds = GetPath(job, {"status", "conditions"});
  if (conds == nullptr || !conds->is_array()) return nullptr;
  for (const json::value& c : conds->as_array()) {
    if (c.is_object() && GetString(c.as_object(), {"type"}) == type) return &c.as_object();
  }
  return nullptr;
}

bool JobConditionTrue(const json::object& job, const std::string& type) {
  const json::object* c = FindJobCondition(job, type);
  return c != nullptr && GetString(*c, {"status"}) == "True";
}

bool IsJobFinished(const json::object& job) {
  return JobConditionTrue(job, "Complete") || JobConditionTrue(job, "Failed");
}

bool JobFinishTime(const json::object& job, Clock::time_point* at) {
  for (const char* type : {"Complete", "Failed"}) {
    const json::object* c = FindJobCondition(job, type);
    if (c == nullptr || GetString(*c, {"status"}) != "True") continue;
    if (ParseRfc3339(GetString(*c, {"lastTransitionTime"}), at)) return true;
    if (ParseRfc3339(GetString(job, {"status", "completionTime"}), at)) return true;
    *at = Clock::time_point{};
    return true;
  }
  return false;
}

bool SetJobCondition(json::object& status, const std::string& type, const std::string& cond_status,
                     const std::string& reason, const std::string& message, Clock::time_point now) {
  json::value& conds_v = status["conditions"];
  if (!conds_v.is_array()) conds_v = json::array();
  json::array& conds = conds_v.as_array();
  const std::string ts = FormatRfc3339(now);
  for (json::value& c : conds) {
    if (!c.is_object()) continue;
    json::object& o = c.as_object();
    if (GetString(o, {"type"}) != type) continue;
    bool same = GetString(o, {"status"}) == cond_status && GetString(o, {"reason"}) == reason &&
                GetString(o, {"message"}) == message;
    if (same) return false;
    if (GetString(o, {"status"}) != cond_status) o["lastTransitionTime"] = ts;
    o["status"] = cond_status;
    o["reason"] = reason;
    o["message"] = message;
    o["lastProbeTime"] = ts;
    return true;
  }
  conds.push_back(json::object{{"type", type},
                               {"status", cond_status},
                               {"lastProbeTime", ts},
                               {"lastTransitionTime", ts},
                               {"reason", reason},
                               {"message", message}});
  return true;
}

}  // namespace berth::controllers
