#include "api/openapi/components.h"

namespace berth::api::openapi {

json::object Ref(const std::string& name) {
  json::object o;
  o["$ref"] = std::string(kRefPrefix) + name;
  return o;
}

namespace {

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object AllOf(json::object ref) {
  json::object o;
  json::array arr;
  arr.emplace_back(std::move(ref));
  o["allOf"] = std::move(arr);
  return o;
}

void AddListExtensions(const Schema& s, json::object& o) {
  switch (s.list_type) {
    case ListType::kMap:
      o["x-kubernetes-list-type"] = "map";
      if (!s.merge_keys.empty()) {
        o["x-kubernetes-list-map-keys"] = Strings(s.merge_keys);
        o["x-kubernetes-patch-merge-key"] = s.merge_keys.front();
      }
      o["x-kubernetes-patch-strategy"] = s.retain_keys ? "merge,retainKeys" : "merge";
      break;
    case ListType::kSet:
      o["x-kubernetes-list-type"] = "set";
      o["x-kubernetes-patch-strategy"] = "merge";
      break;
    case ListType::kAtomic:
      o["x-kubernetes-list-type"] = "atomic";
      break;
  }
}

void AddBounds(const Schema& s, json::object& o) {
  if (s.minimum) o["minimum"] = *s.minimum;
  if (s.maximum) o["maximum"] = *s.maximum;
}

}  // namespace

json::object* ComponentSet::Find(const std::string& name) {
  auto it = components_.find(name);
  return it == components_.end() ? nullptr : &it->second;
}

void ComponentSet::AddRaw(const std::string& name, json::object body) {
  components_.emplace(name, std::move(body));
}

json::object& ComponentSet::AddNamed(const std::string& name, const Schema& schema) {
  auto it = components_.find(name);
  if (it != components_.end()) return it->second;
  // Insert a placeholder first so self-referencing types terminate.
  components_[name] = json::object();
  json::object body = ObjectBody(schema);
  json::object& slot = components_[name];
  slot = std::move(body);
  return slot;
}

std::string ComponentSet::EnsureNamed(const Schema& schema) {
  AddNamed(schema.name, schema);
  return schema.name;
}

void ComponentSet::EnsureIntOrString() {
  if (Has(kIntOrStringName)) return;
  json::object o;
  o["description"] =
      "A value that is either a 32-bit integer or a string (for example a port number or a "
      "named port, a count or a percentage).";
  o["format"] = "int-or-string";
  json::array one_of;
  one_of.emplace_back(json::object{{"type", "integer"}});
  one_of.emplace_back(json::object{{"type", "string"}});
  o["oneOf"] = std::move(one_of);
  o["x-kubernetes-int-or-string"] = true;
  AddRaw(kIntOrStringName, std::move(o));
}

void ComponentSet::EnsureQuantity() {
  if (Has(kQuantityName)) return;
  json::object o;
  o["description"] =
      "A fixed-point amount written as a number with an optional suffix: binary (Ki, Mi, Gi, "
      "Ti, Pi, Ei), decimal (m, k, M, G, T, P, E) or a decimal exponent (1e3). Examples: "
      "\"500m\" CPU, \"128Mi\" memory.";
  json::array one_of;
  one_of.emplace_back(json::object{{"type", "string"}});
  one_of.emplace_back(json::object{{"type", "number"}});
  o["oneOf"] = std::move(one_of);
  AddRaw(kQuantityName, std::move(o));
}

json::object ComponentSet::ObjectBody(const Schema& s) {
  json::object o;
  if (!s.description.empty()) o["description"] = s.description;
  json::object props;
  json::array required;
  for (const Field& f : s.fields) {
    if (!f.schema) continue;
    props[f.name] = FieldSchema(f);
    if (f.required) required.emplace_back(f.name);
  }
  if (!props.empty()) o["properties"] = std::move(props);
  if (!required.empty()) o["required"] = std::move(required);
  o["type"] = "object";
  if (s.atomic) o["x-kubernetes-map-type"] = "atomic";
  return o;
}

json::object ComponentSet::ValueSchema(const Schema& s) {
  json::object o;
  switch (s.type) {
    case Type::kObject:
      if (!s.name.empty()) return Ref(EnsureNamed(s));
      return ObjectBody(s);
    case Type::kMap: {
      o["type"] = "object";
      if (s.items) {
        json::object v = ValueSchema(*s.items);
        if (s.items->type == Type::kObject && !s.items->name.empty()) {
          v = AllOf(std::move(v));
          v["default"] = json::object();
        }
        o["additionalProperties"] = std::move(v);
      } else {
        o["x-kubernetes-preserve-unknown-fields"] = true;
      }
      return o;
    }
    case Type::kArray: {
      json::object items;
      if (s.items) {
        items = ValueSchema(*s.items);
        if (s.items->type == Type::kObject && !s.items->name.empty()) {
          items = AllOf(std::move(items));
          items["default"] = json::object();
        }
      } else {
        items["x-kubernetes-preserve-unknown-fields"] = true;
      }
      o["items"] = std::move(items);
      o["type"] = "array";
      AddListExtensions(s, o);
      return o;
    }
    case Type::kString:
      o["type"] = "string";
      if (!s.format.empty()) o["format"] = s.format;
      if (!s.enum_values.empty()) o["enum"] = Strings(s.enum_values);
      return o;
    case Type::kInteger:
      o["type"] = "integer";
      o["format"] = s.format.empty() ? "int64" : s.format;
      AddBounds(s, o);
      return o;
    case Type::kNumber:
      o["type"] = "number";
      o["format"] = s.format.empty() ? "double" : s.format;
      AddBounds(s, o);
      return o;
    case Type::kBoolean:
      o["type"] = "boolean";
      return o;
    case Type::kIntOrString:
      EnsureIntOrString();
      return Ref(kIntOrStringName);
    case Type::kQuantity:
      EnsureQuantity();
      return Ref(kQuantityName);
    case Type::kTime:
      o["type"] = "string";
      o["format"] = "date-time";
      return o;
    case Type::kBytes:
      o["type"] = "string";
      o["format"] = "byte";
      return o;
    case Type::kAny:
      o["type"] = "object";
      o["x-kubernetes-preserve-unknown-fields"] = true;
      return o;
  }
  return o;
}

json::object ComponentSet::FieldSchema(const Field& f) {
  const Schema& s = *f.schema;
  json::object o = ValueSchema(s);
  if (o.contains("$ref")) {
    o = AllOf(std::move(o));
    if (s.type == Type::kObject) o["default"] = json::object();
  }
  const std::string& d = f.description.empty() ? s.description : f.description;
  if (!d.empty()) o["description"] = d;
  if (s.type == Type::kObject && s.retain_keys) o["x-kubernetes-patch-strategy"] = "retainKeys";
  return o;
}

json::object ComponentSet::ToJson() const {
  json::object out;
  for (const auto& [name, body] : components_) out[name] = body;
  return out;
}

}  // namespace berth::api::openapi
