// Shared rules for ConfigMap and Secret data: key syntax and `immutable`.
#include <regex>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/field_errors.h"

namespace berth::api::core {

std::vector<std::string> ConfigMapKeyProblems(const std::string& key) {
  std::vector<std::string> out;
  if (key.size() > 253) out.push_back("must be no more than 253 characters");
  static const std::regex kKey("[-._a-zA-Z0-9]+");
  if (!std::regex_match(key, kKey)) {
    out.push_back(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
        "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')");
  }
  if (key == ".") {
    out.push_back("must not be '.'");
  } else if (key == "..") {
    out.push_back("must not be '..'");
  } else if (key.rfind("..", 0) == 0) {
    out.push_back("must not start with '..'");
  }
  return out;
}

void ValidateImmutableData(std::vector<Cause>& out, const json::object& obj,
                           const json::object* old) {
  if (old == nullptr) return;
  auto flag = [](const json::object& o) {
    auto it = o.find("immutable");
    return it != o.end() && it->value().is_bool() && it->value().get_bool();
  };
  if (!flag(*old)) return;
  const char* kMsg = "field is immutable when `immutable` is set";
  if (!flag(obj)) out.push_back(ForbiddenCause("immutable", kMsg));
  for (const char* key : {"data", "binaryData"}) {
    static const json::value kNull;
    auto a = obj.find(key);
    auto b = old->find(key);
    const json::value& va = a == obj.end() ? kNull : a->value();
    const json::value& vb = b == old->end() ? kNull : b->value();
    bool empty_a = va.is_null() || (va.is_object() && va.get_object().empty());
    bool empty_b = vb.is_null() || (vb.is_object() && vb.get_object().empty());
    if (!(empty_a && empty_b) && va != vb) out.push_back(ForbiddenCause(key, kMsg));
  }
}

}  // namespace berth::api::core
