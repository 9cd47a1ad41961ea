#include "apiserver/rest/list_filter.h"

#include "api/selector/field_selector.h"
#include "api/selector/label_selector.h"
#include "common/json.h"

namespace berth::apiserver {

struct ListFilter::Label {
  api::selector::LabelSelector sel;
};
struct ListFilter::Field {
  api::selector::FieldSelector sel;
};

StatusOr<ListFilter> ListFilter::FromRequest(const Request& req, const api::ResourceType& t) {
  ListFilter f;
  f.type_ = &t;
  if (auto ls = req.Query("labelSelector"); ls && !ls->empty()) {
    auto sel = api::selector::ParseLabelSelector(*ls);
    if (!sel.ok()) return sel.status();
    if (!sel->Empty()) f.label_ = std::make_shared<Label>(Label{std::move(*sel)});
  }
  if (auto fs = req.Query("fieldSelector"); fs && !fs->empty()) {
    auto sel = api::selector::ParseFieldSelector(*fs);
    if (!sel.ok()) return sel.status();
    for (const auto& field : sel->Fields()) {
      if (field == "metadata.name" || field == "metadata.namespace") continue;
      if (!t.selectable_fields.count(field)) {
        return BadRequest("field label not supported: " + field);
      }
    }
    f.exact_name_ = sel->RequiresExactMatch("metadata.name");
    if (!sel->Empty()) f.field_ = std::make_shared<Field>(Field{std::move(*sel)});
  }
  return f;
}

bool ListFilter::Matches(const boost::json::object& obj) const {
  if (label_) {
    static const boost::json::object kEmpty;
    const boost::json::value* labels = GetPath(obj, {"metadata", "labels"});
    const boost::json::object* lo = labels ? labels->if_object() : nullptr;
    if (!label_->sel.Matches(lo ? *lo : kEmpty)) return false;
  }
  if (field_) {
    auto get = [&](std::string_view field) -> std::optional<std::string> {
      if (field == "metadata.name") return GetString(obj, {"metadata", "name"});
      if (field == "metadata.namespace") return GetString(obj, {"metadata", "namespace"});
      auto it = type_->selectable_fields.find(std::string(field));
      if (it == type_->selectable_fields.end()) return std::nullopt;
      return it->second(obj);
    };
    if (!field_->sel.Matches(get)) return false;
  }
  return true;
}

}  // namespace berth::apiserver
