#include "api/kinds/core/field_errors.h"

#include <cstdio>

namespace berth::api::core {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string FormatValue(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return Quote(std::string(v.get_string()));
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::null: return "null";
    default: return json::serialize(v);
  }
}

Cause RequiredCause(const std::string& field, const std::string& detail) {
  return {"FieldValueRequired", detail.empty() ? "Required value" : "Required value: " + detail,
          field};
}

Cause InvalidCause(const std::string& field, const json::value& value, const std::string& detail) {
  std::string msg = "Invalid value: " + FormatValue(value);
  if (!detail.empty()) msg += ": " + detail;
  return {"FieldValueInvalid", msg, field};
}

Cause NotSupportedCause(const std::string& field, const json::value& value,
                        const std::vector<std::string>& supported) {
  std::string msg = "Unsupported value: " + FormatValue(value);
  if (!supported.empty()) {
    msg += ": supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      if (i) msg += ", ";
      msg += Quote(supported[i]);
    }
  }
  return {"FieldValueNotSupported", msg, field};
}

Cause DuplicateCause(const std::string& field, const json::value& value) {
  return {"FieldValueDuplicate", "Duplicate value: " + FormatValue(value), field};
}

Cause NotFoundCause(const std::string& field, const json::value& value) {
  return {"FieldValueNotFound", "Not found: " + FormatValue(value), field};
}

Cause ForbiddenCause(const std::string& field, const std::string& detail) {
  return {"FieldValueForbidden", "Forbidden: " + detail, field};
}

void AppendInvalid(std::vector<Cause>& out, const std::string& field, const json::value& value,
                   const std::vector<std::string>& problems) {
  for (const auto& p : problems) out.push_back(InvalidCause(field, value, p));
}

const json::object* ObjectAt(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

const json::array* ArrayAt(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

std::string StringAt(const json::object& o, const char* key, const std::string& fallback) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                  : fallback;
}

bool HasInt(const json::object& o, const char* key, int64_t* out) {
  auto it = o.find(key);
  if (it == o.end()) return false;
  const json::value& v = it->value();
  if (v.is_int64()) {
    *out = v.get_int64();
    return true;
  }
  if (v.is_uint64()) {
    *out = static_cast<int64_t>(v.get_uint64());
    return true;
  }
  if (v.is_double() && v.get_double() == static_cast<double>(static_cast<int64_t>(v.get_double()))) {
    *out = static_cast<int64_t>(v.get_double());
    return true;
  }
  return false;
}

}  // namespace berth::api::core
