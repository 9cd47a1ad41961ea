// A minimal blocking HTTP/1.1 client (Boost.Beast) for registry traffic: one connection per
// request, HTTPS with certificate and host name verification via OpenSSL, optional streaming of
// a successful body into a sink, a per-operation timeout. Redirects are not followed here (the
// registry client decides what credentials a redirect may carry).
//
// Thread-safety: every call is independent. Errors: InternalError "<host>: unreachable: ..."
// for connection/TLS failures and timeouts; HTTP error statuses are results, not errors.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::image {

struct HttpRequest {
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // unless it went to the sink
};

struct HttpFetchOptions {
  // Receives the body of a 200 response chunk by chunk; a non-OK Status aborts.
  std::function<Status(const char* data, size_t size)> sink;
  std::chrono::seconds timeout{60};
  size_t max_body = 16 << 20;  // for bodies not sent to the sink
};

StatusOr<HttpResponse> HttpFetch(const HttpRequest& request, const HttpFetchOptions& options);

// "%XX"-escapes everything but unreserved characters, for query values.
std::string UrlEncode(const std::string& s);

}  // namespace berth::image
