#include "controllers/common/json_hash.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace berth::controllers {

namespace {

void AppendCanonical(const json::value& v, std::string& out) {
  if (v.is_object()) {
    const json::object& o = v.as_object();
    std::vector<std::string_view> keys;
    keys.reserve(o.size());
    for (const auto& kv : o) keys.push_back(kv.key());
    std::sort(keys.begin(), keys.end());
    out += '{';
    for (size_t i = 0; i < keys.size(); i++) {
      if (i) out += ',';
      out += json::serialize(json::string(keys[i]));
      out += ':';
      AppendCanonical(o.at(keys[i]), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    const json::array& a = v.as_array();
    for (size_t i = 0; i < a.size(); i++) {
      if (i) out += ',';
      AppendCanonical(a[i], out);
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

json::value NormalizeJson(const json::value& v) {
  if (v.is_object()) {
    json::object out;
    for (const auto& kv : v.as_object()) {
      json::value n = NormalizeJson(kv.value());
      if (n.is_null()) continue;
      if (n.is_object() && n.as_object().empty()) continue;
      if (n.is_array() && n.as_array().empty()) continue;
      out[kv.key()] = std::move(n);
    }
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const auto& e : v.as_array()) out.push_back(NormalizeJson(e));
    return out;
  }
  return v;
}

std::string CanonicalJson(const json::value& v) {
  std::string out;
  AppendCanonical(v, out);
  return out;
}

std::string SafeEncodeString(const std::string& s) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  constexpr size_t kLen = sizeof(kAlphabet) - 1;
  std::string out = s;
  for (char& c : out) c = kAlphabet[static_cast<unsigned char>(c) % kLen];
  return out;
}

std::string HashJson(const json::value& v, std::optional<int64_t> collision_count) {
  uint32_t h = 2166136261u;
  auto feed = [&h](unsigned char c) {
    h ^= c;
    h *= 16777619u;
  };
  for (char c : CanonicalJson(NormalizeJson(v))) feed(static_cast<unsigned char>(c));
  if (collision_count) {
    auto cc = static_cast<uint32_t>(*collision_count);
    for (int i = 0; i < 4; i++) feed(static_cast<unsigned char>((cc >> (8 * i)) & 0xff));
  }
  return SafeEncodeString(std::to_string(h));
}

}  // namespace berth::controllers
