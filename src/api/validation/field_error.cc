#include "api/validation/field_error.h"

#include <cstdio>

namespace berth::api::validation {
namespace {

std::string WithDetail(std::string body, std::string_view detail) {
  if (!detail.empty()) {
    body += ": ";
    body += detail;
  }
  return body;
}

// Go's %v for numbers and bools, %q for strings, JSON for everything else.
std::string RenderValue(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return GoQuote(v.get_string());
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::double_: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%g", v.get_double());
      return buf;
    }
    case json::kind::null: return "null";
    default: return json::serialize(v);
  }
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through like Go's printable runes
        }
    }
  }
  return out + "\"";
}

Cause InvalidCause(std::string field, std::string_view value, std::string_view detail) {
  return {"FieldValueInvalid", WithDetail("Invalid value: " + GoQuote(value), detail),
          std::move(field)};
}

Cause InvalidCause(std::string field, const json::value& value, std::string_view detail) {
  return {"FieldValueInvalid", WithDetail("Invalid value: " + RenderValue(value), detail),
          std::move(field)};
}

Cause RequiredCause(std::string field, std::string_view detail) {
  return {"FieldValueRequired", WithDetail("Required value", detail), std::move(field)};
}

Cause ForbiddenCause(std::string field, std::string_view detail) {
  return {"FieldValueForbidden", WithDetail("Forbidden", detail), std::move(field)};
}

Cause TooLongCause(std::string field, int64_t max_bytes) {
  std::string detail = "may not be more than " + std::to_string(max_bytes) +
                       (max_bytes == 1 ? " byte" : " bytes");
  return {"FieldValueTooLong", WithDetail("Too long", detail), std::move(field)};
}

Cause DuplicateCause(std::string field, const json::value& value) {
  return {"FieldValueDuplicate", "Duplicate value: " + RenderValue(value), std::move(field)};
}

Cause NotSupportedCause(std::string field, const json::value& value,
                        const std::vector<std::string>& supported) {
  std::string detail;
  for (size_t i = 0; i < supported.size(); ++i) {
    if (i) detail += ", ";
    detail += GoQuote(supported[i]);
  }
  if (!detail.empty()) detail = "supported values: " + detail;
  return {"FieldValueNotSupported", WithDetail("Unsupported value: " + RenderValue(value), detail),
          std::move(field)};
}

void AppendInvalid(std::vector<Cause>* out, const std::string& field, std::string_view value,
                   const std::vector<std::string>& messages) {
  for (const auto& m : messages) out->push_back(InvalidCause(field, value, m));
}

}  // namespace berth::api::validation
