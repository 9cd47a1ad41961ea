#include "apiserver/rest/status_json.h"

namespace berth::apiserver {

namespace json = boost::json;

namespace {
// Messages may echo client bytes; like Go's JSON encoder, replace invalid
// UTF-8 with U+FFFD so the Status is always valid JSON text.
std::string ValidUtf8(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= in.size();
    for (size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(in[i + k]) >> 6) == 2;
    }
    if (ok && n == 2 && c < 0xC2) ok = false;  // overlong
    if (ok) {
      out.append(in, i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}
}  // namespace

json::object StatusToJson(const Status& s) {
  json::object o;
  o["kind"] = "Status";
  o["apiVersion"] = "v1";
  o["metadata"] = json::object();
  o["status"] = s.ok() ? "Success" : "Failure";
  o["message"] = ValidUtf8(s.message());
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
        co["message"] = ValidUtf8(c.message);
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
