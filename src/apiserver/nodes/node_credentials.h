// Node credentials: how an agent gets its identity.
//
// The server keeps a join token in <data-dir>/pki/join.token (created on first start, 0600).
// An agent presents it once (POST /berth/v1/join, "Authorization: Bearer <join token>",
// body {"nodeName": "...", "addresses": ["10.0.0.5"]}) and gets back, in JSON:
//   caCert         the cluster CA, to verify the API server
//   clientCert/Key its identity: CN=system:node:<name>, O=system:nodes (NodeAuthorizer rules)
//   servingCert/Key the certificate of the agent's own HTTPS endpoint (logs), for its name and
//                  addresses, signed by the cluster CA
// The agent stores them in its data dir and never needs the join token again.
#pragma once

#include <string>
#include <vector>

#include "apiserver/tls/pki.h"
#include "common/json.h"

namespace berth::apiserver::nodes {

inline constexpr char kJoinTokenFile[] = "join.token";
inline constexpr char kJoinPath[] = "/berth/v1/join";

struct NodeCredentials {
  std::string ca_cert_pem;
  std::string client_cert_pem, client_key_pem;
  std::string serving_cert_pem, serving_key_pem;
};

// Reads <pki_dir>/join.token, creating it (32 random bytes, hex) if missing.
StatusOr<std::string> LoadOrCreateJoinToken(const std::string& pki_dir);

StatusOr<NodeCredentials> IssueNodeCredentials(const tls::Pki& pki, const std::string& node_name,
                                               const std::vector<std::string>& addresses);

json::object CredentialsToJson(const NodeCredentials& c);
StatusOr<NodeCredentials> CredentialsFromJson(const json::value& v);

}  // namespace berth::apiserver::nodes
