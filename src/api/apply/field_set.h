// FieldSet: a set of field paths stored as a tree (one node per path prefix),
// the ownership unit of server-side apply. Serialises to and from the FieldsV1
// JSON of metadata.managedFields, where a node that is itself a member and also
// has members below it carries a "." entry:
//   {"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}
// Value type, not thread-safe for concurrent mutation; never throws.
#pragma once

#include <functional>
#include <map>

#include "api/apply/path_element.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::api::apply {

class FieldSet {
 public:
  FieldSet() = default;

  void Insert(const Path& path);
  // True when `path` itself is a member.
  bool Has(const Path& path) const;
  // True when `path` or any path below it is a member.
  bool HasAtOrBelow(const Path& path) const;
  bool Empty() const { return !member_ && children_.empty(); }
  size_t Size() const;

  FieldSet Union(const FieldSet& other) const;
  // Members of this set that are not members of `other` (exact paths).
  FieldSet Difference(const FieldSet& other) const;
  FieldSet Intersection(const FieldSet& other) const;
  // Members of this set that are neither members of `other` nor below one.
  FieldSet RecursiveDifference(const FieldSet& other) const;
  // Only the members at or below `prefix` (keeping their full paths).
  FieldSet Subtree(const Path& prefix) const;

  // Visits every member in sorted order.
  void ForEach(const std::function<void(const Path&)>& fn) const;

  json::value ToFieldsV1() const;
  // 400 BadRequest when `v` is not a FieldsV1 tree.
  static StatusOr<FieldSet> FromFieldsV1(const json::value& v);

  friend bool operator==(const FieldSet& a, const FieldSet& b) {
    return a.member_ == b.member_ && a.children_ == b.children_;
  }

 private:
  void ForEachFrom(Path* prefix, const std::function<void(const Path&)>& fn) const;
  static Status Decode(const json::object& obj, FieldSet* node);

  bool member_ = false;  // the path leading to this node is in the set
  std::map<PathElement, FieldSet> children_;
};

}  // namespace berth::api::apply
