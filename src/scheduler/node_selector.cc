#include "scheduler/node_selector.h"

#include <algorithm>

namespace berth::scheduler {

namespace {

using api::selector::LabelOp;
using api::selector::LabelRequirement;

std::vector<std::string> StringsOf(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

}  // namespace

bool NodeSelectorTerm::Matches(const std::map<std::string, std::string>& labels,
                               const std::string& node_name) const {
  if (!valid || (expressions.empty() && fields.empty())) return false;
  for (const auto& r : expressions) {
    if (!r.Matches(labels)) return false;
  }
  for (const auto& f : fields) {
    if (!f.valid) return false;
    bool found = std::find(f.values.begin(), f.values.end(), node_name) != f.values.end();
    if (found != f.in) return false;
  }
  return true;
}

bool NodeSelector::Matches(const std::map<std::string, std::string>& labels,
                           const std::string& node_name) const {
  for (const auto& t : terms) {
    if (t.Matches(labels, node_name)) return true;
  }
  return false;
}

NodeSelectorTerm ParseNodeSelectorTerm(const json::value& term) {
  NodeSelectorTerm out;
  if (!term.is_object()) {
    out.valid = false;
    return out;
  }
  const auto& o = term.as_object();
  if (const auto* exprs = o.if_contains("matchExpressions"); exprs && exprs->is_array()) {
    for (const auto& e : exprs->as_array()) {
      if (!e.is_object()) continue;
      LabelRequirement r;
      r.key = GetString(e.as_object(), {"key"});
      std::string op = GetString(e.as_object(), {"operator"});
      r.values = StringsOf(e.as_object().if_contains("values"));
      std::sort(r.values.begin(), r.values.end());
      r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
      if (op == "In") {
        r.op = LabelOp::kIn;
      } else if (op == "NotIn") {
        r.op = LabelOp::kNotIn;
      } else if (op == "Exists") {
        r.op = LabelOp::kExists;
      } else if (op == "DoesNotExist") {
        r.op = LabelOp::kDoesNotExist;
      } else if (op == "Gt") {
        r.op = LabelOp::kGreaterThan;
      } else if (op == "Lt") {
        r.op = LabelOp::kLessThan;
      } else {
        out.valid = false;
      }
      out.expressions.push_back(std::move(r));
    }
  }
  if (const auto* fields = o.if_contains("matchFields"); fields && fields->is_array()) {
    for (const auto& f : fields->as_array()) {
      if (!f.is_object()) continue;
      FieldRequirement r;
      std::string op = GetString(f.as_object(), {"operator"});
      r.values = StringsOf(f.as_object().if_contains("values"));
      r.valid = GetString(f.as_object(), {"key"}) == "metadata.name" &&
                (op == "In" || op == "NotIn");
      r.in = op == "In";
      out.fields.push_back(std::move(r));
    }
  }
  return out;
}

NodeSelector ParseNodeSelector(const json::value& selector) {
  NodeSelector out;
  const json::value* terms = GetPath(selector, {"nodeSelectorTerms"});
  if (terms && terms->is_array()) {
    for (const auto& t : terms->as_array()) out.terms.push_back(ParseNodeSelectorTerm(t));
  }
  return out;
}

}  // namespace berth::scheduler
