#include "api/apply/path_element.h"

#include <algorithm>
#include <cmath>

namespace berth::api::apply {

namespace {

void WriteCanonical(const json::value& v, std::string* out) {
  switch (v.kind()) {
    case json::kind::object: {
      const json::object& obj = v.get_object();
      std::vector<const json::key_value_pair*> members;
      members.reserve(obj.size());
      for (const auto& kv : obj) members.push_back(&kv);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out->push_back('{');
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out->push_back(',');
        first = false;
        *out += json::serialize(json::string(kv->key()));
        out->push_back(':');
        WriteCanonical(kv->value(), out);
      }
      out->push_back('}');
      return;
    }
    case json::kind::array: {
      out->push_back('[');
      bool first = true;
      for (const json::value& item : v.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        WriteCanonical(item, out);
      }
      out->push_back(']');
      return;
    }
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
        *out += std::to_string(static_cast<int64_t>(d));
        return;
      }
      *out += json::serialize(v);
      return;
    }
    default:
      *out += json::serialize(v);
  }
}

}  // namespace

std::string CanonicalJson(const json::value& v) {
  std::string out;
  WriteCanonical(v, &out);
  return out;
}

PathElement PathElement::Key(const json::object& key) {
  return {Kind::kKey, CanonicalJson(json::value(key))};
}

PathElement PathElement::Value(const json::value& value) {
  return {Kind::kValue, CanonicalJson(value)};
}

std::string PathElement::ToFieldsV1() const {
  switch (kind) {
    case Kind::kField:
      return "f:" + text;
    case Kind::kKey:
      return "k:" + text;
    case Kind::kValue:
      return "v:" + text;
    case Kind::kIndex:
      return "i:" + text;
  }
  return text;
}

bool PathElement::FromFieldsV1(const std::string& member, PathElement* out) {
  if (member.size() < 2 || member[1] != ':') return false;
  const std::string rest = member.substr(2);
  switch (member[0]) {
    case 'f':
      *out = Field(rest);
      return true;
    case 'k':
    case 'v': {
      boost::system::error_code ec;
      json::value parsed = json::parse(rest, ec);
      if (ec) return false;
      if (member[0] == 'k') {
        if (!parsed.is_object()) return false;
        *out = Key(parsed.get_object());
      } else {
        *out = Value(parsed);
      }
      return true;
    }
    case 'i':
      if (rest.empty() || !std::all_of(rest.begin(), rest.end(), ::isdigit)) return false;
      *out = {Kind::kIndex, rest};
      return true;
    default:
      return false;
  }
}

std::string PathElement::ToDisplay() const {
  switch (kind) {
    case Kind::kField:
      return "." + text;
    case Kind::kKey: {
      boost::system::error_code ec;
      json::value parsed = json::parse(text, ec);
      if (ec || !parsed.is_object()) return "[" + text + "]";
      // Members are already sorted by name in the canonical text.
      std::string out = "[";
      bool first = true;
      for (const auto& kv : parsed.get_object()) {
        if (!first) out += ",";
        first = false;
        out += std::string(kv.key()) + "=" + CanonicalJson(kv.value());
      }
      return out + "]";
    }
    case Kind::kValue:
      return "[=" + text + "]";
    case Kind::kIndex:
      return "[" + text + "]";
  }
  return text;
}

std::string PathToString(const Path& path) {
  std::string out;
  for (const PathElement& e : path) out += e.ToDisplay();
  return out;
}

}  // namespace berth::api::apply
