#include "common/json.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <regex>
#include <stdexcept>

namespace berth {

namespace {

// Walks already-validated JSON text and records keys repeated within one
// object. Boost.JSON 1.81 keeps the last duplicate silently, so strict field
// validation needs this separate pass.
class DuplicateScanner {
 public:
  DuplicateScanner(std::string_view text, std::vector<std::string>* out) : t_(text), out_(out) {}
  void Run() {
    Ws();
    Value("");
  }

 private:
  void Ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }
  std::string Str() {
    // Precondition: t_[i_] == '"'. Decodes escapes only as far as needed to compare keys.
    std::string s;
    ++i_;
    while (i_ < t_.size() && t_[i_] != '"') {
      if (t_[i_] == '\\' && i_ + 1 < t_.size()) {
        s += t_[i_];
        ++i_;
      }
      s += t_[i_++];
    }
    ++i_;
    return s;
  }
  void Value(const std::string& path) {
    if (i_ >= t_.size()) return;
    char c = t_[i_];
    if (c == '{') {
      ++i_;
      std::vector<std::string> seen;
      Ws();
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        return;
      }
      while (i_ < t_.size()) {
        Ws();
        std::string key = Str();
        std::string child = path.empty() ? key : path + "." + key;
        for (const auto& k : seen) {
          if (k == key) {
            out_->push_back(child);
            break;
          }
        }
        seen.push_back(key);
        Ws();
        ++i_;  // ':'
        Ws();
        Value(child);
        Ws();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        ++i_;  // '}'
        return;
      }
    } else if (c == '[') {
      ++i_;
      Ws();
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
        return;
      }
      for (int idx = 0; i_ < t_.size(); ++idx) {
        Ws();
        Value(path + "[" + std::to_string(idx) + "]");
        Ws();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        ++i_;  // ']'
        return;
      }
    } else if (c == '"') {
      Str();
    } else {
      while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' &&
             t_[i_] != '\n' && t_[i_] != '\r' && t_[i_] != '\t')
        ++i_;
    }
  }

  std::string_view t_;
  size_t i_ = 0;
  std::vector<std::string>* out_;
};

json::value ScalarFromYaml(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return json::value(s);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return n.Tag() == "!" ? json::value("") : json::value(nullptr);
  }
  if (s == "true" || s == "True" || s == "TRUE") return json::value(true);
  if (s == "false" || s == "False" || s == "FALSE") return json::value(false);
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kInt)) {
    errno = 0;
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) return json::value(static_cast<int64_t>(v));
  }
  if (std::regex_match(s, kFloat)) return json::value(std::strtod(s.c_str(), nullptr));
  if (s == ".inf" || s == ".Inf") return json::value(std::strtod("inf", nullptr));
  return json::value(s);
}

// Aliases can make the node graph cyclic (`&a [*a]`) or exponentially large;
// bound depth and size (the throw is caught in ParseYaml and becomes a 400).
json::value FromYaml(const YAML::Node& n, const std::string& path, std::vector<std::string>* dups,
                     int depth = 0, size_t* budget = nullptr) {
  size_t local_budget = 1000000;
  if (!budget) budget = &local_budget;
  if (depth > 128) throw std::runtime_error("exceeded max depth of 128");
  if ((*budget)-- == 0) throw std::runtime_error("document has too many nodes");
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return ScalarFromYaml(n);
    case YAML::NodeType::Sequence: {
      json::array a;
      int idx = 0;
      for (const auto& item : n) {
        a.push_back(FromYaml(item, path + "[" + std::to_string(idx++) + "]", dups, depth + 1, budget));
      }
      return a;
    }
    case YAML::NodeType::Map: {
      json::object o;
      for (const auto& kv : n) {
        std::string key = kv.first.Scalar();
        std::string child = path.empty() ? key : path + "." + key;
        if (o.contains(key) && dups) dups->push_back(child);
        o[key] = FromYaml(kv.second, child, dups, depth + 1, budget);
      }
      return o;
    }
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

}  // namespace

StatusOr<json::value> ParseJson(std::string_view text, std::vector<std::string>* duplicate_paths) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 128;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) {
    return BadRequest("json: cannot parse request body: " + ec.message());
  }
  if (duplicate_paths) DuplicateScanner(text, duplicate_paths).Run();
  return v;
}

StatusOr<json::value> ParseYaml(std::string_view text, std::vector<std::string>* duplicate_paths) {
  try {
    YAML::Node n = YAML::Load(std::string(text));
    return FromYaml(n, "", duplicate_paths);
  } catch (const std::exception& e) {
    return BadRequest(std::string("yaml: ") + e.what());
  }
}

StatusOr<json::value> ParseJsonOrYaml(std::string_view text,
                                      std::vector<std::string>* duplicate_paths) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i != std::string_view::npos && (text[i] == '{' || text[i] == '[')) {
    return ParseJson(text, duplicate_paths);
  }
  return ParseYaml(text, duplicate_paths);
}

std::string ToJson(const json::value& v) { return json::serialize(v); }

const json::value* GetPath(const json::value& root, std::initializer_list<std::string_view> path) {
  const json::value* cur = &root;
  for (std::string_view p : path) {
    const json::object* o = cur->if_object();
    if (!o) return nullptr;
    auto it = o->find(p);
    if (it == o->end()) return nullptr;
    cur = &it->value();
  }
  return cur;
}

const json::value* GetPath(const json::object& root,
                          std::initializer_list<std::string_view> path) {
  if (path.size() == 0) return nullptr;
  const json::object* o = &root;
  const json::value* cur = nullptr;
  for (std::string_view p : path) {
    if (!o) return nullptr;
    auto it = o->find(p);
    if (it == o->end()) return nullptr;
    cur = &it->value();
    o = cur->if_object();
  }
  return cur;
}

static std::string StringAt(const json::value* v, std::string fallback) {
  if (v && v->is_string()) return std::string(v->get_string());
  return fallback;
}

static int64_t IntAt(const json::value* v, int64_t fallback) {
  if (!v) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) {
    double d = v->get_double();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  }
  return fallback;
}

std::string GetString(const json::object& root, std::initializer_list<std::string_view> path,
                      std::string fallback) {
  return StringAt(GetPath(root, path), std::move(fallback));
}

int64_t GetInt(const json::object& root, std::initializer_list<std::string_view> path,
               int64_t fallback) {
  return IntAt(GetPath(root, path), fallback);
}

json::object* GetObject(json::value& root, std::initializer_list<std::string_view> path) {
  json::value* cur = &root;
  for (std::string_view p : path) {
    json::object* o = cur->if_object();
    if (!o) return nullptr;
    auto it = o->find(p);
    if (it == o->end()) return nullptr;
    cur = &it->value();
  }
  return cur->if_object();
}

std::string GetString(const json::value& root, std::initializer_list<std::string_view> path,
                      std::string fallback) {
  const json::value* v = GetPath(root, path);
  if (v && v->is_string()) return std::string(v->get_string());
  return fallback;
}

int64_t GetInt(const json::value& root, std::initializer_list<std::string_view> path,
               int64_t fallback) {
  const json::value* v = GetPath(root, path);
  if (!v) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) {
    double d = v->get_double();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  }
  return fallback;
}

json::object& EnsureObject(json::value& root, std::initializer_list<std::string_view> path) {
  json::value* cur = &root;
  if (!cur->is_object()) *cur = json::object();
  for (std::string_view p : path) {
    json::object& o = cur->as_object();
    json::value& next = o[p];
    if (!next.is_object()) next = json::object();
    cur = &next;
  }
  return cur->as_object();
}

}  // namespace berth
