// metadata.managedFields as a value: one ManagerEntry per (manager, operation,
// subresource), each owning a FieldSet. Decoding is lenient (entries that are
// malformed are dropped, as kube-apiserver resets managed fields it cannot
// read); encoding drops entries with empty sets and sorts the rest the way
// Kubernetes does (operation, then time, manager, apiVersion, subresource).
// Value types; not thread-safe for concurrent mutation; never throws.
#pragma once

#include <string>
#include <vector>

#include "api/apply/field_set.h"
#include "common/json.h"

namespace berth::api::apply {

inline constexpr const char* kOperationApply = "Apply";
inline constexpr const char* kOperationUpdate = "Update";

struct ManagerEntry {
  std::string manager;
  std::string operation;  // "Apply" or "Update"
  std::string api_version;
  std::string time;  // RFC 3339, may be empty
  std::string subresource;
  FieldSet fields;

  bool SameIdentity(const std::string& m, const std::string& op, const std::string& sub) const {
    return manager == m && operation == op && subresource == sub;
  }
};

class ManagedFields {
 public:
  // Reads `object`.metadata.managedFields (missing or malformed -> empty).
  static ManagedFields FromObject(const json::value& object);
  // Reads a managedFields array.
  static ManagedFields FromJson(const json::value& entries);

  std::vector<ManagerEntry>& entries() { return entries_; }
  const std::vector<ManagerEntry>& entries() const { return entries_; }

  // The entry for (manager, operation, subresource), or nullptr.
  ManagerEntry* Find(const std::string& manager, const std::string& operation,
                     const std::string& subresource);
  // The entry, appended with an empty set if it does not exist yet.
  ManagerEntry& FindOrAdd(const std::string& manager, const std::string& operation,
                          const std::string& subresource);

  // True when any entry's set holds `path`, or (for field elements) anything below it.
  bool Owns(const Path& path) const;

  // The managedFields array (sorted, empty sets dropped).
  json::array ToJson() const;
  // Writes ToJson() into `object`.metadata.managedFields, or removes the key
  // when nothing is managed.
  void WriteTo(json::value* object) const;

 private:
  std::vector<ManagerEntry> entries_;
};

// Removes metadata.managedFields from `object` if present.
void StripManagedFields(json::value* object);

}  // namespace berth::api::apply
