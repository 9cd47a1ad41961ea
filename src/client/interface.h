// client::Interface: the Kubernetes API as berth's own components use it (node agent,
// controllers, scheduler). Two implementations: ApiClient (HTTPS, for processes that talk to a
// remote server) and apiserver::LocalClient (in-process, the same request path without sockets,
// for the control plane running inside `berth server`).
//
// Paths are API paths with an optional query ("/apis/apps/v1/namespaces/ns/deployments/web").
// Errors: a refused request is the server's Status (reason and message as Kubernetes sends them);
// transport failures are ServiceUnavailable. Nothing throws. All methods are thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "common/json.h"
#include "common/status.h"

namespace berth::client {

enum class PatchType { kMerge, kStrategic, kJson, kApply };

class Interface {
 public:
  virtual ~Interface() = default;

  virtual StatusOr<json::value> Get(const std::string& path) = 0;
  virtual StatusOr<json::value> Create(const std::string& collection_path,
                                       const json::value& object) = 0;
  virtual StatusOr<json::value> Update(const std::string& path, const json::value& object) = 0;
  virtual StatusOr<json::value> Patch(const std::string& path, const json::value& patch,
                                      PatchType type = PatchType::kMerge) = 0;
  // `options` is a DeleteOptions body (propagationPolicy, preconditions, gracePeriodSeconds) or
  // null for none.
  virtual Status Delete(const std::string& path, const json::value& options = {}) = 0;

  // A watch: calls `on_event(type, object)` for each event ("ADDED", "MODIFIED", "DELETED",
  // "BOOKMARK", "ERROR") until the server ends the stream (returns Ok), `on_event` returns false,
  // `stop` becomes true (checked at least every 200 ms), or an error occurs.
  virtual Status Watch(
      const std::string& path_with_query,
      const std::function<bool(const std::string& type, json::value& object)>& on_event,
      const std::atomic<bool>* stop) = 0;
};

}  // namespace berth::client
