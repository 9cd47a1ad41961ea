// Components: turns berth Schema trees into OpenAPI v3 `components.schemas`
// entries the way kube-apiserver lays them out, so `kubectl explain` and
// kubectl's OpenAPI-driven logic read them like the real thing:
//   * every named object type (Schema::name) becomes one component, referenced
//     from fields as {"allOf":[{"$ref":"#/components/schemas/<name>"}], "description":...};
//   * int-or-string and quantity fields reference the shared
//     io.k8s.apimachinery.pkg.util.intstr.IntOrString / ...api.resource.Quantity components;
//   * kAny is {"x-kubernetes-preserve-unknown-fields": true};
//   * lists carry x-kubernetes-list-type / -list-map-keys / -patch-merge-key /
//     -patch-strategy; retainKeys objects get x-kubernetes-patch-strategy on the field.
//
// Not thread-safe (a builder used by one document generation at a time).
// Never throws.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>

#include "api/schema/schema.h"

namespace berth::api::openapi {

namespace json = boost::json;

inline constexpr const char* kIntOrStringName = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
inline constexpr const char* kQuantityName = "io.k8s.apimachinery.pkg.api.resource.Quantity";
inline constexpr const char* kRefPrefix = "#/components/schemas/";

// {"$ref":"#/components/schemas/<name>"}
json::object Ref(const std::string& name);

class ComponentSet {
 public:
  // Adds the named object `schema` (and every named type it reaches) as a
  // component called `name` (normally schema.name). The first definition of a
  // name wins. Returns the component so the caller can add extensions (GVK).
  json::object& AddNamed(const std::string& name, const Schema& schema);

  // Adds a hand-written component (meta types). The first definition wins.
  void AddRaw(const std::string& name, json::object body);

  bool Has(const std::string& name) const { return components_.count(name) > 0; }
  json::object* Find(const std::string& name);

  // The OpenAPI schema for a value of type `schema` used at a property,
  // array item or map value position (no description attached).
  json::object ValueSchema(const Schema& schema);

  // The OpenAPI schema for a field, with its description and field-level
  // extensions (patch strategy).
  json::object FieldSchema(const Field& field);

  // All components, sorted by name (as kube-apiserver emits them).
  json::object ToJson() const;

 private:
  json::object ObjectBody(const Schema& schema);
  // Ensures the component for a named object exists; returns its name.
  std::string EnsureNamed(const Schema& schema);
  void EnsureIntOrString();
  void EnsureQuantity();

  std::map<std::string, json::object> components_;
};

}  // namespace berth::api::openapi
