#include "apiserver/tls/pki.h"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "apiserver/tls/atomic_file.h"

namespace berth::apiserver::tls {
namespace {

constexpr int kCaValidityDays = 3650;
constexpr int kLeafValidityDays = 365;
constexpr int kRenewWithinDays = 30;
constexpr mode_t kSecretMode = 0600;
constexpr mode_t kPublicMode = 0644;

std::string Join(const std::string& dir, const char* file) { return dir + "/" + file; }

Status EnsurePrivateDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("create " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return InternalError("chmod " + dir + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// Reads a file that may legitimately be absent: returns "" when missing.
StatusOr<std::string> ReadOptional(const std::string& path) {
  StatusOr<std::string> content = ReadWholeFile(path);
  if (!content.ok() && content.status().reason() == Reason::kNotFound) return std::string();
  return content;
}

Status WritePair(const std::string& dir, const char* cert_file, const char* key_file,
                 const CertAndKey& pair) {
  // Key first: after a crash between the two writes the old certificate no
  // longer matches the key, so the next start re-issues instead of serving a
  // mismatched pair.
  BERTH_RETURN_IF_ERROR(WriteFileAtomically(Join(dir, key_file), pair.key_pem, kSecretMode));
  return WriteFileAtomically(Join(dir, cert_file), pair.cert_pem, kPublicMode);
}

Status LoadOrCreateCa(Pki& pki) {
  StatusOr<std::string> cert = ReadOptional(Join(pki.dir, kCaCertFile));
  if (!cert.ok()) return cert.status();
  StatusOr<std::string> key = ReadOptional(Join(pki.dir, kCaKeyFile));
  if (!key.ok()) return key.status();
  if (!cert->empty() && key->empty()) {
    return InternalError(Join(pki.dir, kCaCertFile) + " exists but " + kCaKeyFile +
                         " is missing; restore the CA key or remove the pki folder");
  }
  if (!cert->empty()) {
    // A CA whose files disagree is not silently replaced: every credential
    // handed out so far depends on it.
    Status s = CheckKeyMatches(*cert, *key);
    if (!s.ok()) return InternalError("cluster CA in " + pki.dir + ": " + s.message());
    pki.ca_cert_pem = std::move(*cert);
    pki.ca_key_pem = std::move(*key);
    return Status::Ok();
  }
  // No certificate (first start, or a crash before the certificate was
  // written): nothing can have been issued by this CA yet.
  StatusOr<CertAndKey> ca = CreateSelfSignedCa("berth-ca", kCaValidityDays);
  if (!ca.ok()) return ca.status();
  BERTH_RETURN_IF_ERROR(WritePair(pki.dir, kCaCertFile, kCaKeyFile, *ca));
  pki.ca_cert_pem = std::move(ca->cert_pem);
  pki.ca_key_pem = std::move(ca->key_pem);
  pki.changes.push_back("created cluster CA");
  return Status::Ok();
}

// Why an on-disk leaf certificate cannot be reused, or "" if it can.
std::string ReuseProblem(const Pki& pki, const std::string& cert, const std::string& key) {
  if (cert.empty() || key.empty()) return "missing";
  if (Status s = CheckKeyMatches(cert, key); !s.ok()) return s.message();
  if (Status s = VerifySignedBy(cert, pki.ca_cert_pem); !s.ok()) return s.message();
  StatusOr<bool> expiring = ExpiresWithin(cert, kRenewWithinDays);
  if (!expiring.ok()) return expiring.status().message();
  if (*expiring) return "expires within " + std::to_string(kRenewWithinDays) + " days";
  return "";
}

// Loads a leaf pair, or issues and writes a new one when `problem` (given the
// loaded PEMs) says it cannot be reused.
template <typename Problem>
StatusOr<CertAndKey> LoadOrIssueLeaf(Pki& pki, const char* cert_file, const char* key_file,
                                     const CertRequest& request, const std::string& label,
                                     Problem problem) {
  StatusOr<std::string> cert = ReadOptional(Join(pki.dir, cert_file));
  if (!cert.ok()) return cert.status();
  StatusOr<std::string> key = ReadOptional(Join(pki.dir, key_file));
  if (!key.ok()) return key.status();
  std::string why = ReuseProblem(pki, *cert, *key);
  if (why.empty()) why = problem(*cert);
  if (why.empty()) return CertAndKey{std::move(*cert), std::move(*key)};

  StatusOr<CertAndKey> issued = IssueCertificate({pki.ca_cert_pem, pki.ca_key_pem}, request);
  if (!issued.ok()) return issued.status();
  BERTH_RETURN_IF_ERROR(WritePair(pki.dir, cert_file, key_file, *issued));
  pki.changes.push_back(why == "missing" ? "created " + label : "re-issued " + label + ": " + why);
  return issued;
}

std::string HexEncode(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::string FirstLine(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_first_of(" \t\r\n", begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

Status LoadOrCreateToken(Pki& pki) {
  std::string path = Join(pki.dir, kAdminTokenFile);
  StatusOr<std::string> content = ReadOptional(path);
  if (!content.ok()) return content.status();
  pki.admin_token = FirstLine(*content);
  if (!pki.admin_token.empty()) return Status::Ok();
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return InternalError("RAND_bytes failed");
  pki.admin_token = HexEncode(bytes, sizeof(bytes));
  BERTH_RETURN_IF_ERROR(WriteFileAtomically(path, pki.admin_token + "\n", kSecretMode));
  pki.changes.push_back("created admin token");
  return Status::Ok();
}

std::string SanListText(const std::vector<SubjectAltName>& sans) {
  std::string out;
  for (const SubjectAltName& san : sans) out += (out.empty() ? "" : ",") + san.ToString();
  return out;
}

}  // namespace

StatusOr<std::vector<SubjectAltName>> ServingSans(const std::vector<std::string>& extra_sans) {
  std::vector<SubjectAltName> sans = {{SubjectAltName::Kind::kIp, "127.0.0.1"},
                                      {SubjectAltName::Kind::kIp, "::1"},
                                      {SubjectAltName::Kind::kDns, "localhost"}};
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) {
    // The host name is best effort: an unusual one is left out, not an error.
    StatusOr<SubjectAltName> parsed = ParseSubjectAltName(host);
    if (parsed.ok()) sans.push_back(*parsed);
  }
  for (const std::string& extra : extra_sans) {
    StatusOr<SubjectAltName> parsed = ParseSubjectAltName(extra);
    if (!parsed.ok()) return parsed.status();
    // 0.0.0.0 and :: are listen addresses, never names a client dials.
    if (parsed->kind == SubjectAltName::Kind::kIp &&
        (parsed->value == "0.0.0.0" || parsed->value == "::")) {
      continue;
    }
    sans.push_back(*parsed);
  }
  return CanonicalSanSet(std::move(sans));
}

StatusOr<Pki> LoadOrCreatePki(const std::string& data_dir,
                              const std::vector<std::string>& extra_sans) {
  if (data_dir.empty()) return BadRequest("data dir must not be empty");
  Pki pki;
  pki.dir = Join(data_dir, "pki");
  StatusOr<std::vector<SubjectAltName>> sans = ServingSans(extra_sans);
  if (!sans.ok()) return sans.status();
  pki.serving_sans = std::move(*sans);

  BERTH_RETURN_IF_ERROR(EnsurePrivateDir(pki.dir));
  BERTH_RETURN_IF_ERROR(LoadOrCreateCa(pki));

  CertRequest serving;
  serving.common_name = "berth-apiserver";
  serving.usage = CertUsage::kServer;
  serving.sans = pki.serving_sans;
  serving.validity_days = kLeafValidityDays;
  StatusOr<CertAndKey> serving_pair = LoadOrIssueLeaf(
      pki, kServingCertFile, kServingKeyFile, serving, "serving certificate",
      [&](const std::string& cert) -> std::string {
        StatusOr<std::vector<SubjectAltName>> have = ReadSubjectAltNames(cert);
        if (!have.ok()) return have.status().message();
        if (*have != pki.serving_sans) {
          return "SANs changed from " + SanListText(*have) + " to " + SanListText(pki.serving_sans);
        }
        return "";
      });
  if (!serving_pair.ok()) return serving_pair.status();
  pki.serving_cert_pem = std::move(serving_pair->cert_pem);
  pki.serving_key_pem = std::move(serving_pair->key_pem);

  CertRequest admin;
  admin.common_name = kAdminUserName;
  admin.organizations = {kMastersGroup};
  admin.usage = CertUsage::kClient;
  admin.validity_days = kLeafValidityDays;
  StatusOr<CertAndKey> admin_pair = LoadOrIssueLeaf(
      pki, kAdminCertFile, kAdminKeyFile, admin, "admin client certificate",
      [&](const std::string& cert) -> std::string {
        StatusOr<X509Ptr> parsed = ParseCertificatePem(cert);
        if (!parsed.ok()) return parsed.status().message();
        SubjectIdentity id = ReadSubject(parsed->get());
        if (id.common_name != kAdminUserName || id.organizations != admin.organizations) {
          return "subject is not CN=admin, O=system:masters";
        }
        return "";
      });
  if (!admin_pair.ok()) return admin_pair.status();
  pki.admin_cert_pem = std::move(admin_pair->cert_pem);
  pki.admin_key_pem = std::move(admin_pair->key_pem);

  BERTH_RETURN_IF_ERROR(LoadOrCreateToken(pki));
  return pki;
}

StatusOr<CertAndKey> IssueClientCert(const Pki& pki, const std::string& common_name,
                                     const std::vector<std::string>& organizations,
                                     int validity_days) {
  if (common_name.empty()) return BadRequest("client certificate needs a common name");
  if (validity_days <= 0) return BadRequest("client certificate validity must be positive");
  CertRequest request;
  request.common_name = common_name;
  request.organizations = organizations;
  request.usage = CertUsage::kClient;
  request.validity_days = validity_days;
  return IssueCertificate({pki.ca_cert_pem, pki.ca_key_pem}, request);
}

}  // namespace berth::apiserver::tls
