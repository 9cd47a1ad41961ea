// Server: `berth server` assembled — the store, PKI, authentication, the API
// handlers, the HTTPS front and the kubeconfig. Start() returns once the
// server answers; kubeconfig is written only then.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apiserver/http/request.h"
#include "apiserver/nodes/node_credentials.h"
#include "client/interface.h"
#include "common/status.h"

namespace berth::apiserver {

struct ServerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:6443";
  // More IPv4/IPv6 addresses served on the --listen port (`berth up`: the pod bridge's gateway,
  // so that pods reach the API through the `kubernetes` service). They may not exist yet.
  std::vector<std::string> extra_listen_hosts;
  std::vector<std::string> tls_sans;
  int worker_threads = 64;
  // Revisions of history kept for watches and paged lists (older ones are compacted).
  int64_t history_revisions = 10000;
  // Services get cluster IPs from this IPv4 CIDR (its first address is the
  // `kubernetes` service, its tenth `kube-dns`) and node ports from this range.
  std::string service_cidr = "10.96.0.0/16";
  std::string service_node_port_range = "30000-32767";
  // The address the `kubernetes` service's endpoints name ("" = the --listen
  // host, or 127.0.0.1 when that is a wildcard or not IPv4).
  std::string advertise_address;
  // Service account tokens: the issuer (iss claim, OIDC discovery; also the API audience);
  // "" = https://kubernetes.default.svc.cluster.local.
  std::string service_account_issuer;
};

class Server {
 public:
  explicit Server(ServerOptions opts);
  ~Server();
  Status Start();
  void Stop();
  uint16_t port() const;
  std::string url() const;
  // Credentials for a node, as the join endpoint issues them (used by `berth up` for its own
  // agent, which needs no join token). Valid after Start().
  StatusOr<nodes::NodeCredentials> IssueNodeCredentials(const std::string& node_name,
                                                        const std::vector<std::string>& addresses);
  // An in-process client of this server (see LocalClient) acting as `user` in system:masters;
  // `user_agent` is its default field manager. Valid after Start(); must not outlive the server.
  std::unique_ptr<client::Interface> NewLocalClient(const std::string& user_agent,
                                                    const std::string& user);
  // The cluster CA certificate (PEM); valid after Start(). Published in every namespace as the
  // ConfigMap kube-root-ca.crt.
  const std::string& ca_cert_pem() const;

 private:
  void ScheduleMemoryTrim();
  Response Join(const Request& req);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::apiserver
