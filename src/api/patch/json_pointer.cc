#include "api/patch/json_pointer.h"

namespace berth::api::patch {

StatusOr<std::vector<std::string>> ParseJsonPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') {
    return BadRequest("invalid JSON pointer \"" + std::string(pointer) + "\": must start with '/'");
  }
  std::string current;
  for (size_t i = 1; i < pointer.size(); ++i) {
    const char c = pointer[i];
    if (c == '/') {
      tokens.push_back(std::move(current));
      current.clear();
    } else if (c == '~') {
      const char next = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (next != '0' && next != '1') {
        return BadRequest("invalid JSON pointer \"" + std::string(pointer) +
                          "\": '~' must be followed by '0' or '1'");
      }
      current.push_back(next == '0' ? '~' : '/');
      ++i;
    } else {
      current.push_back(c);
    }
  }
  tokens.push_back(std::move(current));
  return tokens;
}

std::optional<size_t> ArrayIndex(std::string_view token) {
  if (token.empty() || token.size() > 18) return std::nullopt;
  if (token.size() > 1 && token.front() == '0') return std::nullopt;
  size_t index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

const json::value* FindByPointer(const json::value& root, const std::vector<std::string>& tokens) {
  const json::value* current = &root;
  for (const std::string& token : tokens) {
    if (current->is_object()) {
      current = current->get_object().if_contains(token);
    } else if (current->is_array()) {
      const std::optional<size_t> index = ArrayIndex(token);
      const json::array& array = current->get_array();
      if (!index || *index >= array.size()) return nullptr;
      current = &array[*index];
    } else {
      return nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  return current;
}

}  // namespace berth::api::patch
