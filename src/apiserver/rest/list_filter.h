// ListFilter: the labelSelector and fieldSelector of a list or watch request,
// compiled once and matched against objects.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "api/resource.h"
#include "apiserver/http/request.h"
#include "common/status.h"

namespace berth::apiserver {

class ListFilter {
 public:
  // 400 BadRequest for a malformed selector or an unsupported field label.
  static StatusOr<ListFilter> FromRequest(const Request& req, const api::ResourceType& t);
  bool Matches(const boost::json::object& obj) const;
  bool empty() const { return !label_ && !field_; }
  // metadata.name=<x> when the field selector pins one name (fast path).
  const std::optional<std::string>& exact_name() const { return exact_name_; }

 private:
  struct Label;
  struct Field;
  std::shared_ptr<const Label> label_;
  std::shared_ptr<const Field> field_;
  std::optional<std::string> exact_name_;
  const api::ResourceType* type_ = nullptr;
};

}  // namespace berth::apiserver
