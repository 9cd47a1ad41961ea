#include "api/schema/decode.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace berth::api {

namespace {

// "io.k8s.api.apps.v1.DeploymentSpec" -> {"v1", "DeploymentSpec"}.
std::pair<std::string, std::string> SplitTypeName(const std::string& name) {
  size_t last = name.rfind('.');
  if (last == std::string::npos) return {"", name};
  std::string type = name.substr(last + 1);
  size_t prev = name.rfind('.', last - 1);
  std::string pkg = prev == std::string::npos ? name.substr(0, last)
                                               : name.substr(prev + 1, last - prev - 1);
  return {pkg, type};
}

std::string FormatDouble(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  if (res.ec != std::errc()) return "0";
  return std::string(buf, res.ptr);
}

// How encoding/json names a JSON value that could not be stored.
std::string GoValueName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return "string";
    case json::kind::bool_: return "bool";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "number";
    case json::kind::null: return "null";
  }
  return "value";
}

std::string NumberLiteral(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return FormatDouble(v.get_double());
  return "";
}

bool IsNumber(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

// Whether the number is integral and fits the integer field (Go then reports
// the value as "number <literal>").
bool IntegerFits(const json::value& v, const std::string& format) {
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  if (format == "int32") {
    lo = std::numeric_limits<int32_t>::min();
    hi = std::numeric_limits<int32_t>::max();
  }
  if (v.is_int64()) return v.get_int64() >= lo && v.get_int64() <= hi;
  if (v.is_uint64()) return v.get_uint64() <= static_cast<uint64_t>(hi);
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || std::floor(d) != d) return false;
    return d >= static_cast<double>(lo) && d <= static_cast<double>(hi);
  }
  return false;
}

class Walker {
 public:
  explicit Walker(DecodeIssues& out) : out_(out) {}

  // `path` is the strict-decoding path (with [i] indices); `go_path` the
  // encoding/json field stack (field names only); `go_struct` the Go struct
  // that holds the field being decoded.
  void Walk(const Schema& s, const json::value& v, const std::string& path,
            const std::string& go_path, const std::string& go_struct) {
    if (v.is_null()) return;
    switch (s.type) {
      case Type::kAny:
        return;
      case Type::kObject:
        if (!v.is_object()) return TypeError(s, v, go_path, go_struct, /*number_literal=*/false);
        return WalkObject(s, v.get_object(), path, go_path);
      case Type::kMap:
        if (!v.is_object()) return TypeError(s, v, go_path, go_struct, false);
        if (!s.items) return;
        for (const auto& kv : v.get_object()) {
          Walk(*s.items, kv.value(), Join(path, std::string(kv.key())), go_path, go_struct);
        }
        return;
      case Type::kArray:
        if (!v.is_array()) return TypeError(s, v, go_path, go_struct, false);
        if (!s.items) return;
        {
          const json::array& arr = v.get_array();
          for (size_t i = 0; i < arr.size(); ++i) {
            Walk(*s.items, arr[i], path + "[" + std::to_string(i) + "]", go_path, go_struct);
          }
        }
        return;
      case Type::kString:
      case Type::kTime:
      case Type::kBytes:
        if (!v.is_string()) return TypeError(s, v, go_path, go_struct, false);
        return;
      case Type::kInteger:
        if (!IsNumber(v)) return TypeError(s, v, go_path, go_struct, false);
        if (!IntegerFits(v, s.format)) return TypeError(s, v, go_path, go_struct, true);
        return;
      case Type::kNumber:
        if (!IsNumber(v)) return TypeError(s, v, go_path, go_struct, false);
        return;
      case Type::kBoolean:
        if (!v.is_bool()) return TypeError(s, v, go_path, go_struct, false);
        return;
      case Type::kIntOrString:
        if (v.is_string()) return;
        if (!IsNumber(v)) return TypeError(s, v, go_path, go_struct, false);
        if (!IntegerFits(v, "int32")) return TypeError(s, v, go_path, go_struct, true);
        return;
      case Type::kQuantity:
        if (!v.is_string() && !IsNumber(v)) return TypeError(s, v, go_path, go_struct, false);
        return;
    }
  }

  void WalkRoot(const Schema& s, const json::value& v) {
    if (v.is_null()) return;
    if (s.type == Type::kObject && !v.is_object()) {
      out_.type_errors.push_back("json: cannot unmarshal " + GoValueName(v) +
                                 " into Go value of type " + GoTypeName(s));
      return;
    }
    Walk(s, v, "", "", "");
  }

 private:
  static std::string Join(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
  }

  void WalkObject(const Schema& s, const json::object& obj, const std::string& path,
                  const std::string& go_path) {
    std::string struct_name = SplitTypeName(s.name).second;
    if (struct_name.empty()) struct_name = "struct";
    for (const auto& kv : obj) {
      std::string key(kv.key());
      const Field* f = s.FindField(key);
      if (f == nullptr || !f->schema) {
        out_.unknown_fields.push_back(Join(path, key));
        continue;
      }
      Walk(*f->schema, kv.value(), Join(path, key), Join(go_path, key), struct_name);
    }
  }

  void TypeError(const Schema& s, const json::value& v, const std::string& go_path,
                 const std::string& go_struct, bool number_literal) {
    std::string value = GoValueName(v);
    if (number_literal) value += " " + NumberLiteral(v);
    std::string msg = "json: cannot unmarshal " + value + " into ";
    if (go_path.empty()) {
      msg += "Go value";
    } else {
      msg += "Go struct field " + go_struct + "." + go_path;
    }
    msg += " of type " + GoTypeName(s);
    out_.type_errors.push_back(std::move(msg));
  }

  DecodeIssues& out_;
};

}  // namespace

std::string GoTypeName(const Schema& s) {
  switch (s.type) {
    case Type::kObject: {
      if (s.name.empty()) return "struct";
      auto [pkg, type] = SplitTypeName(s.name);
      return pkg.empty() ? type : pkg + "." + type;
    }
    case Type::kMap:
      return "map[string]" + (s.items ? GoTypeName(*s.items) : std::string("interface {}"));
    case Type::kArray:
      return "[]" + (s.items ? GoTypeName(*s.items) : std::string("interface {}"));
    case Type::kString:
      return "string";
    case Type::kInteger:
      return s.format == "int32" ? "int32" : "int64";
    case Type::kNumber:
      return "float64";
    case Type::kBoolean:
      return "bool";
    case Type::kIntOrString:
      return "intstr.IntOrString";
    case Type::kQuantity:
      return "resource.Quantity";
    case Type::kTime:
      return "v1.Time";
    case Type::kBytes:
      return "[]uint8";
    case Type::kAny:
      return "interface {}";
  }
  return "interface {}";
}

DecodeIssues CheckAgainstSchema(const Schema& schema, const json::value& obj) {
  DecodeIssues issues;
  Walker(issues).WalkRoot(schema, obj);
  return issues;
}

std::string StrictDecodingError(const std::vector<std::string>& unknown,
                                const std::vector<std::string>& duplicates) {
  if (unknown.empty() && duplicates.empty()) return "";
  std::string out = "strict decoding error: ";
  bool first = true;
  auto add = [&](const char* what, const std::string& path) {
    if (!first) out += ", ";
    first = false;
    out += what;
    out += " field \"";
    out += path;
    out += "\"";
  };
  for (const auto& p : unknown) add("unknown", p);
  for (const auto& p : duplicates) add("duplicate", p);
  return out;
}

}  // namespace berth::api
