#include "api/protobuf/message_decoder.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "api/protobuf/base64.h"
#include "api/protobuf/wire_reader.h"
#include "common/clock.h"

namespace berth::api::protobuf {
namespace {

constexpr int kMaxDepth = 100;

// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z since the epoch:
// the range RFC 3339 (and Go's time.Time text form) can express.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

Status Malformed(const std::string& path, const std::string& what) {
  return BadRequest("invalid protobuf body at " + (path.empty() ? std::string("<root>") : path) +
                    ": " + what);
}

std::string Join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

bool IsPackable(Type t) {
  return t == Type::kInteger || t == Type::kBoolean || t == Type::kNumber;
}

// The JSON value of a type whose wire value is absent (map entries without a
// value field), matching what Go would print for the zero value.
json::value ZeroValue(const Schema& s) {
  switch (s.type) {
    case Type::kObject:
    case Type::kMap:
      return json::object();
    case Type::kArray:
      return json::array();
    case Type::kInteger:
    case Type::kIntOrString:
      return int64_t{0};
    case Type::kNumber:
      return 0.0;
    case Type::kBoolean:
      return false;
    case Type::kQuantity:
      return "0";
    case Type::kAny:
    case Type::kTime:
      return nullptr;
    case Type::kString:
    case Type::kBytes:
      return "";
  }
  return nullptr;
}

class Decoder {
 public:
  StatusOr<json::object> Object(std::string_view bytes, const Schema& schema,
                                const std::string& path, int depth);

 private:
  // Decodes the fields of `schema` into `out`. With `embedded_in` 0 these are
  // the message's own fields; otherwise `bytes` is the Go-embedded struct at
  // that tag and only fields with proto_embedded_in == embedded_in match.
  Status Fields(std::string_view bytes, const Schema& schema, int embedded_in,
                const std::string& path, int depth, json::object& out);
  // Decodes one wire value of schema `s`. `keep_empty` is set inside lists
  // and maps, where "" is data rather than an unset Go field. An empty
  // optional means "leave the field out".
  StatusOr<std::optional<json::value>> Value(const Schema& s, WireType wire, WireReader& r,
                                             const std::string& path, int depth, bool keep_empty);
  // Appends one occurrence of a repeated field (packed scalars add several).
  Status AppendElement(const Schema& items, WireType wire, WireReader& r, json::array& out,
                       const std::string& path, int depth);
  Status MapEntry(std::string_view bytes, const Schema& value_schema, json::object& out,
                  const std::string& path, int depth);
  StatusOr<json::value> IntOrString(std::string_view bytes, const std::string& path);
  StatusOr<json::value> QuantityText(std::string_view bytes, const std::string& path);
  StatusOr<std::optional<json::value>> TimeText(std::string_view bytes, const std::string& path);
  StatusOr<std::optional<json::value>> RawJson(std::string_view bytes, const std::string& path);
  StatusOr<json::array> WrappedList(std::string_view bytes, const Schema& list,
                                    const std::string& path, int depth);
};

StatusOr<json::object> Decoder::Object(std::string_view bytes, const Schema& schema,
                                       const std::string& path, int depth) {
  if (depth > kMaxDepth) return Malformed(path, "messages nested too deeply");
  json::object out;
  BERTH_RETURN_IF_ERROR(Fields(bytes, schema, 0, path, depth, out));
  return out;
}

Status Decoder::Fields(std::string_view bytes, const Schema& schema, int embedded_in,
                       const std::string& path, int depth, json::object& out) {
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad field key");
    const Field* field = nullptr;
    bool is_embedding = false;  // `number` holds a Go-embedded struct of this message
    for (const Field& f : schema.fields) {
      if (f.proto_embedded_in == embedded_in && f.proto_tag == number && f.schema) {
        field = &f;
        break;
      }
      is_embedding = is_embedding || (embedded_in == 0 && f.proto_embedded_in == number);
    }
    if (field == nullptr && is_embedding && wire == WireType::kLengthDelimited) {
      std::string_view embedded;
      if (!r.ReadLengthDelimited(&embedded)) return Malformed(path, "truncated embedded struct");
      BERTH_RETURN_IF_ERROR(Fields(embedded, schema, number, path, depth + 1, out));
      continue;
    }
    if (field == nullptr) {
      if (!r.Skip(wire)) {
        return Malformed(path, "cannot skip field " + std::to_string(number));
      }
      continue;
    }
    const Schema& fs = *field->schema;
    const std::string field_path = Join(path, field->name);
    if (fs.type == Type::kArray) {
      if (!fs.items) {
        if (!r.Skip(wire)) return Malformed(field_path, "truncated");
        continue;
      }
      json::value& slot = out[field->name];
      if (!slot.is_array()) slot = json::array();
      BERTH_RETURN_IF_ERROR(AppendElement(*fs.items, wire, r, slot.as_array(), field_path, depth));
      continue;
    }
    if (fs.type == Type::kMap) {
      if (wire != WireType::kLengthDelimited) return Malformed(field_path, "map entry expected");
      std::string_view entry;
      if (!r.ReadLengthDelimited(&entry)) return Malformed(field_path, "truncated map entry");
      json::value& slot = out[field->name];
      if (!slot.is_object()) slot = json::object();
      if (!fs.items) continue;
      BERTH_RETURN_IF_ERROR(MapEntry(entry, *fs.items, slot.as_object(), field_path, depth));
      continue;
    }
    auto v = Value(fs, wire, r, field_path, depth, /*keep_empty=*/false);
    if (!v.ok()) return v.status();
    if (v->has_value()) {
      out[field->name] = std::move(**v);
    } else {
      out.erase(field->name);  // a later empty occurrence overrides an earlier one
    }
  }
  return Status::Ok();
}

Status Decoder::AppendElement(const Schema& items, WireType wire, WireReader& r,
                              json::array& out, const std::string& path, int depth) {
  const std::string elem_path = path + "[" + std::to_string(out.size()) + "]";
  if (IsPackable(items.type) && wire == WireType::kLengthDelimited) {
    std::string_view packed;
    if (!r.ReadLengthDelimited(&packed)) return Malformed(elem_path, "truncated packed list");
    WireReader pr(packed);
    const WireType elem_wire = items.type != Type::kNumber ? WireType::kVarint
                               : items.format == "float" ? WireType::kFixed32
                                                         : WireType::kFixed64;
    while (!pr.AtEnd()) {
      auto v = Value(items, elem_wire, pr, elem_path, depth, /*keep_empty=*/true);
      if (!v.ok()) return v.status();
      out.push_back(v->has_value() ? std::move(**v) : ZeroValue(items));
    }
    return Status::Ok();
  }
  if (items.type == Type::kMap) {
    // Kubernetes never puts a bare map inside a list; skip rather than guess.
    if (!r.Skip(wire)) return Malformed(elem_path, "truncated");
    return Status::Ok();
  }
  auto v = Value(items, wire, r, elem_path, depth, /*keep_empty=*/true);
  if (!v.ok()) return v.status();
  // Elements must not vanish (that would shift indices); a skipped kAny
  // element becomes null, as Go's RawExtension without data prints.
  out.push_back(v->has_value() ? std::move(**v) : ZeroValue(items));
  return Status::Ok();
}

Status Decoder::MapEntry(std::string_view bytes, const Schema& value_schema, json::object& out,
                         const std::string& path, int depth) {
  std::string key;
  std::optional<json::value> value;
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad map entry key");
    if (number == 1) {
      std::string_view k;
      if (wire != WireType::kLengthDelimited || !r.ReadLengthDelimited(&k)) {
        return Malformed(path, "bad map key");
      }
      key.assign(k);
    } else if (number == 2) {
      const std::string value_path = path + "[" + key + "]";
      if (value_schema.type == Type::kMap) {
        if (!r.Skip(wire)) return Malformed(value_path, "truncated");
        continue;
      }
      if (value_schema.type == Type::kArray) {
        // map<string, Wrapper>: Kubernetes wraps list values in a message
        // whose field 1 holds the items (e.g. SubjectAccessReviewSpec.extra).
        std::string_view wrapped;
        if (wire != WireType::kLengthDelimited || !r.ReadLengthDelimited(&wrapped)) {
          return Malformed(value_path, "bad list value");
        }
        auto list = WrappedList(wrapped, value_schema, value_path, depth);
        if (!list.ok()) return list.status();
        value = json::value(std::move(*list));
        continue;
      }
      auto v = Value(value_schema, wire, r, value_path, depth, /*keep_empty=*/true);
      if (!v.ok()) return v.status();
      value = std::move(*v);
    } else if (!r.Skip(wire)) {
      return Malformed(path, "truncated map entry");
    }
  }
  out[key] = value.has_value() ? std::move(*value) : ZeroValue(value_schema);
  return Status::Ok();
}

StatusOr<json::array> Decoder::WrappedList(std::string_view bytes, const Schema& list,
                                           const std::string& path, int depth) {
  json::array out;
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad field key");
    if (number == 1 && list.items) {
      BERTH_RETURN_IF_ERROR(AppendElement(*list.items, wire, r, out, path, depth + 1));
    } else if (!r.Skip(wire)) {
      return Malformed(path, "truncated");
    }
  }
  return out;
}

StatusOr<std::optional<json::value>> Decoder::Value(const Schema& s, WireType wire,
                                                    WireReader& r, const std::string& path,
                                                    int depth, bool keep_empty) {
  auto want = [&](WireType expected) -> Status {
    if (wire == expected) return Status::Ok();
    return Malformed(path, "wire type " + std::to_string(static_cast<int>(wire)) +
                               " does not fit the field");
  };
  switch (s.type) {
    case Type::kInteger: {
      BERTH_RETURN_IF_ERROR(want(WireType::kVarint));
      uint64_t raw = 0;
      if (!r.ReadVarint(&raw)) return Malformed(path, "bad varint");
      // int32 and int64 negatives both arrive as 64-bit two's complement;
      // an int32 field keeps only its low 32 bits (as Go's decoder does).
      int64_t v = static_cast<int64_t>(raw);
      if (s.format == "int32") v = static_cast<int32_t>(static_cast<uint32_t>(raw));
      return std::optional<json::value>(v);
    }
    case Type::kBoolean: {
      BERTH_RETURN_IF_ERROR(want(WireType::kVarint));
      uint64_t raw = 0;
      if (!r.ReadVarint(&raw)) return Malformed(path, "bad varint");
      return std::optional<json::value>(raw != 0);
    }
    case Type::kNumber: {
      if (wire == WireType::kFixed64) {
        uint64_t bits = 0;
        if (!r.ReadFixed64(&bits)) return Malformed(path, "truncated double");
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        return std::optional<json::value>(d);
      }
      if (wire == WireType::kFixed32) {
        uint32_t bits = 0;
        if (!r.ReadFixed32(&bits)) return Malformed(path, "truncated float");
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        return std::optional<json::value>(static_cast<double>(f));
      }
      return Malformed(path, "number expected");
    }
    default:
      break;
  }

  // Every remaining type is length-delimited.
  BERTH_RETURN_IF_ERROR(want(WireType::kLengthDelimited));
  std::string_view bytes;
  if (!r.ReadLengthDelimited(&bytes)) return Malformed(path, "truncated length-delimited value");
  switch (s.type) {
    case Type::kString:
      if (bytes.empty() && !keep_empty) return std::optional<json::value>();
      return std::optional<json::value>(json::string(bytes));
    case Type::kBytes:
      if (bytes.empty() && !keep_empty) return std::optional<json::value>();
      return std::optional<json::value>(json::string(Base64Encode(bytes)));
    case Type::kObject: {
      auto obj = Object(bytes, s, path, depth + 1);
      if (!obj.ok()) return obj.status();
      return std::optional<json::value>(std::move(*obj));
    }
    case Type::kArray: {
      auto list = WrappedList(bytes, s, path, depth);
      if (!list.ok()) return list.status();
      return std::optional<json::value>(std::move(*list));
    }
    case Type::kIntOrString: {
      auto v = IntOrString(bytes, path);
      if (!v.ok()) return v.status();
      return std::optional<json::value>(std::move(*v));
    }
    case Type::kQuantity: {
      auto v = QuantityText(bytes, path);
      if (!v.ok()) return v.status();
      return std::optional<json::value>(std::move(*v));
    }
    case Type::kTime:
      return TimeText(bytes, path);
    case Type::kAny:
      return RawJson(bytes, path);
    default:  // kMap outside a field context: nothing sensible to produce
      return std::optional<json::value>();
  }
}

StatusOr<json::value> Decoder::IntOrString(std::string_view bytes, const std::string& path) {
  uint64_t type = 0;
  int64_t int_val = 0;
  std::string str_val;
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad IntOrString");
    uint64_t raw = 0;
    std::string_view text;
    if (number == 1 && wire == WireType::kVarint && r.ReadVarint(&raw)) {
      type = raw;
    } else if (number == 2 && wire == WireType::kVarint && r.ReadVarint(&raw)) {
      int_val = static_cast<int32_t>(static_cast<uint32_t>(raw));
    } else if (number == 3 && wire == WireType::kLengthDelimited &&
               r.ReadLengthDelimited(&text)) {
      str_val.assign(text);
    } else if (number > 3 && r.Skip(wire)) {
      // unknown field: skipped
    } else {
      return Malformed(path, "bad IntOrString");
    }
  }
  if (type == 1) return json::value(json::string(str_val));
  if (type == 0) return json::value(int_val);
  return Malformed(path, "IntOrString type " + std::to_string(type));
}

StatusOr<json::value> Decoder::QuantityText(std::string_view bytes, const std::string& path) {
  std::string text = "0";
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad Quantity");
    std::string_view s;
    if (number == 1 && wire == WireType::kLengthDelimited && r.ReadLengthDelimited(&s)) {
      text.assign(s);
    } else if (number == 1 || !r.Skip(wire)) {
      return Malformed(path, "bad Quantity");
    }
  }
  return json::value(json::string(text));
}

StatusOr<std::optional<json::value>> Decoder::TimeText(std::string_view bytes,
                                                       const std::string& path) {
  // Kubernetes marshals Go's zero time as an empty message; its JSON is null,
  // i.e. the field is left out.
  if (bytes.empty()) return std::optional<json::value>();
  int64_t seconds = 0;
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad Time");
    uint64_t raw = 0;
    if ((number == 1 || number == 2) && wire == WireType::kVarint && r.ReadVarint(&raw)) {
      if (number == 1) seconds = static_cast<int64_t>(raw);
      // Field 2 (nanos) is dropped: Kubernetes' JSON time has second precision.
    } else if (number > 2 && r.Skip(wire)) {
      // unknown field: skipped
    } else {
      return Malformed(path, "bad Time");
    }
  }
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return Malformed(path, "Time out of range");
  const Clock::time_point t{std::chrono::duration_cast<Clock::time_point::duration>(
      std::chrono::seconds(seconds))};
  return std::optional<json::value>(json::string(FormatRfc3339(t)));
}

StatusOr<std::optional<json::value>> Decoder::RawJson(std::string_view bytes,
                                                      const std::string& path) {
  std::string_view raw;
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return Malformed(path, "bad raw message");
    if (number == 1 && wire == WireType::kLengthDelimited) {
      if (!r.ReadLengthDelimited(&raw)) return Malformed(path, "truncated raw message");
    } else if (!r.Skip(wire)) {
      return Malformed(path, "bad raw message");
    }
  }
  if (raw.empty()) return std::optional<json::value>();
  auto parsed = ParseJson(raw);
  if (!parsed.ok()) return std::optional<json::value>();  // not JSON: skipped
  return std::optional<json::value>(std::move(*parsed));
}

}  // namespace

StatusOr<json::object> DecodeMessage(std::string_view bytes, const Schema& schema) {
  if (schema.type != Type::kObject) return InternalError("DecodeMessage needs an object schema");
  Decoder d;
  return d.Object(bytes, schema, "", 0);
}

}  // namespace berth::api::protobuf
