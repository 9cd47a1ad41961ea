// Configures the API server's TLS endpoint on a boost::asio::ssl::context.
//
// After ConfigureServerTls the context:
//   - speaks TLS 1.2 and 1.3 only (ECDHE + AEAD ciphers for 1.2);
//   - presents the serving certificate and key from the Pki;
//   - requests (but does not require) a client certificate, verified against
//     the cluster CA and advertised as the acceptable issuer. A connection
//     without a certificate still completes, so bearer tokens work; a
//     certificate that does not verify fails the handshake;
//   - selects ALPN "http/1.1" when the client offers it (no HTTP/2);
//   - has a session id context, which OpenSSL requires for session resumption
//     when peer verification is on.
// After a handshake, auth::ClientIdentityFromSsl(stream.native_handle())
// yields the verified client identity.
//
// Call once, before the context is shared by connections; not thread-safe
// against concurrent use of the same context. Never throws.
// Errors: InternalError naming the step that failed (e.g. a PEM that does not
// load).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include "apiserver/tls/pki.h"
#include "common/status.h"

namespace berth::apiserver::tls {

Status ConfigureServerTls(boost::asio::ssl::context& ctx, const Pki& pki);

}  // namespace berth::apiserver::tls
