#include "apiserver/tls/server_tls_context.h"

#include <openssl/ssl.h>

#include <cstring>

#include "apiserver/tls/certificate.h"

namespace berth::apiserver::tls {
namespace {

namespace ssl = boost::asio::ssl;

constexpr char kSessionIdContext[] = "berth-apiserver";

// Picks "http/1.1" from the client's ALPN list; Beast serves HTTP/1.1 only.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static constexpr unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
  for (unsigned int i = 0; i < inlen;) {
    unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    if (len == sizeof(kHttp11) && std::memcmp(in + i + 1, kHttp11, len) == 0) {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

Status Failed(const std::string& step, const boost::system::error_code& ec) {
  return InternalError("TLS setup: " + step + ": " + ec.message());
}

}  // namespace

Status ConfigureServerTls(ssl::context& ctx, const Pki& pki) {
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use,
                  ec);
  if (ec) return Failed("set options", ec);
  SSL_CTX* native = ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return InternalError("TLS setup: minimum protocol TLS 1.2");
  }
  if (SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return InternalError("TLS setup: TLS 1.2 cipher list");
  }

  ctx.use_certificate_chain(boost::asio::buffer(pki.serving_cert_pem), ec);
  if (ec) return Failed("serving certificate", ec);
  ctx.use_private_key(boost::asio::buffer(pki.serving_key_pem), ssl::context::pem, ec);
  if (ec) return Failed("serving key", ec);
  if (SSL_CTX_check_private_key(native) != 1) {
    return InternalError("TLS setup: serving key does not match the serving certificate");
  }

  ctx.add_certificate_authority(boost::asio::buffer(pki.ca_cert_pem), ec);
  if (ec) return Failed("client CA", ec);
  StatusOr<X509Ptr> ca = ParseCertificatePem(pki.ca_cert_pem);
  if (!ca.ok()) return InternalError("TLS setup: client CA: " + ca.status().message());
  // Advertise the CA in CertificateRequest so clients pick the right cert.
  if (SSL_CTX_add_client_CA(native, ca->get()) != 1) {
    return InternalError("TLS setup: advertise client CA");
  }
  // verify_peer without fail_if_no_peer_cert: certificates optional.
  ctx.set_verify_mode(ssl::verify_peer, ec);
  if (ec) return Failed("verify mode", ec);
  if (SSL_CTX_set_session_id_context(native,
                                     reinterpret_cast<const unsigned char*>(kSessionIdContext),
                                     sizeof(kSessionIdContext) - 1) != 1) {
    return InternalError("TLS setup: session id context");
  }
  SSL_CTX_set_alpn_select_cb(native, SelectAlpn, nullptr);
  return Status::Ok();
}

}  // namespace berth::apiserver::tls
