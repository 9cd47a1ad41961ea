// The cluster PKI kept under <data-dir>/pki/: a self-signed cluster CA, the API
// server's serving certificate, and the admin credentials (a client
// certificate CN=admin, O=system:masters and a random bearer token).
//
// Files (keys and the token 0600, certificates 0644, folder 0700):
//   ca.crt ca.key                 cluster CA, EC P-256, 10 years
//   apiserver.crt apiserver.key   serving certificate, 1 year
//   admin.crt admin.key           admin client certificate, 1 year
//   admin.token                   64 hex characters (32 random bytes) and a newline
//
// LoadOrCreatePki creates what is missing and reuses what is valid. The CA is
// never replaced once its key exists (everything else is derived from it);
// the serving and admin certificates are re-issued when they do not match
// their key, do not chain to the CA, expire within 30 days, or (serving) their
// SAN set differs from the requested one. Every file is written atomically.
//
// Thread-safety: the functions are reentrant, but two processes must not run
// LoadOrCreatePki on the same folder at once (the server holds the data dir).
// Errors: BadRequest for an invalid extra SAN; InternalError for I/O and
// OpenSSL failures, or a CA certificate present without its key.
#pragma once

#include <string>
#include <vector>

#include "apiserver/tls/certificate.h"
#include "apiserver/tls/subject_alt_name.h"
#include "common/status.h"

namespace berth::apiserver::tls {

inline constexpr char kCaCertFile[] = "ca.crt";
inline constexpr char kCaKeyFile[] = "ca.key";
inline constexpr char kServingCertFile[] = "apiserver.crt";
inline constexpr char kServingKeyFile[] = "apiserver.key";
inline constexpr char kAdminCertFile[] = "admin.crt";
inline constexpr char kAdminKeyFile[] = "admin.key";
inline constexpr char kAdminTokenFile[] = "admin.token";

inline constexpr char kAdminUserName[] = "admin";
inline constexpr char kMastersGroup[] = "system:masters";

struct Pki {
  std::string dir;  // <data-dir>/pki
  std::string ca_cert_pem, ca_key_pem;
  std::string serving_cert_pem, serving_key_pem;
  std::string admin_cert_pem, admin_key_pem;  // CN=admin, O=system:masters
  std::string admin_token;                    // hex, no newline
  std::vector<SubjectAltName> serving_sans;   // canonical, sorted
  // What this call created or replaced, for the server's start-up log
  // ("created cluster CA", "re-issued serving certificate: SANs changed").
  std::vector<std::string> changes;
};

// `extra_sans` are IPs or DNS names (e.g. from --listen or --tls-san); the
// serving certificate always also covers 127.0.0.1, ::1, localhost and the
// machine's host name.
StatusOr<Pki> LoadOrCreatePki(const std::string& data_dir,
                              const std::vector<std::string>& extra_sans);

// A new client certificate and key signed by the cluster CA, for identities
// such as nodes (CN=system:node:<name>, O=system:nodes). Not written to disk.
StatusOr<CertAndKey> IssueClientCert(const Pki& pki, const std::string& common_name,
                                     const std::vector<std::string>& organizations,
                                     int validity_days = 365);

// The SAN set LoadOrCreatePki puts in the serving certificate for `extra_sans`
// (exposed for tests and for logging).
StatusOr<std::vector<SubjectAltName>> ServingSans(const std::vector<std::string>& extra_sans);

}  // namespace berth::apiserver::tls
