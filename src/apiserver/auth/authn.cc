#include "apiserver/auth/authn.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "apiserver/tls/atomic_file.h"

namespace berth::apiserver::auth {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

void Sha256(std::string_view data, unsigned char out[32]) {
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
}

// Splits one CSV line; double quotes group commas, "" inside quotes is a quote.
StatusOr<std::vector<std::string>> SplitCsv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return BadRequest("unterminated quote");
  for (std::string& f : fields) f = std::string(Trim(f));
  return fields;
}

}  // namespace

bool UserInfo::InGroup(std::string_view group) const {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

std::optional<std::string> ParseBearerToken(std::string_view authorization) {
  std::string_view value = Trim(authorization);
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() ||
      !std::isspace(static_cast<unsigned char>(value[kScheme.size()]))) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = Trim(value.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

TokenAuthenticator::TokenAuthenticator(const std::vector<Entry>& entries) {
  entries_.reserve(entries.size());
  for (const Entry& e : entries) {
    Hashed h;
    Sha256(e.token, h.digest);
    h.user = e.user;
    entries_.push_back(std::move(h));
  }
}

std::unique_ptr<TokenAuthenticator> TokenAuthenticator::ForAdminToken(const std::string& token) {
  return std::make_unique<TokenAuthenticator>(
      std::vector<Entry>{{token, UserInfo{"admin", {kSystemMastersGroup}}}});
}

StatusOr<std::unique_ptr<TokenAuthenticator>> TokenAuthenticator::FromFileContent(
    std::string_view content) {
  std::vector<Entry> entries;
  size_t line_no = 0;
  while (!content.empty()) {
    ++line_no;
    size_t nl = content.find('\n');
    std::string_view line = Trim(content.substr(0, nl));
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto where = [&] { return "token file line " + std::to_string(line_no) + ": "; };
    StatusOr<std::vector<std::string>> fields = SplitCsv(line);
    if (!fields.ok()) return BadRequest(where() + fields.status().message());
    const std::vector<std::string>& f = *fields;
    if (f[0].empty()) return BadRequest(where() + "empty token");
    if (f.size() == 1) {
      entries.push_back({f[0], UserInfo{"admin", {kSystemMastersGroup}}});
      continue;
    }
    if (f.size() < 3 || f.size() > 4 || f[1].empty()) {
      return BadRequest(where() + "expected token,user,uid[,\"group1,group2\"]");
    }
    UserInfo user{f[1], {}};
    if (f.size() == 4) {
      StatusOr<std::vector<std::string>> groups = SplitCsv(f[3]);
      if (!groups.ok()) return BadRequest(where() + groups.status().message());
      for (std::string& g : *groups) {
        if (!g.empty()) user.groups.push_back(std::move(g));
      }
    }
    entries.push_back({f[0], std::move(user)});
  }
  if (entries.empty()) return BadRequest("token file holds no tokens");
  return std::make_unique<TokenAuthenticator>(entries);
}

StatusOr<std::unique_ptr<TokenAuthenticator>> TokenAuthenticator::FromFile(
    const std::string& path) {
  StatusOr<std::string> content = tls::ReadWholeFile(path);
  if (!content.ok()) return content.status();
  StatusOr<std::unique_ptr<TokenAuthenticator>> auth = FromFileContent(*content);
  if (!auth.ok()) return BadRequest(path + ": " + auth.status().message());
  return auth;
}

std::optional<UserInfo> TokenAuthenticator::Authenticate(const RequestCredentials& creds) const {
  std::optional<std::string> token = ParseBearerToken(creds.authorization);
  if (!token) return std::nullopt;
  unsigned char digest[32];
  Sha256(*token, digest);
  // Compare against every entry without an early exit, so the time taken does
  // not reveal which entry (or how much of one) matched.
  const UserInfo* match = nullptr;
  for (const Hashed& e : entries_) {
    bool equal = CRYPTO_memcmp(digest, e.digest, sizeof(digest)) == 0;
    if (equal && match == nullptr) match = &e.user;
  }
  OPENSSL_cleanse(digest, sizeof(digest));
  if (match == nullptr) return std::nullopt;
  return *match;
}

std::optional<UserInfo> CertAuthenticator::Authenticate(const RequestCredentials& creds) const {
  if (!creds.client_cert || creds.client_cert->common_name.empty()) return std::nullopt;
  return UserInfo{creds.client_cert->common_name, creds.client_cert->organizations};
}

UnionAuthenticator::UnionAuthenticator(std::vector<std::unique_ptr<Authenticator>> members)
    : members_(std::move(members)) {}

std::optional<UserInfo> UnionAuthenticator::Authenticate(const RequestCredentials& creds) const {
  for (const auto& member : members_) {
    std::optional<UserInfo> user = member->Authenticate(creds);
    if (!user) continue;
    if (!user->InGroup(kSystemAuthenticatedGroup)) {
      user->groups.push_back(kSystemAuthenticatedGroup);
    }
    return user;
  }
  return std::nullopt;
}

Status UnauthorizedStatus() { return Status(Reason::kUnauthorized, "Unauthorized"); }

}  // namespace berth::apiserver::auth
