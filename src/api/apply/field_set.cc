#include "api/apply/field_set.h"

namespace berth::api::apply {

void FieldSet::Insert(const Path& path) {
  FieldSet* node = this;
  for (const PathElement& e : path) node = &node->children_[e];
  node->member_ = true;
}

bool FieldSet::Has(const Path& path) const {
  const FieldSet* node = this;
  for (const PathElement& e : path) {
    auto it = node->children_.find(e);
    if (it == node->children_.end()) return false;
    node = &it->second;
  }
  return node->member_;
}

bool FieldSet::HasAtOrBelow(const Path& path) const {
  const FieldSet* node = this;
  for (const PathElement& e : path) {
    auto it = node->children_.find(e);
    if (it == node->children_.end()) return false;
    node = &it->second;
  }
  return !node->Empty();
}

size_t FieldSet::Size() const {
  size_t n = member_ ? 1 : 0;
  for (const auto& [e, child] : children_) n += child.Size();
  return n;
}

FieldSet FieldSet::Union(const FieldSet& other) const {
  FieldSet out = *this;
  out.member_ = member_ || other.member_;
  for (const auto& [e, child] : other.children_) {
    auto it = out.children_.find(e);
    if (it == out.children_.end()) {
      out.children_.emplace(e, child);
    } else {
      it->second = it->second.Union(child);
    }
  }
  return out;
}

FieldSet FieldSet::Difference(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && !other.member_;
  for (const auto& [e, child] : children_) {
    auto it = other.children_.find(e);
    FieldSet sub = it == other.children_.end() ? child : child.Difference(it->second);
    if (!sub.Empty()) out.children_.emplace(e, std::move(sub));
  }
  return out;
}

FieldSet FieldSet::Intersection(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && other.member_;
  for (const auto& [e, child] : children_) {
    auto it = other.children_.find(e);
    if (it == other.children_.end()) continue;
    FieldSet sub = child.Intersection(it->second);
    if (!sub.Empty()) out.children_.emplace(e, std::move(sub));
  }
  return out;
}

FieldSet FieldSet::RecursiveDifference(const FieldSet& other) const {
  FieldSet out;
  if (other.member_) return out;
  out.member_ = member_;
  for (const auto& [e, child] : children_) {
    auto it = other.children_.find(e);
    FieldSet sub = it == other.children_.end() ? child : child.RecursiveDifference(it->second);
    if (!sub.Empty()) out.children_.emplace(e, std::move(sub));
  }
  return out;
}

FieldSet FieldSet::Subtree(const Path& prefix) const {
  const FieldSet* node = this;
  for (const PathElement& e : prefix) {
    auto it = node->children_.find(e);
    if (it == node->children_.end()) return {};
    node = &it->second;
  }
  FieldSet out;
  FieldSet* dst = &out;
  for (const PathElement& e : prefix) dst = &dst->children_[e];
  *dst = *node;
  return out;
}

void FieldSet::ForEach(const std::function<void(const Path&)>& fn) const {
  Path prefix;
  ForEachFrom(&prefix, fn);
}

void FieldSet::ForEachFrom(Path* prefix, const std::function<void(const Path&)>& fn) const {
  if (member_) fn(*prefix);
  for (const auto& [e, child] : children_) {
    prefix->push_back(e);
    child.ForEachFrom(prefix, fn);
    prefix->pop_back();
  }
}

json::value FieldSet::ToFieldsV1() const {
  json::object out;
  // A member with members below it is written as "." inside its own object.
  if (member_ && !children_.empty()) out.emplace(".", json::object());
  for (const auto& [e, child] : children_) out.emplace(e.ToFieldsV1(), child.ToFieldsV1());
  return out;
}

Status FieldSet::Decode(const json::object& obj, FieldSet* node) {
  if (obj.empty()) {
    node->member_ = true;
    return Status::Ok();
  }
  for (const auto& kv : obj) {
    const std::string name(kv.key());
    if (!kv.value().is_object()) {
      return BadRequest("invalid FieldsV1: value of \"" + name + "\" is not an object");
    }
    if (name == ".") {
      node->member_ = true;
      continue;
    }
    PathElement e;
    if (!PathElement::FromFieldsV1(name, &e)) {
      return BadRequest("invalid FieldsV1: malformed path element \"" + name + "\"");
    }
    BERTH_RETURN_IF_ERROR(Decode(kv.value().get_object(), &node->children_[e]));
  }
  return Status::Ok();
}

StatusOr<FieldSet> FieldSet::FromFieldsV1(const json::value& v) {
  if (!v.is_object()) return BadRequest("invalid FieldsV1: not an object");
  FieldSet out;
  // The root object is the set of top-level fields; an empty root is an empty set.
  for (const auto& kv : v.get_object()) {
    const std::string name(kv.key());
    if (!kv.value().is_object()) {
      return BadRequest("invalid FieldsV1: value of \"" + name + "\" is not an object");
    }
    PathElement e;
    if (name == "." || !PathElement::FromFieldsV1(name, &e)) {
      return BadRequest("invalid FieldsV1: malformed path element \"" + name + "\"");
    }
    BERTH_RETURN_IF_ERROR(Decode(kv.value().get_object(), &out.children_[e]));
  }
  return out;
}

}  // namespace berth::api::apply
