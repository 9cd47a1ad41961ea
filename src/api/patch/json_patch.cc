#include "api/patch/json_patch.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/patch/json_equal.h"
#include "api/patch/json_pointer.h"

namespace berth::api::patch {

namespace {

enum class OpKind { kAdd, kRemove, kReplace, kMove, kCopy, kTest };

struct Operation {
  OpKind kind;
  std::string path_text;
  std::vector<std::string> path;
  std::string from_text;
  std::vector<std::string> from;
  const json::value* value = nullptr;  // points into the caller's `ops`
};

// An operation that is well formed but does not apply to this document.
Status NotApplicable(const std::string& message) {
  StatusDetails details;
  details.causes.push_back({"UnexpectedServerResponse", message, ""});
  return Status(Reason::kInvalid, message, std::move(details));
}

std::optional<OpKind> ParseKind(std::string_view name) {
  if (name == "add") return OpKind::kAdd;
  if (name == "remove") return OpKind::kRemove;
  if (name == "replace") return OpKind::kReplace;
  if (name == "move") return OpKind::kMove;
  if (name == "copy") return OpKind::kCopy;
  if (name == "test") return OpKind::kTest;
  return std::nullopt;
}

// Reads member `name` as a pointer into `text`/`tokens`.
Status ReadPointer(const json::object& op, const char* name, size_t index, std::string* text,
                   std::vector<std::string>* tokens) {
  const json::value* v = op.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return BadRequest("json patch operation " + std::to_string(index) + ": \"" + name +
                      "\" must be a string");
  }
  *text = std::string(v->get_string());
  StatusOr<std::vector<std::string>> parsed = ParseJsonPointer(*text);
  if (!parsed.ok()) return parsed.status();
  *tokens = std::move(parsed).value();
  return Status::Ok();
}

StatusOr<std::vector<Operation>> Decode(const json::value& ops) {
  if (!ops.is_array()) return BadRequest("json patch must be a JSON array of operations");
  std::vector<Operation> result;
  size_t index = 0;
  for (const json::value& element : ops.get_array()) {
    if (!element.is_object()) {
      return BadRequest("json patch operation " + std::to_string(index) + " is not an object");
    }
    const json::object& op = element.get_object();
    const json::value* name = op.if_contains("op");
    if (name == nullptr || !name->is_string()) {
      return BadRequest("json patch operation " + std::to_string(index) +
                        ": \"op\" must be a string");
    }
    const std::optional<OpKind> kind = ParseKind(name->get_string());
    if (!kind) {
      return BadRequest("json patch operation " + std::to_string(index) + ": unknown op \"" +
                        std::string(name->get_string()) + "\"");
    }
    Operation parsed;
    parsed.kind = *kind;
    BERTH_RETURN_IF_ERROR(ReadPointer(op, "path", index, &parsed.path_text, &parsed.path));
    if (parsed.kind == OpKind::kMove || parsed.kind == OpKind::kCopy) {
      BERTH_RETURN_IF_ERROR(ReadPointer(op, "from", index, &parsed.from_text, &parsed.from));
    }
    if (parsed.kind == OpKind::kAdd || parsed.kind == OpKind::kReplace ||
        parsed.kind == OpKind::kTest) {
      parsed.value = op.if_contains("value");
      if (parsed.value == nullptr) {
        return BadRequest("json patch operation " + std::to_string(index) + ": missing \"value\"");
      }
    }
    result.push_back(std::move(parsed));
    ++index;
  }
  return result;
}

// The container holding the last token of `path`, or nullptr.
json::value* FindParent(json::value& doc, const std::vector<std::string>& path) {
  json::value* current = &doc;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (current->is_object()) {
      current = current->get_object().if_contains(path[i]);
    } else if (current->is_array()) {
      const std::optional<size_t> index = ArrayIndex(path[i]);
      json::array& array = current->get_array();
      if (!index || *index >= array.size()) return nullptr;
      current = &array[*index];
    } else {
      return nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  return current;
}

Status Add(json::value& doc, const std::vector<std::string>& path, const std::string& text,
           json::value value) {
  if (path.empty()) {
    doc = std::move(value);
    return Status::Ok();
  }
  json::value* parent = FindParent(doc, path);
  if (parent == nullptr)
    return NotApplicable("add operation does not apply: doc is missing path: \"" + text + "\"");
  const std::string& last = path.back();
  if (parent->is_object()) {
    parent->get_object()[last] = std::move(value);
    return Status::Ok();
  }
  if (parent->is_array()) {
    json::array& array = parent->get_array();
    if (last == "-") {
      array.push_back(std::move(value));
      return Status::Ok();
    }
    const std::optional<size_t> index = ArrayIndex(last);
    if (!index || *index > array.size()) {
      return NotApplicable("add operation does not apply: index out of range in \"" + text + "\"");
    }
    array.insert(array.begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
    return Status::Ok();
  }
  return NotApplicable("add operation does not apply: parent of \"" + text +
                       "\" is not a container");
}

// Removes the value at `path`, returning it through `removed` when non-null.
Status Remove(json::value& doc, const std::vector<std::string>& path, const std::string& text,
              const char* op_name, json::value* removed) {
  const std::string missing =
      std::string(op_name) + " operation does not apply: doc is missing path: \"" + text + "\"";
  if (path.empty())
    return NotApplicable(std::string(op_name) + " operation cannot remove the whole document");
  json::value* parent = FindParent(doc, path);
  if (parent == nullptr) return NotApplicable(missing);
  const std::string& last = path.back();
  if (parent->is_object()) {
    json::object& object = parent->get_object();
    auto it = object.find(last);
    if (it == object.end()) return NotApplicable(missing);
    if (removed != nullptr) *removed = std::move(it->value());
    object.erase(it);
    return Status::Ok();
  }
  if (parent->is_array()) {
    json::array& array = parent->get_array();
    const std::optional<size_t> index = ArrayIndex(last);
    if (!index || *index >= array.size()) return NotApplicable(missing);
    if (removed != nullptr) *removed = std::move(array[*index]);
    array.erase(array.begin() + static_cast<std::ptrdiff_t>(*index));
    return Status::Ok();
  }
  return NotApplicable(missing);
}

Status Replace(json::value& doc, const Operation& op) {
  if (op.path.empty()) {
    doc = *op.value;
    return Status::Ok();
  }
  json::value* parent = FindParent(doc, op.path);
  json::value* slot = nullptr;
  if (parent != nullptr && parent->is_object()) {
    slot = parent->get_object().if_contains(op.path.back());
  } else if (parent != nullptr && parent->is_array()) {
    const std::optional<size_t> index = ArrayIndex(op.path.back());
    if (index && *index < parent->get_array().size()) slot = &parent->get_array()[*index];
  }
  if (slot == nullptr) {
    return NotApplicable("replace operation does not apply: doc is missing key: \"" + op.path_text +
                         "\"");
  }
  *slot = *op.value;
  return Status::Ok();
}

bool IsProperPrefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  if (prefix.size() >= path.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (prefix[i] != path[i]) return false;
  }
  return true;
}

Status ApplyOne(json::value& doc, const Operation& op) {
  switch (op.kind) {
    case OpKind::kAdd:
      return Add(doc, op.path, op.path_text, *op.value);
    case OpKind::kRemove:
      return Remove(doc, op.path, op.path_text, "remove", nullptr);
    case OpKind::kReplace:
      return Replace(doc, op);
    case OpKind::kMove: {
      if (op.from == op.path) {
        if (FindByPointer(doc, op.from) == nullptr) {
          return NotApplicable("move operation does not apply: doc is missing from path: \"" +
                               op.from_text + "\"");
        }
        return Status::Ok();
      }
      if (IsProperPrefix(op.from, op.path)) {
        return NotApplicable("move operation cannot move \"" + op.from_text +
                             "\" into its own child \"" + op.path_text + "\"");
      }
      json::value moved;
      BERTH_RETURN_IF_ERROR(Remove(doc, op.from, op.from_text, "move", &moved));
      return Add(doc, op.path, op.path_text, std::move(moved));
    }
    case OpKind::kCopy: {
      const json::value* source = FindByPointer(doc, op.from);
      if (source == nullptr) {
        return NotApplicable("copy operation does not apply: doc is missing from path: \"" +
                             op.from_text + "\"");
      }
      json::value copied = *source;
      return Add(doc, op.path, op.path_text, std::move(copied));
    }
    case OpKind::kTest: {
      const json::value* actual = FindByPointer(doc, op.path);
      if (actual == nullptr) {
        return NotApplicable("testing value " + op.path_text + " failed: doc is missing path");
      }
      if (!JsonEqual(*actual, *op.value)) {
        return NotApplicable("testing value " + op.path_text + " failed: test failed");
      }
      return Status::Ok();
    }
  }
  return InternalError("unreachable json patch operation");
}

}  // namespace

StatusOr<json::value> ApplyJsonPatch(const json::value& target, const json::value& ops) {
  StatusOr<std::vector<Operation>> decoded = Decode(ops);
  if (!decoded.ok()) return decoded.status();
  json::value doc = target;
  for (const Operation& op : *decoded) {
    BERTH_RETURN_IF_ERROR(ApplyOne(doc, op));
  }
  return doc;
}

}  // namespace berth::api::patch
