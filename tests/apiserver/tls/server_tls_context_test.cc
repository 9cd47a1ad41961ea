// Real TLS handshakes (over an in-process socket pair, no network) between a
// server context from ConfigureServerTls and various clients.
#include "apiserver/tls/server_tls_context.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <optional>

#include "apiserver/auth/client_identity.h"
#include "apiserver/tls/pki.h"
#include "temp_dir.h"

namespace berth::apiserver::tls {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using Socket = asio::local::stream_protocol::socket;
using testing::TempDir;

struct Outcome {
  boost::system::error_code server_ec;
  boost::system::error_code client_ec;
  std::optional<auth::ClientCertIdentity> identity;
  std::string alpn;
};

Outcome Handshake(ssl::context& server_ctx, ssl::context& client_ctx,
                  const std::string& host = "localhost") {
  Outcome out;
  asio::io_context io;
  Socket a(io), b(io);
  asio::local::connect_pair(a, b);
  ssl::stream<Socket> server(std::move(a), server_ctx);
  ssl::stream<Socket> client(std::move(b), client_ctx);
  SSL_set_tlsext_host_name(client.native_handle(), host.c_str());
  client.set_verify_callback(ssl::host_name_verification(host));
  static const unsigned char kProtos[] = "\x02h2\x08http/1.1";
  SSL_set_alpn_protos(client.native_handle(), kProtos, sizeof(kProtos) - 1);

  server.async_handshake(ssl::stream_base::server, [&](const boost::system::error_code& ec) {
    out.server_ec = ec;
    if (ec) return;
    out.identity = auth::ClientIdentityFromSsl(server.native_handle());
    const unsigned char* proto = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(server.native_handle(), &proto, &len);
    out.alpn.assign(reinterpret_cast<const char*>(proto), len);
  });
  client.async_handshake(ssl::stream_base::client, [&](const boost::system::error_code& ec) {
    out.client_ec = ec;
    if (ec) server.next_layer().close();  // unblock a server still waiting
  });
  io.run();
  return out;
}

class ServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<Pki> pki = LoadOrCreatePki(dir_.path(), {});
    ASSERT_TRUE(pki.ok()) << pki.status().ToString();
    pki_ = std::move(*pki);
    Status s = ConfigureServerTls(server_ctx_, pki_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // A client that trusts `ca_pem` and presents `cert` if given.
  static std::unique_ptr<ssl::context> Client(const std::string& ca_pem,
                                              const CertAndKey* cert = nullptr) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    ctx->add_certificate_authority(asio::buffer(ca_pem));
    ctx->set_verify_mode(ssl::verify_peer);
    if (cert) {
      ctx->use_certificate_chain(asio::buffer(cert->cert_pem));
      ctx->use_private_key(asio::buffer(cert->key_pem), ssl::context::pem);
    }
    return ctx;
  }

  TempDir dir_;
  Pki pki_;
  ssl::context server_ctx_{ssl::context::tls_server};
};

TEST_F(ServerTlsTest, AdminClientCertificateYieldsAdminIdentity) {
  CertAndKey admin{pki_.admin_cert_pem, pki_.admin_key_pem};
  auto client = Client(pki_.ca_cert_pem, &admin);
  Outcome out = Handshake(server_ctx_, *client);
  ASSERT_FALSE(out.server_ec) << out.server_ec.message();
  ASSERT_FALSE(out.client_ec) << out.client_ec.message();
  ASSERT_TRUE(out.identity.has_value());
  EXPECT_EQ(out.identity->common_name, "admin");
  EXPECT_EQ(out.identity->organizations, std::vector<std::string>{"system:masters"});
  EXPECT_EQ(out.alpn, "http/1.1");
}

TEST_F(ServerTlsTest, NodeCertificateIdentity) {
  StatusOr<CertAndKey> node = IssueClientCert(pki_, "system:node:n1", {"system:nodes"});
  ASSERT_TRUE(node.ok());
  auto client = Client(pki_.ca_cert_pem, &*node);
  Outcome out = Handshake(server_ctx_, *client);
  ASSERT_FALSE(out.server_ec) << out.server_ec.message();
  ASSERT_TRUE(out.identity.has_value());
  EXPECT_EQ(out.identity->common_name, "system:node:n1");
  EXPECT_EQ(out.identity->organizations, std::vector<std::string>{"system:nodes"});
}

TEST_F(ServerTlsTest, ClientWithoutCertificateStillConnects) {
  auto client = Client(pki_.ca_cert_pem);
  Outcome out = Handshake(server_ctx_, *client);
  ASSERT_FALSE(out.server_ec) << out.server_ec.message();
  ASSERT_FALSE(out.client_ec) << out.client_ec.message();
  EXPECT_FALSE(out.identity.has_value());
}

TEST_F(ServerTlsTest, ClientCertificateFromAnotherCaIsRejected) {
  TempDir other;
  StatusOr<Pki> foreign = LoadOrCreatePki(other.path(), {});
  ASSERT_TRUE(foreign.ok());
  CertAndKey impostor{foreign->admin_cert_pem, foreign->admin_key_pem};
  auto client = Client(pki_.ca_cert_pem, &impostor);
  Outcome out = Handshake(server_ctx_, *client);
  EXPECT_TRUE(out.server_ec);
  EXPECT_FALSE(out.identity.has_value());
}

TEST_F(ServerTlsTest, ClientChecksServerNameAgainstSans) {
  auto client = Client(pki_.ca_cert_pem);
  EXPECT_FALSE(Handshake(server_ctx_, *client, "localhost").client_ec);
  EXPECT_FALSE(Handshake(server_ctx_, *client, "127.0.0.1").client_ec);
  EXPECT_TRUE(Handshake(server_ctx_, *client, "evil.example.test").client_ec);
}

TEST_F(ServerTlsTest, ClientTrustingAnotherCaRejectsServer) {
  TempDir other;
  StatusOr<Pki> foreign = LoadOrCreatePki(other.path(), {});
  ASSERT_TRUE(foreign.ok());
  auto client = Client(foreign->ca_cert_pem);
  EXPECT_TRUE(Handshake(server_ctx_, *client).client_ec);
}

TEST_F(ServerTlsTest, OldProtocolVersionsAreRefused) {
  auto client = Client(pki_.ca_cert_pem);
  SSL_CTX_set_security_level(client->native_handle(), 0);
  SSL_CTX_set_min_proto_version(client->native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(client->native_handle(), TLS1_1_VERSION);
  Outcome out = Handshake(server_ctx_, *client);
  EXPECT_TRUE(out.server_ec);
  EXPECT_TRUE(out.client_ec);
}

TEST(ServerTlsConfigTest, BadPemIsAnErrorNotAnException) {
  Pki pki;
  pki.serving_cert_pem = "junk";
  ssl::context ctx(ssl::context::tls_server);
  Status s = ConfigureServerTls(ctx, pki);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), Reason::kInternalError);
}

}  // namespace
}  // namespace berth::apiserver::tls
