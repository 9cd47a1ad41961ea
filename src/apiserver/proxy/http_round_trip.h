// One plain-HTTP/1.1 exchange with an upstream (a pod or a service endpoint), for the
// pods/proxy and services/proxy subresources: connect, send one request with
// `Connection: close`, read the whole answer (Content-Length, chunked, or until close).
//
// Blocking, on the calling thread; every step is bounded by the deadline. Thread-safe (no
// shared state). Errors: ServiceUnavailable when the upstream cannot be reached or closes
// early, Timeout when the deadline passes, InternalError for a malformed answer or one larger
// than `max_body`.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace berth::apiserver::proxy {

struct UpstreamRequest {
  std::string method = "GET";
  std::string host;    // IPv4 or IPv6 literal
  int port = 80;
  std::string target = "/";  // path and query, already escaped
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given (no Host/Connection)
  std::string body;
};

struct UpstreamResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent by the upstream
  std::string body;  // de-chunked
};

// Parses a complete HTTP/1.x response (status line, headers, body). `head_request` means the
// answer has no body whatever its headers say. Errors: InternalError when malformed.
StatusOr<UpstreamResponse> ParseHttpResponse(const std::string& raw, bool head_request);

// Performs the exchange. `timeout` bounds connect + send + receive together.
StatusOr<UpstreamResponse> RoundTrip(const UpstreamRequest& req, std::chrono::milliseconds timeout,
                                     size_t max_body = 64 << 20);

}  // namespace berth::apiserver::proxy
