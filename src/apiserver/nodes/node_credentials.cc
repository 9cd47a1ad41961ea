#include "apiserver/nodes/node_credentials.h"

#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include "apiserver/tls/atomic_file.h"
#include "apiserver/tls/certificate.h"

namespace berth::apiserver::nodes {

StatusOr<std::string> LoadOrCreateJoinToken(const std::string& pki_dir) {
  std::string path = pki_dir + "/" + kJoinTokenFile;
  std::ifstream in(path);
  std::string token;
  if (in && std::getline(in, token) && token.size() >= 32) return token;
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return InternalError("join token: no randomness");
  static const char* kHex = "0123456789abcdef";
  token.clear();
  for (unsigned char c : raw) {
    token += kHex[c >> 4];
    token += kHex[c & 15];
  }
  BERTH_RETURN_IF_ERROR(tls::WriteFileAtomically(path, token + "\n", 0600));
  return token;
}

StatusOr<NodeCredentials> IssueNodeCredentials(const tls::Pki& pki, const std::string& node_name,
                                               const std::vector<std::string>& addresses) {
  tls::CertAndKey ca{pki.ca_cert_pem, pki.ca_key_pem};
  tls::CertRequest client;
  client.common_name = "system:node:" + node_name;
  client.organizations = {"system:nodes"};
  client.usage = tls::CertUsage::kClient;
  auto c = tls::IssueCertificate(ca, client);
  if (!c.ok()) return c.status();
  tls::CertRequest serving;
  serving.common_name = node_name;
  serving.usage = tls::CertUsage::kServer;
  std::vector<std::string> names = addresses;
  names.push_back(node_name);
  names.push_back("127.0.0.1");
  names.push_back("localhost");
  for (const auto& n : names) {
    auto san = tls::ParseSubjectAltName(n);
    if (san.ok()) serving.sans.push_back(*san);
  }
  serving.sans = tls::CanonicalSanSet(serving.sans);
  auto s = tls::IssueCertificate(ca, serving);
  if (!s.ok()) return s.status();
  return NodeCredentials{pki.ca_cert_pem, c->cert_pem, c->key_pem, s->cert_pem, s->key_pem};
}

json::object CredentialsToJson(const NodeCredentials& c) {
  return json::object{{"caCert", c.ca_cert_pem},         {"clientCert", c.client_cert_pem},
                      {"clientKey", c.client_key_pem},   {"servingCert", c.serving_cert_pem},
                      {"servingKey", c.serving_key_pem}};
}

StatusOr<NodeCredentials> CredentialsFromJson(const json::value& v) {
  if (!v.is_object()) return BadRequest("node credentials: not an object");
  const auto& o = v.as_object();
  NodeCredentials c{GetString(o, {"caCert"}),      GetString(o, {"clientCert"}),
                    GetString(o, {"clientKey"}),   GetString(o, {"servingCert"}),
                    GetString(o, {"servingKey"})};
  if (c.ca_cert_pem.empty() || c.client_cert_pem.empty() || c.client_key_pem.empty())
    return BadRequest("node credentials: missing certificates");
  return c;
}

}  // namespace berth::apiserver::nodes
