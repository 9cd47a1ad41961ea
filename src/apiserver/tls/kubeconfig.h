// Renders and writes the admin kubeconfig for a berth cluster.
//
// The kubeconfig has one cluster "berth" (server URL + base64 CA), one user
// "berth-admin" authenticating with the admin client certificate
// (CN=admin, O=system:masters) and one context "berth", which is current.
// The admin bearer token is added only on request (kubectl 1.32 accepts a
// token next to a client certificate and sends both; checked by hand). By
// default curl and tests read <data-dir>/pki/admin.token instead.
//
// Thread-safety: pure / reentrant. Errors: InternalError on I/O failure.
#pragma once

#include <string>

#include "apiserver/tls/pki.h"
#include "common/status.h"

namespace berth::apiserver::tls {

inline constexpr char kKubeconfigClusterName[] = "berth";
inline constexpr char kKubeconfigContextName[] = "berth";
inline constexpr char kKubeconfigUserName[] = "berth-admin";

// The kubeconfig YAML text. `server_url` is e.g. "https://127.0.0.1:6443".
std::string RenderKubeconfig(const std::string& server_url, const Pki& pki,
                             bool include_admin_token = false);

// Writes RenderKubeconfig atomically with mode 0600, creating missing parent
// folders.
Status WriteKubeconfig(const std::string& path, const std::string& server_url, const Pki& pki,
                       bool include_admin_token = false);

// Standard base64 (with padding), as kubeconfig *-data fields expect.
std::string Base64Encode(const std::string& data);

}  // namespace berth::apiserver::tls
