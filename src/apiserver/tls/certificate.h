// X.509 certificates for the cluster PKI: key generation, issuing CA, serving
// and client certificates, parsing PEM, and the checks LoadOrCreatePki makes
// before reusing a certificate found on disk.
//
// Keys are EC P-256 (PKCS#8 PEM); certificates are X.509 v3, SHA-256 signed,
// with random positive 128-bit serials, backdated one hour for clock skew.
// Pure functions over PEM strings; thread-safe. Errors: InternalError when
// OpenSSL fails, BadRequest when a PEM input does not parse.
#pragma once

#include <string>
#include <vector>

#include "apiserver/tls/openssl_ptr.h"
#include "apiserver/tls/subject_alt_name.h"
#include "common/status.h"

namespace berth::apiserver::tls {

struct CertAndKey {
  std::string cert_pem;
  std::string key_pem;
};

enum class CertUsage {
  kCa,      // basicConstraints CA:TRUE, keyCertSign
  kServer,  // extKeyUsage serverAuth
  kClient,  // extKeyUsage clientAuth
};

struct CertRequest {
  std::string common_name;
  std::vector<std::string> organizations;  // subject O= entries (Kubernetes groups)
  CertUsage usage = CertUsage::kClient;
  std::vector<SubjectAltName> sans;  // serving certificates only
  int validity_days = 365;
};

// A self-signed CA certificate and its new key.
StatusOr<CertAndKey> CreateSelfSignedCa(const std::string& common_name, int validity_days);

// A new key and a certificate for it signed by `ca`. The validity is clipped to
// the CA's own expiry.
StatusOr<CertAndKey> IssueCertificate(const CertAndKey& ca, const CertRequest& request);

StatusOr<X509Ptr> ParseCertificatePem(const std::string& pem);
StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(const std::string& pem);

// OK iff `cert_pem` chains to `ca_pem` and is valid now. The error message
// carries OpenSSL's verification reason.
Status VerifySignedBy(const std::string& cert_pem, const std::string& ca_pem);

// OK iff the certificate's public key belongs to `key_pem`.
Status CheckKeyMatches(const std::string& cert_pem, const std::string& key_pem);

// True if the certificate expires within `days` from now (or already has).
StatusOr<bool> ExpiresWithin(const std::string& cert_pem, int days);

// The DNS and IP SANs of a certificate, canonical and sorted.
StatusOr<std::vector<SubjectAltName>> ReadSubjectAltNames(const std::string& cert_pem);

// Subject CN (last one if several) and O entries, in order.
struct SubjectIdentity {
  std::string common_name;
  std::vector<std::string> organizations;
};
SubjectIdentity ReadSubject(X509* cert);

}  // namespace berth::apiserver::tls
