#include "api/selector/field_selector.h"

#include <algorithm>

namespace berth::api::selector {
namespace {

// Splits on separators not preceded by an (unescaped) backslash.
std::vector<std::string> SplitTerms(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::string cur;
  bool escaped = false;
  for (char c : s) {
    if (escaped) {
      cur += c;
      escaped = false;
    } else if (c == '\\') {
      cur += c;
      escaped = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

// Finds the first unescaped operator in a term: returns its position and length.
bool SplitTerm(std::string_view term, std::string* lhs, std::string_view* op, std::string* rhs) {
  static const std::string_view kOps[] = {"!=", "==", "="};
  bool escaped = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] == '\\') {
      escaped = true;
      continue;
    }
    for (std::string_view o : kOps) {
      if (term.substr(i, o.size()) == o) {
        *lhs = std::string(term.substr(0, i));
        *op = o;
        *rhs = std::string(term.substr(i + o.size()));
        return true;
      }
    }
  }
  return false;
}

StatusOr<std::string> UnescapeValue(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 >= s.size())
        return BadRequest("invalid field selector: invalid escape sequence: \\");
      char n = s[++i];
      if (n != '\\' && n != ',' && n != '=') {
        return BadRequest("invalid field selector: invalid escape sequence: \\" +
                          std::string(1, n));
      }
      out += n;
    } else if (c == ',' || c == '=') {
      return BadRequest("invalid field selector: unescaped character in value: " +
                        std::to_string(static_cast<int>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string EscapeFieldValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

StatusOr<FieldSelector> ParseFieldSelector(std::string_view text) {
  std::vector<std::string> parts = SplitTerms(text);
  std::sort(parts.begin(), parts.end());
  FieldSelector sel;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    std::string lhs, rhs;
    std::string_view op;
    if (!SplitTerm(part, &lhs, &op, &rhs)) {
      return BadRequest("invalid selector: '" + std::string(text) + "'; can't understand '" + part +
                        "'");
    }
    auto value = UnescapeValue(rhs);
    if (!value.ok()) return value.status();
    sel.requirements_.push_back({lhs, op != "!=", std::move(*value)});
  }
  return sel;
}

bool FieldSelector::Matches(
    const std::function<std::optional<std::string>(std::string_view field)>& get) const {
  for (const auto& r : requirements_) {
    std::string actual = get(r.field).value_or("");
    if ((actual == r.value) != r.equals) return false;
  }
  return true;
}

std::vector<std::string> FieldSelector::Fields() const {
  std::vector<std::string> out;
  for (const auto& r : requirements_) out.push_back(r.field);
  return out;
}

std::optional<std::string> FieldSelector::RequiresExactMatch(std::string_view field) const {
  for (const auto& r : requirements_) {
    if (r.equals && r.field == field) return r.value;
  }
  return std::nullopt;
}

std::string FieldSelector::String() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i) out += ",";
    const auto& r = requirements_[i];
    out += r.field + (r.equals ? "=" : "!=") + EscapeFieldValue(r.value);
  }
  return out;
}

}  // namespace berth::api::selector
