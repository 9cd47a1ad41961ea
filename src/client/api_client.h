// ApiClient: berth's client of the Kubernetes API (used by the node agent, later by controllers).
//
// HTTPS/1.1 with keep-alive connections kept in a small pool; every request has a deadline.
// Authentication is a client certificate (node identity, admin) or a bearer token. The server's
// certificate is verified against the cluster CA when one is given.
//
// Errors: a non-2xx answer becomes a Status with the server's reason and message (the body is a
// Kubernetes Status); transport failures become ServiceUnavailable ("connect 127.0.0.1:6443:
// Connection refused"), deadlines Timeout. Nothing throws.
//
// Thread-safety: all methods may be called concurrently from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/interface.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::client {

struct ClientConfig {
  std::string server;        // "https://127.0.0.1:6443"
  std::string ca_pem;        // empty: do not verify the server's certificate
  std::string cert_pem;      // client certificate (optional)
  std::string key_pem;
  std::string token;         // bearer token (optional)
  std::string user_agent = "berth";
  std::chrono::milliseconds timeout{30000};
  // A stream (watch, log follow) that receives nothing for this long is treated as broken and
  // ends with ServiceUnavailable, so half-open connections are noticed. 0 = never.
  std::chrono::milliseconds stream_idle_timeout{0};
};

// Reads a kubeconfig written by berth (current context; embedded data or file paths).
StatusOr<ClientConfig> LoadKubeconfig(const std::string& path);

struct RawResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

class ApiClient : public Interface {
 public:
  explicit ApiClient(ClientConfig config);
  ~ApiClient() override;
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  const ClientConfig& config() const { return config_; }

  // One request; `path` includes the query. Returns the response whatever its status, or a
  // transport error.
  StatusOr<RawResponse> Do(const std::string& method, const std::string& path,
                           const std::string& body = "",
                           const std::string& content_type = "application/json");

  // JSON helpers: non-2xx becomes the server's Status.
  StatusOr<json::value> Get(const std::string& path) override;
  StatusOr<json::value> Create(const std::string& collection_path,
                               const json::value& object) override;
  StatusOr<json::value> Update(const std::string& path, const json::value& object) override;
  StatusOr<json::value> Patch(const std::string& path, const json::value& patch,
                              PatchType type = PatchType::kMerge) override;
  Status Delete(const std::string& path, const json::value& options = {}) override;

  // A watch: calls `on_event(type, object)` for each event ("ADDED", "MODIFIED", "DELETED",
  // "BOOKMARK", "ERROR") until the server ends the stream (returns Ok), `on_event` returns false,
  // `stop` becomes true (checked at least every 200 ms), or an error occurs.
  Status Watch(const std::string& path_with_query,
               const std::function<bool(const std::string& type, json::value& object)>& on_event,
               const std::atomic<bool>* stop) override;

  // A GET whose body is streamed: `on_data` gets each piece as it arrives (return false to stop).
  // A non-2xx answer becomes the server's Status. Ends like Watch.
  Status Stream(const std::string& path,
                const std::function<bool(std::string_view data)>& on_data,
                const std::atomic<bool>* stop);

 private:
  struct Conn;
  std::unique_ptr<Conn> Take(std::string* err);
  void Return(std::unique_ptr<Conn> conn);

  ClientConfig config_;
  std::string host_;
  std::string port_;
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

// The Status encoded in a Kubernetes Status body (or a generic one for `http_status`).
Status StatusFromResponse(int http_status, const std::string& body);

// Percent-encodes a query parameter value.
std::string QueryEscape(const std::string& s);

}  // namespace berth::client
