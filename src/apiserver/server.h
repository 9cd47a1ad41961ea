// Server: `berth server` assembled — the store, PKI, authentication, the API
// handlers, the HTTPS front and the kubeconfig. Start() returns once the
// server answers; kubeconfig is written only then.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::apiserver {

struct ServerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:6443";
  std::vector<std::string> tls_sans;
  int worker_threads = 64;
  // Revisions of history kept for watches and paged lists (older ones are compacted).
  int64_t history_revisions = 10000;
};

class Server {
 public:
  explicit Server(ServerOptions opts);
  ~Server();
  Status Start();
  void Stop();
  uint16_t port() const;
  std::string url() const;

 private:
  void ScheduleMemoryTrim();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::apiserver
