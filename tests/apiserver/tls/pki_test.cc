#include "apiserver/tls/pki.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "apiserver/tls/atomic_file.h"
#include "apiserver/tls/certificate.h"
#include "temp_dir.h"

namespace berth::apiserver::tls {
namespace {

using testing::TempDir;

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

std::string HostName() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return host;
}

X509Ptr Cert(const std::string& pem) {
  StatusOr<X509Ptr> cert = ParseCertificatePem(pem);
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  return cert.ok() ? std::move(*cert) : nullptr;
}

bool HasHost(X509* cert, const std::string& host) {
  return X509_check_host(cert, host.data(), host.size(), 0, nullptr) == 1;
}
bool HasIp(X509* cert, const std::string& ip) {
  return X509_check_ip_asc(cert, ip.c_str(), 0) == 1;
}

TEST(PkiTest, FirstStartCreatesAllFilesWithPrivateModes) {
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path() + "/data", {});
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  std::string pki_dir = dir.path() + "/data/pki";
  EXPECT_EQ(pki->dir, pki_dir);
  EXPECT_EQ(ModeOf(pki_dir), 0700u);
  for (const char* f : {kCaKeyFile, kServingKeyFile, kAdminKeyFile, kAdminTokenFile}) {
    EXPECT_EQ(ModeOf(pki_dir + "/" + f), 0600u) << f;
  }
  for (const char* f : {kCaCertFile, kServingCertFile, kAdminCertFile}) {
    EXPECT_EQ(ModeOf(pki_dir + "/" + f), 0644u) << f;
  }
  // No temporary files left behind.
  for (const auto& entry : std::filesystem::directory_iterator(pki_dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
  ASSERT_EQ(pki->admin_token.size(), 64u);
  EXPECT_EQ(pki->admin_token.find_first_not_of("0123456789abcdef"), std::string::npos);
  StatusOr<std::string> token_file = ReadWholeFile(pki_dir + "/" + kAdminTokenFile);
  ASSERT_TRUE(token_file.ok());
  EXPECT_EQ(*token_file, pki->admin_token + "\n");
  EXPECT_EQ(pki->changes.size(), 4u);  // CA, serving, admin cert, token
}

TEST(PkiTest, SecondStartLoadsTheSameCredentials) {
  TempDir dir;
  StatusOr<Pki> first = LoadOrCreatePki(dir.path(), {"10.0.0.5"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  StatusOr<Pki> second = LoadOrCreatePki(dir.path(), {"10.0.0.5"});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->ca_cert_pem, first->ca_cert_pem);
  EXPECT_EQ(second->ca_key_pem, first->ca_key_pem);
  EXPECT_EQ(second->serving_cert_pem, first->serving_cert_pem);
  EXPECT_EQ(second->serving_key_pem, first->serving_key_pem);
  EXPECT_EQ(second->admin_cert_pem, first->admin_cert_pem);
  EXPECT_EQ(second->admin_token, first->admin_token);
  EXPECT_TRUE(second->changes.empty());
}

TEST(PkiTest, TwoClustersGetDifferentCasAndTokens) {
  TempDir a, b;
  StatusOr<Pki> pa = LoadOrCreatePki(a.path(), {});
  StatusOr<Pki> pb = LoadOrCreatePki(b.path(), {});
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_NE(pa->ca_cert_pem, pb->ca_cert_pem);
  EXPECT_NE(pa->admin_token, pb->admin_token);
  EXPECT_FALSE(VerifySignedBy(pa->serving_cert_pem, pb->ca_cert_pem).ok());
}

TEST(PkiTest, ServingCertChainsToCaAndCoversTheSans) {
  TempDir dir;
  StatusOr<Pki> pki =
      LoadOrCreatePki(dir.path(), {"192.0.2.10", "API.example.test", "[2001:db8::1]"});
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  EXPECT_TRUE(VerifySignedBy(pki->serving_cert_pem, pki->ca_cert_pem).ok());
  EXPECT_TRUE(CheckKeyMatches(pki->serving_cert_pem, pki->serving_key_pem).ok());

  X509Ptr cert = Cert(pki->serving_cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(HasIp(cert.get(), "127.0.0.1"));
  EXPECT_TRUE(HasIp(cert.get(), "::1"));
  EXPECT_TRUE(HasIp(cert.get(), "192.0.2.10"));
  EXPECT_TRUE(HasIp(cert.get(), "2001:db8::1"));
  EXPECT_TRUE(HasHost(cert.get(), "localhost"));
  EXPECT_TRUE(HasHost(cert.get(), "api.example.test"));
  EXPECT_TRUE(HasHost(cert.get(), HostName()));
  EXPECT_FALSE(HasHost(cert.get(), "evil.example.test"));
  EXPECT_FALSE(HasIp(cert.get(), "192.0.2.11"));
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);

  X509Ptr ca = Cert(pki->ca_cert_pem);
  ASSERT_TRUE(ca);
  EXPECT_GE(X509_check_ca(ca.get()), 1);
  // The CA lives about ten years.
  time_t nine_years = std::time(nullptr) + 9L * 365 * 24 * 3600;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(ca.get()), &nine_years), 0);
}

TEST(PkiTest, WildcardListenAddressesAreNotSans) {
  StatusOr<std::vector<SubjectAltName>> sans = ServingSans({"0.0.0.0", "::", "10.9.9.9"});
  ASSERT_TRUE(sans.ok());
  for (const SubjectAltName& san : *sans) {
    EXPECT_NE(san.value, "0.0.0.0");
    EXPECT_NE(san.value, "::");
  }
  EXPECT_NE(
      std::find(sans->begin(), sans->end(), SubjectAltName{SubjectAltName::Kind::kIp, "10.9.9.9"}),
      sans->end());
}

TEST(PkiTest, ChangedSansReissueServingCertButKeepCaAndAdmin) {
  TempDir dir;
  StatusOr<Pki> first = LoadOrCreatePki(dir.path(), {"10.0.0.1"});
  ASSERT_TRUE(first.ok());
  StatusOr<Pki> second = LoadOrCreatePki(dir.path(), {"10.0.0.2"});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->ca_cert_pem, first->ca_cert_pem);
  EXPECT_EQ(second->admin_cert_pem, first->admin_cert_pem);
  EXPECT_EQ(second->admin_token, first->admin_token);
  EXPECT_NE(second->serving_cert_pem, first->serving_cert_pem);
  ASSERT_EQ(second->changes.size(), 1u);
  EXPECT_NE(second->changes[0].find("SANs changed"), std::string::npos) << second->changes[0];

  X509Ptr cert = Cert(second->serving_cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(HasIp(cert.get(), "10.0.0.2"));
  EXPECT_FALSE(HasIp(cert.get(), "10.0.0.1"));
  // And the new one is what is on disk now.
  StatusOr<std::string> on_disk = ReadWholeFile(second->dir + "/" + kServingCertFile);
  ASSERT_TRUE(on_disk.ok());
  EXPECT_EQ(*on_disk, second->serving_cert_pem);
  // Same SANs in another order: no re-issue.
  StatusOr<Pki> third = LoadOrCreatePki(dir.path(), {"10.0.0.2", "localhost"});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->serving_cert_pem, second->serving_cert_pem);
}

TEST(PkiTest, DamagedOrForeignLeafCertificatesAreReissued) {
  TempDir dir;
  StatusOr<Pki> first = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(first.ok());
  // Garbage serving certificate.
  ASSERT_TRUE(WriteFileAtomically(first->dir + "/" + kServingCertFile, "junk", 0644).ok());
  // Admin certificate from another CA.
  TempDir other;
  StatusOr<Pki> foreign = LoadOrCreatePki(other.path(), {});
  ASSERT_TRUE(foreign.ok());
  ASSERT_TRUE(
      WriteFileAtomically(first->dir + "/" + kAdminCertFile, foreign->admin_cert_pem, 0644).ok());
  ASSERT_TRUE(
      WriteFileAtomically(first->dir + "/" + kAdminKeyFile, foreign->admin_key_pem, 0600).ok());

  StatusOr<Pki> second = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->ca_cert_pem, first->ca_cert_pem);
  EXPECT_TRUE(VerifySignedBy(second->serving_cert_pem, second->ca_cert_pem).ok());
  EXPECT_TRUE(VerifySignedBy(second->admin_cert_pem, second->ca_cert_pem).ok());
  EXPECT_NE(second->admin_cert_pem, foreign->admin_cert_pem);
  EXPECT_EQ(second->changes.size(), 2u);
}

TEST(PkiTest, MismatchedServingKeyIsReissued) {
  TempDir dir;
  StatusOr<Pki> first = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(
      WriteFileAtomically(first->dir + "/" + kServingKeyFile, first->admin_key_pem, 0600).ok());
  StatusOr<Pki> second = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(CheckKeyMatches(second->serving_cert_pem, second->serving_key_pem).ok());
  EXPECT_NE(second->serving_cert_pem, first->serving_cert_pem);
}

TEST(PkiTest, CaCertificateWithoutKeyIsAnError) {
  TempDir dir;
  StatusOr<Pki> first = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(std::filesystem::remove(first->dir + "/" + kCaKeyFile));
  StatusOr<Pki> second = LoadOrCreatePki(dir.path(), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().reason(), Reason::kInternalError);
  EXPECT_NE(second.status().message().find("ca.key"), std::string::npos);
  // The CA certificate was not overwritten.
  StatusOr<std::string> ca = ReadWholeFile(first->dir + "/" + kCaCertFile);
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(*ca, first->ca_cert_pem);
}

TEST(PkiTest, InvalidExtraSanIsBadRequest) {
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path(), {"not a name"});
  ASSERT_FALSE(pki.ok());
  EXPECT_EQ(pki.status().reason(), Reason::kBadRequest);
  // Nothing was created for a rejected configuration.
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/pki"));
}

TEST(PkiTest, AdminCertificateIsClientCertForSystemMasters) {
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(pki.ok());
  EXPECT_TRUE(VerifySignedBy(pki->admin_cert_pem, pki->ca_cert_pem).ok());
  EXPECT_TRUE(CheckKeyMatches(pki->admin_cert_pem, pki->admin_key_pem).ok());
  X509Ptr cert = Cert(pki->admin_cert_pem);
  ASSERT_TRUE(cert);
  SubjectIdentity id = ReadSubject(cert.get());
  EXPECT_EQ(id.common_name, "admin");
  EXPECT_EQ(id.organizations, std::vector<std::string>{"system:masters"});
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 0);
}

TEST(PkiTest, IssueClientCertForNodeIdentity) {
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(pki.ok());
  StatusOr<CertAndKey> node =
      IssueClientCert(*pki, "system:node:n1", {"system:nodes", "extra"}, 30);
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_TRUE(VerifySignedBy(node->cert_pem, pki->ca_cert_pem).ok());
  EXPECT_TRUE(CheckKeyMatches(node->cert_pem, node->key_pem).ok());
  X509Ptr cert = Cert(node->cert_pem);
  ASSERT_TRUE(cert);
  SubjectIdentity id = ReadSubject(cert.get());
  EXPECT_EQ(id.common_name, "system:node:n1");
  EXPECT_EQ(id.organizations, (std::vector<std::string>{"system:nodes", "extra"}));
  StatusOr<bool> soon = ExpiresWithin(node->cert_pem, 31);
  ASSERT_TRUE(soon.ok());
  EXPECT_TRUE(*soon);
  StatusOr<bool> later = ExpiresWithin(node->cert_pem, 29);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(*later);

  EXPECT_FALSE(IssueClientCert(*pki, "", {}).ok());
  EXPECT_FALSE(IssueClientCert(*pki, "x", {}, 0).ok());
}

TEST(PkiTest, OpensslCliVerifiesTheChain) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  TempDir dir, other;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path(), {});
  StatusOr<Pki> foreign = LoadOrCreatePki(other.path(), {});
  ASSERT_TRUE(pki.ok() && foreign.ok());
  auto verify = [](const std::string& ca, const std::string& cert, const char* purpose) {
    std::string cmd = "openssl verify -purpose " + std::string(purpose) + " -CAfile " + ca + " " +
                      cert + " >/dev/null 2>&1";
    return std::system(cmd.c_str());
  };
  std::string ca = pki->dir + "/" + kCaCertFile;
  EXPECT_EQ(verify(ca, pki->dir + "/" + kServingCertFile, "sslserver"), 0);
  EXPECT_EQ(verify(ca, pki->dir + "/" + kAdminCertFile, "sslclient"), 0);
  EXPECT_NE(verify(ca, foreign->dir + "/" + kServingCertFile, "sslserver"), 0);
}

}  // namespace
}  // namespace berth::apiserver::tls
