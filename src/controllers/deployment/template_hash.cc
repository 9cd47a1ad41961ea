#include "controllers/deployment/template_hash.h"

#include <algorithm>
#include <vector>

namespace berth::controllers::deployutil {

std::string SafeEncodeString(const std::string& s) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  constexpr size_t kLen = sizeof(kAlphabet) - 1;
  std::string out(s.size(), ' ');
  for (size_t i = 0; i < s.size(); i++) {
    out[i] = kAlphabet[static_cast<unsigned char>(s[i]) % kLen];
  }
  return out;
}

namespace {

void WriteCanonical(const json::value& v, std::string& out) {
  if (v.is_object()) {
    const json::object& o = v.as_object();
    std::vector<std::string_view> keys;
    keys.reserve(o.size());
    for (const auto& kv : o) keys.push_back(kv.key());
    std::sort(keys.begin(), keys.end());
    out += '{';
    bool first = true;
    for (std::string_view k : keys) {
      if (!first) out += ',';
      first = false;
      out += json::serialize(json::string(k));
      out += ':';
      WriteCanonical(o.at(k), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& e : v.as_array()) {
      if (!first) out += ',';
      first = false;
      WriteCanonical(e, out);
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

// Drops null members and empty objects/arrays, recursively (semantic "absent").
json::value Normalize(const json::value& v) {
  if (v.is_object()) {
    json::object out;
    for (const auto& kv : v.as_object()) {
      json::value n = Normalize(kv.value());
      if (n.is_null()) continue;
      if (n.is_object() && n.as_object().empty()) continue;
      if (n.is_array() && n.as_array().empty()) continue;
      out[kv.key()] = std::move(n);
    }
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const auto& e : v.as_array()) out.push_back(Normalize(e));
    return out;
  }
  return v;
}

json::value WithoutHashLabel(const json::value& tmpl) {
  json::value copy = tmpl;
  if (copy.is_object()) {
    if (auto* md = copy.as_object().if_contains("metadata"); md && md->is_object()) {
      if (auto* labels = md->as_object().if_contains("labels"); labels && labels->is_object()) {
        labels->as_object().erase(kPodTemplateHashLabel);
      }
    }
  }
  return Normalize(copy);
}

}  // namespace

std::string CanonicalJson(const json::value& v) {
  std::string out;
  WriteCanonical(v, out);
  return out;
}

std::string ComputeTemplateHash(const json::value& pod_template,
                                std::optional<int64_t> collision_count) {
  uint32_t h = 2166136261u;
  auto feed = [&h](unsigned char c) {
    h ^= c;
    h *= 16777619u;
  };
  for (char c : CanonicalJson(Normalize(pod_template))) feed(static_cast<unsigned char>(c));
  if (collision_count) {
    uint32_t cc = static_cast<uint32_t>(*collision_count);
    for (int i = 0; i < 4; i++) feed(static_cast<unsigned char>((cc >> (8 * i)) & 0xff));
  }
  return SafeEncodeString(std::to_string(h));
}

bool EqualIgnoreHash(const json::value& a, const json::value& b) {
  return WithoutHashLabel(a) == WithoutHashLabel(b);
}

}  // namespace berth::controllers::deployutil
