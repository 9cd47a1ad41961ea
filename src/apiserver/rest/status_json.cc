#include "apiserver/rest/status_json.h"

namespace berth::apiserver {

namespace json = boost::json;

json::object StatusToJson(const Status& s) {
  json::object o;
  o["kind"] = "Status";
  o["apiVersion"] = "v1";
  o["metadata"] = json::object();
  o["status"] = s.ok() ? "Success" : "Failure";
  o["message"] = s.message();
  o["reason"] = ReasonName(s.reason());
  const StatusDetails& d = s.details();
  if (!d.name.empty() || !d.kind.empty() || !d.causes.empty() || !d.group.empty()) {
    json::object det;
    if (!d.name.empty()) det["name"] = d.name;
    if (!d.group.empty()) det["group"] = d.group;
    if (!d.kind.empty()) det["kind"] = d.kind;
    if (!d.uid.empty()) det["uid"] = d.uid;
    if (!d.causes.empty()) {
      json::array causes;
      for (const Cause& c : d.causes) {
        json::object co;
        if (!c.type.empty()) co["reason"] = c.type;
        co["message"] = c.message;
        if (!c.field.empty()) co["field"] = c.field;
        causes.push_back(std::move(co));
      }
      det["causes"] = std::move(causes);
    }
    if (d.retry_after_seconds) det["retryAfterSeconds"] = d.retry_after_seconds;
    o["details"] = std::move(det);
  }
  o["code"] = s.code();
  return o;
}

Response StatusResponse(const Status& s) {
  Response r;
  r.status = s.code();
  r.body = json::serialize(StatusToJson(s));
  return r;
}

json::object SuccessStatus(const std::string& name, const std::string& group,
                           const std::string& kind, const std::string& uid) {
  json::object o{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Success"}};
  json::object det{{"name", name}, {"kind", kind}};
  if (!group.empty()) det["group"] = group;
  if (!uid.empty()) det["uid"] = uid;
  o["details"] = std::move(det);
  return o;
}

}  // namespace berth::apiserver
