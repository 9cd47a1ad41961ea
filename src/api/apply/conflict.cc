#include "api/apply/conflict.h"

#include <algorithm>
#include <map>

namespace berth::api::apply {

std::string DescribeManager(const ManagerEntry& owner) {
  std::string out = json::serialize(json::string(owner.manager));
  if (!owner.subresource.empty()) {
    out += " with subresource " + json::serialize(json::string(owner.subresource));
  }
  if (owner.operation == kOperationUpdate) out += " using " + owner.api_version;
  return out;
}

Status ApplyConflictStatus(const std::vector<ManagerConflict>& conflicts) {
  // Managers in name order, each manager's fields in path order.
  std::map<std::string, std::vector<std::string>> by_manager;
  for (const ManagerConflict& c : conflicts) {
    std::vector<std::string>& paths = by_manager[DescribeManager(*c.owner)];
    c.fields.ForEach([&](const Path& p) { paths.push_back(PathToString(p)); });
  }
  StatusDetails details;
  size_t total = 0;
  for (const auto& [manager, paths] : by_manager) {
    for (const std::string& path : paths) {
      details.causes.push_back({"FieldManagerConflict", "conflict with " + manager, path});
      ++total;
    }
  }
  std::string message;
  if (total == 1) {
    const Cause& only = details.causes.front();
    message = "Apply failed with 1 conflict: " + only.message + ": " + only.field;
  } else {
    message = "Apply failed with " + std::to_string(total) + " conflicts: ";
    bool first = true;
    for (const auto& [manager, paths] : by_manager) {
      if (paths.empty()) continue;
      message += (first ? "" : "\n") + std::string("conflicts with ") + manager + ":";
      first = false;
      for (const std::string& path : paths) message += "\n- " + path;
    }
  }
  return Status(Reason::kConflict, message, std::move(details));
}

}  // namespace berth::api::apply
