#include "api/apply/owned_fields_filter.h"

namespace berth::api::apply {

namespace {

Path P(std::initializer_list<const char*> names) {
  Path out;
  for (const char* n : names) out.push_back(PathElement::Field(n));
  return out;
}

const FieldSet& NeverOwnedSubtrees() {
  static const FieldSet set = [] {
    FieldSet s;
    for (const char* f :
         {"managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink",
          "deletionTimestamp", "deletionGracePeriodSeconds"}) {
      s.Insert(P({"metadata", f}));
    }
    return s;
  }();
  return set;
}

const FieldSet& NeverOwnedExact() {
  static const FieldSet set = [] {
    FieldSet s;
    s.Insert(P({"apiVersion"}));
    s.Insert(P({"kind"}));
    s.Insert(P({"metadata"}));
    s.Insert(P({"metadata", "name"}));
    s.Insert(P({"metadata", "namespace"}));
    return s;
  }();
  return set;
}

}  // namespace

FieldSet FilterOwnable(const FieldSet& fields, const std::string& subresource) {
  FieldSet out = fields.RecursiveDifference(NeverOwnedSubtrees()).Difference(NeverOwnedExact());
  if (subresource == "status") return out.Subtree(P({"status"}));
  FieldSet status;
  status.Insert(P({"status"}));
  return out.RecursiveDifference(status);
}

}  // namespace berth::api::apply
