#include "api/selector/label_selector.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "api/validation/field_error.h"
#include "api/validation/names.h"

namespace berth::api::selector {
namespace {

// ---- lexer -----------------------------------------------------------------

enum class Tok {
  kEnd,
  kIdentifier,
  kIn,
  kNotIn,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kDoesNotExist,  // "!"
  kOpenPar,
  kClosePar,
  kComma,
  kGreaterThan,
  kLessThan,
  kError,
};

struct Token {
  Tok tok;
  std::string text;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecial(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

std::optional<Tok> SpecialToken(std::string_view s) {
  if (s == "=") return Tok::kEquals;
  if (s == "==") return Tok::kDoubleEquals;
  if (s == "!=") return Tok::kNotEquals;
  if (s == "!") return Tok::kDoesNotExist;
  if (s == "(") return Tok::kOpenPar;
  if (s == ")") return Tok::kClosePar;
  if (s == ",") return Tok::kComma;
  if (s == ">") return Tok::kGreaterThan;
  if (s == "<") return Tok::kLessThan;
  return std::nullopt;
}

std::vector<Token> Scan(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size()) {
      out.push_back({Tok::kEnd, ""});
      return out;
    }
    if (IsSpecial(s[i])) {
      // Longest run of special characters that still forms a known operator.
      size_t len = 1;
      while (i + len < s.size() && IsSpecial(s[i + len]) && SpecialToken(s.substr(i, len + 1))) {
        ++len;
      }
      std::string text(s.substr(i, len));
      out.push_back({*SpecialToken(text), text});
      i += len;
      continue;
    }
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i]) && !IsSpecial(s[i])) ++i;
    std::string text(s.substr(start, i - start));
    Tok t = text == "in" ? Tok::kIn : text == "notin" ? Tok::kNotIn : Tok::kIdentifier;
    out.push_back({t, std::move(text)});
  }
}

// ---- requirement construction (NewRequirement) -----------------------------

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string ValuesJson(const std::vector<std::string>& vals) {
  json::array a;
  for (const auto& v : vals) a.emplace_back(v);
  return json::serialize(a);
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// Validates and builds a requirement; errors are "<field>: <body>" texts.
StatusOr<LabelRequirement> NewRequirement(std::string key, LabelOp op,
                                          std::vector<std::string> vals) {
  std::vector<std::string> errs;
  if (auto e = validation::IsQualifiedName(key); !e.empty()) {
    errs.push_back("key: Invalid value: " + validation::GoQuote(key) + ": " + Join(e, "; "));
  }
  std::string bad_vals = "values: Invalid value: " + ValuesJson(vals) + ": ";
  switch (op) {
    case LabelOp::kIn:
    case LabelOp::kNotIn:
      if (vals.empty())
        errs.push_back(bad_vals + "for 'in', 'notin' operators, values set can't be empty");
      break;
    case LabelOp::kEquals:
    case LabelOp::kDoubleEquals:
    case LabelOp::kNotEquals:
      if (vals.size() != 1)
        errs.push_back(bad_vals + "exact-match compatibility requires one single value");
      break;
    case LabelOp::kExists:
    case LabelOp::kDoesNotExist:
      if (!vals.empty())
        errs.push_back(bad_vals + "values set must be empty for exists and does not exist");
      break;
    case LabelOp::kGreaterThan:
    case LabelOp::kLessThan:
      if (vals.size() != 1)
        errs.push_back(bad_vals + "for 'Gt', 'Lt' operators, exactly one value is required");
      for (size_t i = 0; i < vals.size(); ++i) {
        if (!ParseInt64(vals[i])) {
          errs.push_back("values[" + std::to_string(i) +
                         "]: Invalid value: " + validation::GoQuote(vals[i]) +
                         ": for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
      break;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    if (auto e = validation::IsValidLabelValue(vals[i]); !e.empty()) {
      errs.push_back("values[" + std::to_string(i) + "][" + key +
                     "]: Invalid value: " + validation::GoQuote(vals[i]) + ": " + Join(e, "; "));
    }
  }
  if (!errs.empty()) {
    std::string msg = errs.size() == 1 ? errs[0] : "[" + Join(errs, ", ") + "]";
    return BadRequest(msg);
  }
  std::sort(vals.begin(), vals.end());
  vals.erase(std::unique(vals.begin(), vals.end()), vals.end());
  return LabelRequirement{std::move(key), op, std::move(vals)};
}

// ---- parser ----------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view s) : toks_(Scan(s)) {}

  // Returns the error text (without the BadRequest wrapper) or the requirements.
  StatusOr<std::vector<LabelRequirement>> Parse() {
    std::vector<LabelRequirement> reqs;
    while (true) {
      const Token& t = Peek(true);
      switch (t.tok) {
        case Tok::kIdentifier:
        case Tok::kDoesNotExist: {
          auto r = ParseRequirement();
          if (!r.ok()) return BadRequest("unable to parse requirement: " + r.status().message());
          reqs.push_back(std::move(*r));
          Token n = Next(true);
          if (n.tok == Tok::kEnd) return reqs;
          if (n.tok == Tok::kComma) {
            const Token& a = Peek(true);
            if (a.tok != Tok::kIdentifier && a.tok != Tok::kDoesNotExist) {
              return BadRequest("found '" + a.text + "', expected: identifier after ','");
            }
            break;
          }
          return BadRequest("found '" + n.text + "', expected: ',' or 'end of string'");
        }
        case Tok::kEnd:
          return reqs;
        default:
          return BadRequest("found '" + t.text + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

 private:
  // In value context the keywords "in"/"notin" are plain identifiers.
  static Token AsValue(Token t) {
    if (t.tok == Tok::kIn || t.tok == Tok::kNotIn) t.tok = Tok::kIdentifier;
    return t;
  }
  Token Peek(bool values) const { return values ? AsValue(toks_[pos_]) : toks_[pos_]; }
  Token Next(bool values) {
    Token t = Peek(values);
    if (pos_ + 1 < toks_.size()) ++pos_;  // kEnd is sticky
    return t;
  }

  StatusOr<LabelRequirement> ParseRequirement() {
    bool negated = false;
    Token t = Next(true);
    if (t.tok == Tok::kDoesNotExist) {
      negated = true;
      t = Next(true);
    }
    if (t.tok != Tok::kIdentifier)
      return BadRequest("found '" + t.text + "', expected: identifier");
    std::string key = t.text;
    Tok after = Peek(true).tok;
    // "!key" never takes an operator; anything after it is reported by the caller.
    if (negated || after == Tok::kEnd || after == Tok::kComma) {
      return NewRequirement(key, negated ? LabelOp::kDoesNotExist : LabelOp::kExists, {});
    }
    Token op_tok = Next(false);
    LabelOp op;
    switch (op_tok.tok) {
      case Tok::kIn:
        op = LabelOp::kIn;
        break;
      case Tok::kNotIn:
        op = LabelOp::kNotIn;
        break;
      case Tok::kEquals:
        op = LabelOp::kEquals;
        break;
      case Tok::kDoubleEquals:
        op = LabelOp::kDoubleEquals;
        break;
      case Tok::kNotEquals:
        op = LabelOp::kNotEquals;
        break;
      case Tok::kGreaterThan:
        op = LabelOp::kGreaterThan;
        break;
      case Tok::kLessThan:
        op = LabelOp::kLessThan;
        break;
      default:
        return BadRequest("found '" + op_tok.text + "', expected: '=', '!=', '==', 'in', notin'");
    }
    std::vector<std::string> values;
    if (op == LabelOp::kIn || op == LabelOp::kNotIn) {
      auto v = ParseValues();
      if (!v.ok()) return v.status();
      values = std::move(*v);
    } else {
      Token n = Peek(true);
      if (n.tok == Tok::kEnd || n.tok == Tok::kComma) {
        values.push_back("");
      } else {
        n = Next(true);
        if (n.tok != Tok::kIdentifier) {
          return BadRequest("found '" + n.text + "', expected: identifier");
        }
        values.push_back(n.text);
      }
    }
    return NewRequirement(key, op, std::move(values));
  }

  // "(" [value ("," value)*] ")"; empty entries ("(a,,b)", "()") mean the empty value.
  StatusOr<std::vector<std::string>> ParseValues() {
    Token t = Next(true);
    if (t.tok != Tok::kOpenPar) return BadRequest("found '" + t.text + "' expected: '('");
    std::vector<std::string> vals;
    Token n = Peek(true);
    if (n.tok == Tok::kClosePar) {
      Next(true);
      return std::vector<std::string>{""};
    }
    if (n.tok != Tok::kIdentifier && n.tok != Tok::kComma) {
      return BadRequest("found '" + n.text + "', expected: ',', ')' or identifier");
    }
    bool expect_value = true;
    while (true) {
      Token c = Next(true);
      if (c.tok == Tok::kIdentifier && expect_value) {
        vals.push_back(c.text);
        expect_value = false;
        Token a = Peek(true);
        if (a.tok != Tok::kComma && a.tok != Tok::kClosePar) {
          return BadRequest("found '" + a.text + "', expected: ',' or ')'");
        }
      } else if (c.tok == Tok::kComma) {
        if (expect_value) vals.push_back("");  // an empty slot before this comma
        expect_value = true;
        if (Peek(true).tok == Tok::kClosePar) vals.push_back("");  // "a,)"
      } else if (c.tok == Tok::kClosePar) {
        return vals;
      } else {
        return BadRequest("found '" + c.text + "', expected: ',', or identifier");
      }
    }
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
};

void SortByKey(std::vector<LabelRequirement>* reqs) {
  std::stable_sort(
      reqs->begin(), reqs->end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
}

}  // namespace

// ---- LabelRequirement / LabelSelector ----------------------------------------

bool LabelRequirement::Matches(const std::map<std::string, std::string>& labels) const {
  auto it = labels.find(key);
  bool has = it != labels.end();
  auto in_values = [&] {
    return has && std::binary_search(values.begin(), values.end(), it->second);
  };
  switch (op) {
    case LabelOp::kIn:
    case LabelOp::kEquals:
    case LabelOp::kDoubleEquals:
      return in_values();
    case LabelOp::kNotIn:
    case LabelOp::kNotEquals:
      return !in_values();
    case LabelOp::kExists:
      return has;
    case LabelOp::kDoesNotExist:
      return !has;
    case LabelOp::kGreaterThan:
    case LabelOp::kLessThan: {
      if (!has || values.size() != 1) return false;
      auto l = ParseInt64(it->second);
      auto r = ParseInt64(values[0]);
      if (!l || !r) return false;
      return op == LabelOp::kGreaterThan ? *l > *r : *l < *r;
    }
  }
  return false;
}

std::string LabelRequirement::String() const {
  std::string s = op == LabelOp::kDoesNotExist ? "!" + key : key;
  switch (op) {
    case LabelOp::kExists:
    case LabelOp::kDoesNotExist:
      return s;
    case LabelOp::kEquals:
      s += "=";
      break;
    case LabelOp::kDoubleEquals:
      s += "==";
      break;
    case LabelOp::kNotEquals:
      s += "!=";
      break;
    case LabelOp::kGreaterThan:
      s += ">";
      break;
    case LabelOp::kLessThan:
      s += "<";
      break;
    case LabelOp::kIn:
      s += " in (";
      break;
    case LabelOp::kNotIn:
      s += " notin (";
      break;
  }
  s += Join(values, ",");
  if (op == LabelOp::kIn || op == LabelOp::kNotIn) s += ")";
  return s;
}

LabelSelector LabelSelector::Nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

LabelSelector LabelSelector::FromRequirements(std::vector<LabelRequirement> requirements) {
  for (auto& r : requirements) {
    std::sort(r.values.begin(), r.values.end());
    r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
  }
  SortByKey(&requirements);
  LabelSelector s;
  s.requirements_ = std::move(requirements);
  return s;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  if (nothing_) return false;
  for (const auto& r : requirements_) {
    if (!r.Matches(labels)) return false;
  }
  return true;
}

bool LabelSelector::Matches(const json::object& labels) const {
  if (nothing_) return false;
  if (requirements_.empty()) return true;
  std::map<std::string, std::string> m;
  for (const auto& kv : labels) {
    if (kv.value().is_string())
      m.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  return Matches(m);
}

std::string LabelSelector::String() const {
  std::string s;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i) s += ",";
    s += requirements_[i].String();
  }
  return s;
}

StatusOr<LabelSelector> ParseLabelSelector(std::string_view text) {
  Parser p(text);
  auto reqs = p.Parse();
  if (!reqs.ok()) return reqs.status();
  SortByKey(&*reqs);
  return LabelSelector::FromRequirements(std::move(*reqs));
}

StatusOr<LabelSelector> FromLabelSelectorJson(const json::value& selector) {
  if (selector.is_null()) return LabelSelector::Nothing();
  if (!selector.is_object()) return BadRequest("label selector must be an object");
  const json::object& obj = selector.get_object();
  std::vector<LabelRequirement> reqs;
  if (auto it = obj.find("matchLabels"); it != obj.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return BadRequest("matchLabels must be an object");
    for (const auto& kv : it->value().get_object()) {
      if (!kv.value().is_string()) return BadRequest("matchLabels values must be strings");
      auto r = NewRequirement(std::string(kv.key()), LabelOp::kEquals,
                              {std::string(kv.value().get_string())});
      if (!r.ok()) return r.status();
      reqs.push_back(std::move(*r));
    }
  }
  if (auto it = obj.find("matchExpressions"); it != obj.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return BadRequest("matchExpressions must be a list");
    for (const auto& e : it->value().get_array()) {
      if (!e.is_object()) return BadRequest("matchExpressions entries must be objects");
      const json::object& expr = e.get_object();
      std::string key, op_text;
      if (auto k = expr.find("key"); k != expr.end() && k->value().is_string()) {
        key = std::string(k->value().get_string());
      }
      if (auto o = expr.find("operator"); o != expr.end() && o->value().is_string()) {
        op_text = std::string(o->value().get_string());
      }
      LabelOp op;
      if (op_text == "In") {
        op = LabelOp::kIn;
      } else if (op_text == "NotIn") {
        op = LabelOp::kNotIn;
      } else if (op_text == "Exists") {
        op = LabelOp::kExists;
      } else if (op_text == "DoesNotExist") {
        op = LabelOp::kDoesNotExist;
      } else {
        return BadRequest(validation::GoQuote(op_text) + " is not a valid label selector operator");
      }
      std::vector<std::string> vals;
      if (auto v = expr.find("values"); v != expr.end() && !v->value().is_null()) {
        if (!v->value().is_array()) return BadRequest("matchExpressions values must be a list");
        for (const auto& x : v->value().get_array()) {
          if (!x.is_string()) return BadRequest("matchExpressions values must be strings");
          vals.emplace_back(x.get_string());
        }
      }
      auto r = NewRequirement(key, op, std::move(vals));
      if (!r.ok()) return r.status();
      reqs.push_back(std::move(*r));
    }
  }
  return LabelSelector::FromRequirements(std::move(reqs));
}

std::string ToSelectorString(const json::value& selector) {
  auto s = FromLabelSelectorJson(selector);
  if (!s.ok()) return "<error>";
  return s->String();
}

std::string FormatLabelSelector(const json::value& selector) {
  std::string s = ToSelectorString(selector);
  return s.empty() ? "<none>" : s;
}

}  // namespace berth::api::selector
