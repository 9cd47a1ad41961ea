#include "api/kinds/apps/label_selector_text.h"

#include <algorithm>
#include <vector>

namespace berth::api::workload {

namespace {

struct Requirement {
  std::string key;
  std::string op;  // "=", "in", "notin", "exists", "!"
  std::vector<std::string> values;
};

// Converts the selector into requirements; false when malformed.
bool Requirements(const json::value* selector, std::vector<Requirement>* out) {
  if (selector == nullptr || !selector->is_object()) return false;
  const json::object& sel = selector->get_object();
  if (auto it = sel.find("matchLabels"); it != sel.end() && it->value().is_object()) {
    for (const auto& kv : it->value().get_object()) {
      if (!kv.value().is_string()) return false;
      out->push_back({std::string(kv.key()), "=", {std::string(kv.value().get_string())}});
    }
  }
  if (auto it = sel.find("matchExpressions"); it != sel.end() && it->value().is_array()) {
    for (const json::value& e : it->value().get_array()) {
      if (!e.is_object()) return false;
      const json::object& r = e.get_object();
      Requirement req;
      if (auto k = r.find("key"); k != r.end() && k->value().is_string()) {
        req.key = std::string(k->value().get_string());
      }
      std::string op;
      if (auto o = r.find("operator"); o != r.end() && o->value().is_string()) {
        op = std::string(o->value().get_string());
      }
      if (auto v = r.find("values"); v != r.end() && v->value().is_array()) {
        for (const json::value& s : v->value().get_array()) {
          if (s.is_string()) req.values.emplace_back(s.get_string());
        }
      }
      std::sort(req.values.begin(), req.values.end());
      req.values.erase(std::unique(req.values.begin(), req.values.end()), req.values.end());
      if (op == "In") {
        req.op = "in";
      } else if (op == "NotIn") {
        req.op = "notin";
      } else if (op == "Exists") {
        req.op = "exists";
      } else if (op == "DoesNotExist") {
        req.op = "!";
      } else {
        return false;
      }
      if ((req.op == "in" || req.op == "notin") && req.values.empty()) return false;
      out->push_back(std::move(req));
    }
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  return true;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

}  // namespace

std::string SelectorText(const json::value* selector) {
  std::vector<Requirement> reqs;
  if (!Requirements(selector, &reqs)) return "";
  std::vector<std::string> parts;
  for (const Requirement& r : reqs) {
    if (r.op == "=") {
      parts.push_back(r.key + "=" + r.values[0]);
    } else if (r.op == "exists") {
      parts.push_back(r.key);
    } else if (r.op == "!") {
      parts.push_back("!" + r.key);
    } else {
      parts.push_back(r.key + " " + r.op + " (" + Join(r.values, ",") + ")");
    }
  }
  return Join(parts, ",");
}

std::string FormatLabelSelector(const json::value* selector) {
  std::string s = SelectorText(selector);
  return s.empty() ? "<none>" : s;
}

std::string FormatLabels(const json::value* labels) {
  if (labels == nullptr || !labels->is_object() || labels->get_object().empty()) return "<none>";
  std::vector<std::string> parts;
  for (const auto& kv : labels->get_object()) {
    std::string v = kv.value().is_string() ? std::string(kv.value().get_string()) : "";
    parts.push_back(std::string(kv.key()) + "=" + v);
  }
  std::sort(parts.begin(), parts.end());
  return Join(parts, ",");
}

bool SelectorIsEmpty(const json::value* selector) {
  if (selector == nullptr || !selector->is_object()) return true;
  const json::object& sel = selector->get_object();
  auto ml = sel.find("matchLabels");
  auto me = sel.find("matchExpressions");
  bool no_labels =
      ml == sel.end() || !ml->value().is_object() || ml->value().get_object().empty();
  bool no_exprs = me == sel.end() || !me->value().is_array() || me->value().get_array().empty();
  return no_labels && no_exprs;
}

bool SelectorMatches(const json::value* selector, const json::value* labels) {
  std::vector<Requirement> reqs;
  if (!Requirements(selector, &reqs)) return false;
  const json::object empty;
  const json::object& l = labels != nullptr && labels->is_object() ? labels->get_object() : empty;
  for (const Requirement& r : reqs) {
    auto it = l.find(r.key);
    bool present = it != l.end() && it->value().is_string();
    std::string value = present ? std::string(it->value().get_string()) : "";
    bool in_set = present && std::binary_search(r.values.begin(), r.values.end(), value);
    if (r.op == "=" && !(present && value == r.values[0])) return false;
    if (r.op == "in" && !in_set) return false;
    if (r.op == "notin" && in_set) return false;
    if (r.op == "exists" && !present) return false;
    if (r.op == "!" && present) return false;
  }
  return true;
}

}  // namespace berth::api::workload
