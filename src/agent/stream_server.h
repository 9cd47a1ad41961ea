// StreamServer: the agent's HTTPS endpoint the API server proxies `kubectl logs` to
// (the kubelet's /containerLogs). Only clients with a certificate from the cluster CA in group
// system:masters (the API server) are served.
//
//   GET /containerLogs/<namespace>/<pod>/<container>?follow&previous&tailLines&sinceSeconds
//       &sinceTime&timestamps&limitBytes
//   GET /healthz
//
// Thread-safety: Start/Stop from one thread.
#pragma once

#include <memory>
#include <string>

#include "agent/agent_context.h"
#include "apiserver/http/server.h"
#include "apiserver/tls/pki.h"

namespace berth::agent {

class StreamServer : public apiserver::HttpHandler {
 public:
  // `pki` carries the agent's serving certificate (serving_*) and the cluster CA (ca_cert_pem).
  StreamServer(AgentContext* ctx, const apiserver::tls::Pki& pki, std::string host, uint16_t port);
  ~StreamServer() override;
  Status Start();
  void Stop();
  uint16_t port() const;

  void Handle(apiserver::Request req, std::shared_ptr<apiserver::Responder> responder) override;

 private:
  void ServeLogs(const apiserver::Request& req, const std::vector<std::string>& parts,
                 std::shared_ptr<apiserver::Responder> responder);
  AgentContext* ctx_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  std::unique_ptr<apiserver::HttpServer> http_;
  Status init_;
};

}  // namespace berth::agent
