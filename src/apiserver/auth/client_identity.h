// Extracts the client-certificate identity from a finished TLS handshake.
//
// Thread-safety: reads the SSL object only; call from the connection's
// strand. Never throws.
#pragma once

#include <openssl/ssl.h>

#include <optional>

#include "apiserver/auth/authn.h"

namespace berth::apiserver::auth {

// CN and O entries of the peer certificate, if the client sent one and it
// verified against the context's CA store (SSL_get_verify_result is OK).
// nullopt for a null `ssl`, no certificate, or a failed verification.
std::optional<ClientCertIdentity> ClientIdentityFromSsl(SSL* ssl);

}  // namespace berth::apiserver::auth
