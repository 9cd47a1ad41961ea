#include "image/registry_client.h"

#include <openssl/evp.h>

#include <boost/url/parse.hpp>
#include <cctype>
#include <fstream>
#include <map>

#include "common/json.h"
#include "image/digest.h"
#include "image/media_types.h"

namespace berth::image {
namespace {

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string HostOnly(const std::string& hostport) {
  if (!hostport.empty() && hostport.front() == '[') {
    size_t close = hostport.find(']');
    return close == std::string::npos ? hostport : hostport.substr(1, close - 1);
  }
  size_t colon = hostport.rfind(':');
  return colon == std::string::npos ? hostport : hostport.substr(0, colon);
}

// "scheme://host[:port]" of an absolute URL, or "" when it cannot be parsed.
std::string OriginOf(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return "";
  return std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port());
}

// Parses `Bearer realm="...",service="...",scope="..."` into scheme (lower-case) and params.
std::string ParseChallenge(const std::string& header, std::map<std::string, std::string>* params) {
  size_t sp = header.find(' ');
  std::string scheme = header.substr(0, sp);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t i = sp == std::string::npos ? header.size() : sp + 1;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = header.substr(i, eq - i);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    i = eq + 1;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      while (i < header.size() && header[i] != '"') {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i++];
      }
      ++i;
    } else {
      size_t end = header.find(',', i);
      if (end == std::string::npos) end = header.size();
      value = header.substr(i, end - i);
      i = end;
    }
    (*params)[key] = value;
  }
  return scheme;
}

std::string Snippet(const std::string& body) {
  std::string s = body.substr(0, 200);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

}  // namespace

bool RegistryClient::AllowsPlainHttp(const std::string& registry, const PullOptions& options) {
  std::string host = HostOnly(registry);
  if (host == "127.0.0.1" || host == "localhost" || host == "::1") return true;
  for (const auto& r : options.insecure_registries) {
    if (r == registry || r == host) return true;
  }
  return false;
}

RegistryClient::RegistryClient(const Reference& ref, const PullOptions& options)
    : ref_(ref), options_(options) {
  std::string host = RegistryEndpointHost(ref.registry);
  origin_ = (AllowsPlainHttp(ref.registry, options) ? "http://" : "https://") + host;
}

const RegistryAuth* RegistryClient::Credentials() const {
  std::vector<std::string> keys = {ref_.registry};
  if (ref_.registry == "docker.io") {
    keys = {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"};
  }
  for (const auto& k : keys) {
    auto it = options_.auth.find(k);
    if (it != options_.auth.end()) return &it->second;
  }
  return nullptr;
}

Status RegistryClient::Authenticate(const std::string& challenge) {
  std::map<std::string, std::string> params;
  std::string scheme = ParseChallenge(challenge, &params);
  const RegistryAuth* creds = Credentials();
  std::string basic = creds ? "Basic " + Base64(creds->username + ":" + creds->password) : "";
  if (scheme == "basic") {
    if (!creds) {
      return Status(Reason::kUnauthorized,
                    "pull access denied for " + ref_.Name() + ": registry requires credentials");
    }
    authorization_ = basic;
    return Status::Ok();
  }
  if (scheme != "bearer" || params["realm"].empty()) {
    return Status(Reason::kUnauthorized, "pull access denied for " + ref_.Name() +
                                             ": unsupported authentication challenge \"" +
                                             challenge + "\"");
  }
  std::string realm = params["realm"];
  auto realm_url = boost::urls::parse_uri(realm);
  if (!realm_url) return InternalError("registry sent an invalid token realm \"" + realm + "\"");
  if (realm_url->scheme() != "https" &&
      !AllowsPlainHttp(std::string(realm_url->encoded_host_and_port()), options_)) {
    return InternalError("refusing plain-HTTP token realm " + realm);
  }
  std::string scope = params.count("scope") ? params["scope"] : "repository:" + ref_.repository + ":pull";
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&") +
                    "scope=" + UrlEncode(scope);
  if (params.count("service")) url += "&service=" + UrlEncode(params["service"]);
  HttpRequest req{url, {}};
  if (creds) req.headers.emplace_back("Authorization", basic);
  auto resp = HttpFetch(req, {});
  if (!resp.ok()) return resp.status();
  if (resp->status == 401 || resp->status == 403) {
    return Status(Reason::kUnauthorized,
                  "pull access denied for " + ref_.Name() + ": token request refused");
  }
  if (resp->status != 200) {
    return InternalError("token request to " + realm + " failed: HTTP " +
                         std::to_string(resp->status));
  }
  auto doc = ParseJson(resp->body);
  if (!doc.ok()) return InternalError("token response from " + realm + " is not JSON");
  std::string token = GetString(*doc, {"token"});
  if (token.empty()) token = GetString(*doc, {"access_token"});
  if (token.empty()) return InternalError("token response from " + realm + " has no token");
  authorization_ = "Bearer " + token;
  return Status::Ok();
}

StatusOr<HttpResponse> RegistryClient::Get(
    const std::string& path, std::vector<std::pair<std::string, std::string>> headers,
    const HttpFetchOptions& fetch) {
  std::string url = origin_ + path;
  bool authenticated = false;
  for (int hop = 0; hop < 10; ++hop) {
    bool same_origin = OriginOf(url) == origin_;
    HttpRequest req{url, headers};
    if (same_origin && !authorization_.empty()) {
      req.headers.emplace_back("Authorization", authorization_);
    }
    auto resp = HttpFetch(req, fetch);
    if (!resp.ok()) return resp.status();
    if (resp->status == 401 && same_origin && !authenticated) {
      authenticated = true;
      BERTH_RETURN_IF_ERROR(Authenticate(resp->headers["www-authenticate"]));
      continue;
    }
    if (resp->status >= 300 && resp->status < 400 && resp->headers.count("location")) {
      std::string loc = resp->headers["location"];
      if (!loc.empty() && loc.front() == '/') loc = OriginOf(url) + loc;
      auto u = boost::urls::parse_uri(loc);
      if (!u) return InternalError("registry redirected to an invalid URL \"" + loc + "\"");
      if (u->scheme() != "https" &&
          !AllowsPlainHttp(std::string(u->encoded_host_and_port()), options_)) {
        return InternalError("refusing redirect to plain-HTTP " + loc);
      }
      url = loc;
      continue;
    }
    if (resp->status == 401) {
      return Status(Reason::kUnauthorized,
                    "pull access denied for " + ref_.Name() + ": unauthorized");
    }
    if (resp->status == 403) {
      return Status(Reason::kForbidden, "pull access denied for " + ref_.Name() + ": forbidden");
    }
    return resp;
  }
  return InternalError("registry " + ref_.registry + ": too many redirects");
}

StatusOr<FetchedManifest> RegistryClient::GetManifest(const std::string& tag_or_digest) {
  std::string accept = std::string(kOciIndexMediaType) + ", " + kOciManifestMediaType + ", " +
                       kDockerListMediaType + ", " + kDockerManifestMediaType;
  auto resp = Get("/v2/" + ref_.repository + "/manifests/" + tag_or_digest, {{"Accept", accept}},
                  {});
  if (!resp.ok()) return resp.status();
  std::string shown = ref_.Name() + (IsSha256Digest(tag_or_digest) ? "@" : ":") + tag_or_digest;
  if (resp->status == 404) return Status(Reason::kNotFound, "manifest unknown: " + shown);
  if (resp->status != 200) {
    return InternalError("registry " + ref_.registry + " returned HTTP " +
                         std::to_string(resp->status) + " for manifest " + shown + ": " +
                         Snippet(resp->body));
  }
  FetchedManifest m;
  m.body = std::move(resp->body);
  m.digest = DigestOf(m.body);
  if (IsSha256Digest(tag_or_digest) && m.digest != tag_or_digest) {
    return BadRequest("manifest " + tag_or_digest + " digest mismatch: got " + m.digest);
  }
  m.media_type = resp->headers["content-type"];
  m.media_type = m.media_type.substr(0, m.media_type.find(';'));
  auto doc = ParseJson(m.body);
  if (!doc.ok()) return BadRequest("manifest " + shown + " is not valid JSON");
  if (std::string t = GetString(*doc, {"mediaType"}); !t.empty()) m.media_type = t;
  if (!IsIndexMediaType(m.media_type) && !IsManifestMediaType(m.media_type)) {
    return BadRequest("manifest " + shown + " has unsupported media type \"" + m.media_type +
                      "\"");
  }
  return m;
}

Status RegistryClient::FetchBlob(const std::string& digest, const std::string& dest,
                                 const std::string& what,
                                 const std::function<void(int64_t)>& on_bytes) {
  std::ofstream out(dest, std::ios::binary | std::ios::trunc);
  if (!out) return InternalError("cannot write " + dest);
  Sha256 hash;
  HttpFetchOptions fetch;
  fetch.timeout = std::chrono::seconds(120);
  fetch.sink = [&](const char* data, size_t size) -> Status {
    hash.Update(data, size);
    out.write(data, static_cast<std::streamsize>(size));
    if (!out) return InternalError("write " + dest + " failed");
    if (on_bytes) on_bytes(static_cast<int64_t>(size));
    return Status::Ok();
  };
  auto resp = Get("/v2/" + ref_.repository + "/blobs/" + digest, {}, fetch);
  if (!resp.ok()) return resp.status();
  if (resp->status == 404) {
    return Status(Reason::kNotFound, "blob unknown: " + ref_.Name() + "@" + digest);
  }
  if (resp->status != 200) {
    return InternalError("registry " + ref_.registry + " returned HTTP " +
                         std::to_string(resp->status) + " for " + what + " " + digest);
  }
  out.close();
  if (!out) return InternalError("write " + dest + " failed");
  std::string got = hash.Finish();
  if (got != digest) return BadRequest(what + " " + digest + " digest mismatch: got " + got);
  return Status::Ok();
}

}  // namespace berth::image
