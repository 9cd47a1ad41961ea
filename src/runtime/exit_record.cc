#include "runtime/exit_record.h"

#include "common/json.h"
#include "runtime/spec_codec.h"

namespace berth::runtime {

Status WriteExitRecord(const std::string& path, const ExitRecord& r) {
  json::object o;
  o["exit_code"] = r.exit_code;
  o["started_at"] = ToUnixNanos(r.started_at);
  o["finished_at"] = ToUnixNanos(r.finished_at);
  o["oom_killed"] = r.oom_killed;
  o["start_failed"] = r.start_failed;
  o["message"] = r.message;
  return WriteFileAtomic(path, ToJson(o));
}

StatusOr<ExitRecord> ReadExitRecord(const std::string& path) {
  auto text = ReadFileText(path);
  if (!text.ok()) return text.status();
  auto v = ParseJson(*text);
  if (!v.ok() || !v->is_object()) return InternalError("corrupt exit file " + path);
  const json::object& o = v->as_object();
  ExitRecord r;
  r.exit_code = static_cast<int>(GetInt(o, {"exit_code"}));
  r.started_at = FromUnixNanos(GetInt(o, {"started_at"}));
  r.finished_at = FromUnixNanos(GetInt(o, {"finished_at"}));
  const json::value* oom = o.if_contains("oom_killed");
  r.oom_killed = oom && oom->is_bool() && oom->as_bool();
  const json::value* sf = o.if_contains("start_failed");
  r.start_failed = sf && sf->is_bool() && sf->as_bool();
  r.message = GetString(o, {"message"});
  return r;
}

}  // namespace berth::runtime
