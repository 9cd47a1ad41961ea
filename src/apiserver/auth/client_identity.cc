#include "apiserver/auth/client_identity.h"

#include "apiserver/tls/certificate.h"

namespace berth::apiserver::auth {

std::optional<ClientCertIdentity> ClientIdentityFromSsl(SSL* ssl) {
  if (ssl == nullptr) return std::nullopt;
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) return std::nullopt;
  // With verify_peer a bad certificate already fails the handshake; checking
  // again keeps this safe under a permissive verify callback too.
  if (SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  tls::SubjectIdentity subject = tls::ReadSubject(peer);
  return ClientCertIdentity{std::move(subject.common_name), std::move(subject.organizations)};
}

}  // namespace berth::apiserver::auth
