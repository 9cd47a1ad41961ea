// ServiceAccountTokens: the node's cache of service account tokens for projected volumes (the
// kubelet's token manager). A token is requested through the API
// (POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token, a TokenRequest bound to the pod by
// name and uid, with the source's audience and expirationSeconds, default 3600) and reused until
// 80% of its lifetime has passed; then the next Get requests a fresh one. Entries are keyed by
// (pod uid, service account, audience, expirationSeconds); expired ones are dropped on each Get.
//
// Thread-safety: all methods may be called from any pod worker concurrently (one mutex; the
// request itself runs outside it). Errors: the API's Status (NotFound while the account does not
// exist yet), BadRequest for a response without a token.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::agent {

class ServiceAccountTokens {
 public:
  // POSTs `body` to `path` and returns the response object.
  using CreateFn =
      std::function<StatusOr<json::value>(const std::string& path, const json::value& body)>;

  // The token for `source` (a serviceAccountToken projection) of `pod` at time `now`.
  StatusOr<std::string> Get(const json::object& pod, const json::object& source,
                            const CreateFn& create, Clock::time_point now);
  size_t size() const;

  // The agent-wide instance.
  static ServiceAccountTokens& Shared();

 private:
  struct Entry {
    std::string token;
    Clock::time_point refresh_at;
    Clock::time_point expires;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace berth::agent
