// Authentication: who is making an API request.
//
// The HTTP server gathers RequestCredentials (the Authorization header and the
// identity of a verified TLS client certificate, see client_identity.h) and
// asks an Authenticator for the UserInfo. No UserInfo means 401.
//
// Implementations:
//   TokenAuthenticator  bearer tokens ("Authorization: Bearer <token>"),
//                       compared in constant time;
//   CertAuthenticator   X.509 client certificates: CN is the user, O entries
//                       are the groups (Kubernetes' convention);
//   UnionAuthenticator  the first member that recognises the request wins;
//                       adds the "system:authenticated" group.
//
// Thread-safety: all implementations are immutable after construction and
// safe to call from many threads at once. Authenticate never throws.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace berth::apiserver::auth {

inline constexpr char kSystemMastersGroup[] = "system:masters";
inline constexpr char kSystemAuthenticatedGroup[] = "system:authenticated";

struct UserInfo {
  std::string name;
  std::vector<std::string> groups;

  bool InGroup(std::string_view group) const;
  bool operator==(const UserInfo&) const = default;
};

// Subject of a client certificate that passed verification against the CA.
struct ClientCertIdentity {
  std::string common_name;
  std::vector<std::string> organizations;
};

struct RequestCredentials {
  std::string authorization;                      // raw Authorization header value; empty if absent
  std::optional<ClientCertIdentity> client_cert;  // only if verified
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The user, or nullopt when the credentials are absent or not recognised.
  virtual std::optional<UserInfo> Authenticate(const RequestCredentials& creds) const = 0;
};

// The token of an "Authorization: Bearer <token>" header (scheme matched
// case-insensitively); nullopt for another scheme or an empty token.
std::optional<std::string> ParseBearerToken(std::string_view authorization);

class TokenAuthenticator : public Authenticator {
 public:
  struct Entry {
    std::string token;
    UserInfo user;
  };
  explicit TokenAuthenticator(const std::vector<Entry>& entries);

  // The admin token as user "admin" in group "system:masters".
  static std::unique_ptr<TokenAuthenticator> ForAdminToken(const std::string& token);

  // Parses a token file. Each non-empty line not starting with '#' is either
  // a bare token (the admin: "admin", group system:masters; this is what
  // <data-dir>/pki/admin.token holds) or the Kubernetes static-token CSV form
  //   token,user,uid[,"group1,group2"]
  // BadRequest (with the line number) for a malformed line or no tokens.
  static StatusOr<std::unique_ptr<TokenAuthenticator>> FromFileContent(std::string_view content);
  // Reads `path` and parses it as above; NotFound/InternalError on I/O.
  static StatusOr<std::unique_ptr<TokenAuthenticator>> FromFile(const std::string& path);

  std::optional<UserInfo> Authenticate(const RequestCredentials& creds) const override;
  size_t size() const { return entries_.size(); }

 private:
  struct Hashed {
    unsigned char digest[32];  // SHA-256 of the token; hides its length too
    UserInfo user;
  };
  std::vector<Hashed> entries_;
};

class CertAuthenticator : public Authenticator {
 public:
  std::optional<UserInfo> Authenticate(const RequestCredentials& creds) const override;
};

class UnionAuthenticator : public Authenticator {
 public:
  explicit UnionAuthenticator(std::vector<std::unique_ptr<Authenticator>> members);
  std::optional<UserInfo> Authenticate(const RequestCredentials& creds) const override;

 private:
  std::vector<std::unique_ptr<Authenticator>> members_;
};

// The 401 every unauthenticated request gets ("Unauthorized").
Status UnauthorizedStatus();

}  // namespace berth::apiserver::auth
