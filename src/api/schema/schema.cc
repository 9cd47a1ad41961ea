#include "api/schema/schema.h"

namespace berth::api {

const Field* Schema::FindField(const std::string& field_name) const {
  for (const Field& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

namespace {
SchemaPtr Scalar(Type t, std::string description, std::string format = {}) {
  auto s = std::make_shared<Schema>();
  s->type = t;
  s->description = std::move(description);
  s->format = std::move(format);
  return s;
}
}  // namespace

SchemaPtr String(std::string d) { return Scalar(Type::kString, std::move(d)); }
SchemaPtr Enum(std::vector<std::string> values, std::string d) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kString;
  s->description = std::move(d);
  s->enum_values = std::move(values);
  return s;
}
SchemaPtr Int32(std::string d) { return Scalar(Type::kInteger, std::move(d), "int32"); }
SchemaPtr Int64(std::string d) { return Scalar(Type::kInteger, std::move(d), "int64"); }
SchemaPtr Number(std::string d) { return Scalar(Type::kNumber, std::move(d), "double"); }
SchemaPtr Bool(std::string d) { return Scalar(Type::kBoolean, std::move(d)); }
SchemaPtr IntOrString(std::string d) { return Scalar(Type::kIntOrString, std::move(d), "int-or-string"); }
SchemaPtr Quantity(std::string d) { return Scalar(Type::kQuantity, std::move(d)); }
SchemaPtr Time(std::string d) { return Scalar(Type::kTime, std::move(d), "date-time"); }
SchemaPtr Bytes(std::string d) { return Scalar(Type::kBytes, std::move(d), "byte"); }
SchemaPtr Any(std::string d) { return Scalar(Type::kAny, std::move(d)); }

SchemaPtr MapOf(SchemaPtr value, std::string d) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kMap;
  s->items = std::move(value);
  s->description = std::move(d);
  return s;
}
SchemaPtr StringMap(std::string d) { return MapOf(String(), std::move(d)); }

SchemaPtr ListOf(SchemaPtr item, std::string d) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kArray;
  s->items = std::move(item);
  s->description = std::move(d);
  return s;
}
SchemaPtr ListMap(SchemaPtr item, std::vector<std::string> keys, std::string d) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kArray;
  s->items = std::move(item);
  s->list_type = ListType::kMap;
  s->merge_keys = std::move(keys);
  s->description = std::move(d);
  return s;
}
SchemaPtr ListSet(SchemaPtr item, std::string d) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kArray;
  s->items = std::move(item);
  s->list_type = ListType::kSet;
  s->description = std::move(d);
  return s;
}
SchemaPtr Object(std::string name, std::string d, std::vector<Field> fields, bool retain_keys) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kObject;
  s->name = std::move(name);
  s->description = std::move(d);
  s->fields = std::move(fields);
  s->retain_keys = retain_keys;
  return s;
}

Field F(std::string name, SchemaPtr schema, std::string d, int tag) {
  Field f;
  f.name = std::move(name);
  f.schema = std::move(schema);
  f.description = std::move(d);
  f.proto_tag = tag;
  return f;
}
Field Req(std::string name, SchemaPtr schema, std::string d, int tag) {
  Field f = F(std::move(name), std::move(schema), std::move(d), tag);
  f.required = true;
  return f;
}

}  // namespace berth::api
