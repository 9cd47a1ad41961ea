// RegistryClient: the read side of the OCI distribution API for one repository — manifests and
// blobs — with Docker-style authentication (anonymous or basic-credential Bearer tokens from the
// realm a 401 names, or Basic) and redirect following (credentials never leave the registry's
// origin). Plain HTTP is used only for loopback registries and PullOptions::insecure_registries.
//
// Thread-safety: one client per pull; not thread-safe. Blocks on the network.
// Errors: NotFound "manifest unknown: <ref>" / "blob unknown: <digest>"; Unauthorized/Forbidden
// when the registry refuses; BadRequest for digest mismatches; InternalError for transport.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "image/http_client.h"
#include "image/image_store.h"
#include "image/reference.h"

namespace berth::image {

struct FetchedManifest {
  std::string media_type;
  std::string body;
  std::string digest;  // of body, verified against the requested digest if one was requested
};

class RegistryClient {
 public:
  RegistryClient(const Reference& ref, const PullOptions& options);

  StatusOr<FetchedManifest> GetManifest(const std::string& tag_or_digest);
  // Downloads blob `digest` into file `dest` (created/truncated) and verifies it. `what` names the
  // blob in errors ("layer", "config"). `on_bytes` sees every chunk's size.
  Status FetchBlob(const std::string& digest, const std::string& dest, const std::string& what,
                   const std::function<void(int64_t)>& on_bytes);

  // True if `registry` ("host[:port]") may be spoken to over plain HTTP.
  static bool AllowsPlainHttp(const std::string& registry, const PullOptions& options);

 private:
  StatusOr<HttpResponse> Get(const std::string& path,
                             std::vector<std::pair<std::string, std::string>> headers,
                             const HttpFetchOptions& fetch);
  Status Authenticate(const std::string& challenge);
  const RegistryAuth* Credentials() const;

  Reference ref_;
  PullOptions options_;
  std::string origin_;         // "https://host:port"
  std::string authorization_;  // Authorization header value for origin_, once known
};

}  // namespace berth::image
