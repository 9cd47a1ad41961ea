#include "api/kinds/apps/field_errors.h"

#include <algorithm>
#include <cstdio>

#include "api/kinds/apps/object_access.h"

namespace berth::api::workload {

Cause RequiredCause(std::string path, std::string_view detail) {
  std::string msg = "Required value";
  if (!detail.empty()) msg += ": " + std::string(detail);
  return Cause{"FieldValueRequired", std::move(msg), std::move(path)};
}

Cause InvalidCause(std::string path, std::string value_text, std::string_view detail) {
  std::string msg = "Invalid value: " + value_text;
  if (!detail.empty()) msg += ": " + std::string(detail);
  return Cause{"FieldValueInvalid", std::move(msg), std::move(path)};
}

Cause NotSupportedCause(std::string path, std::string_view value,
                        const std::vector<std::string>& supported) {
  std::string msg = "Unsupported value: " + GoQuote(value);
  if (!supported.empty()) {
    msg += ": supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      if (i > 0) msg += ", ";
      msg += GoQuote(supported[i]);
    }
  }
  return Cause{"FieldValueNotSupported", std::move(msg), std::move(path)};
}

Cause ForbiddenCause(std::string path, std::string_view detail) {
  return Cause{"FieldValueForbidden", "Forbidden: " + std::string(detail), std::move(path)};
}

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
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string GoValue(const json::value& v) {
  if (v.is_string()) return GoQuote(v.get_string());
  if (v.is_null()) return "null";
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return json::serialize(v);
}

namespace {

std::string GoStringSlice(const json::value* v) {
  if (v == nullptr || !v->is_array()) return "[]string(nil)";
  std::string out = "[]string{";
  bool first = true;
  for (const json::value& e : v->get_array()) {
    if (!first) out += ", ";
    first = false;
    out += e.is_string() ? GoQuote(e.get_string()) : GoQuote(json::serialize(e));
  }
  return out + "}";
}

}  // namespace

std::string GoStringMap(const json::value* m) {
  if (m == nullptr || !m->is_object()) return "map[string]string(nil)";
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& kv : m->get_object()) {
    std::string val = kv.value().is_string() ? std::string(kv.value().get_string())
                                             : json::serialize(kv.value());
    entries.emplace_back(std::string(kv.key()), std::move(val));
  }
  std::sort(entries.begin(), entries.end());
  std::string out = "map[string]string{";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ", ";
    out += GoQuote(entries[i].first) + ":" + GoQuote(entries[i].second);
  }
  return out + "}";
}

std::string GoLabelSelector(const json::value* selector) {
  const json::object* sel = selector != nullptr && selector->is_object() ? &selector->get_object()
                                                                          : nullptr;
  const json::value* labels = nullptr;
  const json::value* exprs = nullptr;
  if (sel != nullptr) {
    if (auto it = sel->find("matchLabels"); it != sel->end()) labels = &it->value();
    if (auto it = sel->find("matchExpressions"); it != sel->end()) exprs = &it->value();
  }
  std::string out = "v1.LabelSelector{MatchLabels:" + GoStringMap(labels) + ", MatchExpressions:";
  if (exprs == nullptr || !exprs->is_array()) {
    out += "[]v1.LabelSelectorRequirement(nil)";
  } else {
    out += "[]v1.LabelSelectorRequirement{";
    bool first = true;
    for (const json::value& e : exprs->get_array()) {
      if (!first) out += ", ";
      first = false;
      const json::object empty;
      const json::object& r = e.is_object() ? e.get_object() : empty;
      const json::value* values = nullptr;
      if (auto it = r.find("values"); it != r.end()) values = &it->value();
      out += "v1.LabelSelectorRequirement{Key:" + GoQuote(StrAt(r, "key")) +
             ", Operator:" + GoQuote(StrAt(r, "operator")) + ", Values:" + GoStringSlice(values) +
             "}";
    }
    out += "}";
  }
  return out + "}";
}

void CheckNonNegative(const json::object& parent, std::string_view key, const std::string& path,
                      std::vector<Cause>& out) {
  std::optional<int64_t> v = IntAt(parent, key);
  if (v && *v < 0) out.push_back(InvalidCause(path, std::to_string(*v), kNegativeMsg));
}

void CheckImmutable(const json::object& now, const json::object& old, std::string_view key,
                    const std::string& path, std::vector<Cause>& out) {
  auto a = now.find(key);
  auto b = old.find(key);
  const json::value null_value;
  const json::value& va = a == now.end() ? null_value : a->value();
  const json::value& vb = b == old.end() ? null_value : b->value();
  if (va != vb) out.push_back(InvalidCause(path, GoValue(va), kImmutableMsg));
}

}  // namespace berth::api::workload
