#include "image/reference.h"

#include <cctype>

#include "image/image_store.h"

namespace berth::image {
namespace {

constexpr char kDockerHub[] = "docker.io";

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return !s.empty();
}

// One path component: lowercase alphanumerics separated by '.', '_', '__' or runs of '-'.
bool ValidPathComponent(const std::string& c) {
  if (c.empty()) return false;
  if (!std::isalnum(static_cast<unsigned char>(c.front())) ||
      !std::isalnum(static_cast<unsigned char>(c.back()))) {
    return false;
  }
  for (char ch : c) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-';
    if (!ok) return false;
  }
  return true;
}

bool ValidTag(const std::string& t) {
  if (t.empty() || t.size() > 128) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    char ch = t[i];
    bool word = std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    if (i == 0 ? !word : !(word || ch == '.' || ch == '-')) return false;
  }
  return true;
}

bool ValidHost(const std::string& h) {
  if (h.empty()) return false;
  for (char ch : h) {
    bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ||
              ch == ':' || ch == '[' || ch == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsSha256Digest(const std::string& s) {
  return s.size() == 71 && s.compare(0, 7, "sha256:") == 0 && IsLowerHex(s.substr(7));
}

std::string Reference::String() const {
  std::string s = Name();
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::string RegistryEndpointHost(const std::string& registry) {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

StatusOr<Reference> ParseReference(const std::string& ref) {
  auto bad = [&](const std::string& why) {
    return BadRequest("invalid image reference \"" + ref + "\": " + why);
  };
  if (ref.empty()) return bad("empty");
  if (ref.size() > 4096) return bad("too long");
  Reference out;
  std::string rest = ref;
  if (size_t at = rest.find('@'); at != std::string::npos) {
    out.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!IsSha256Digest(out.digest)) return bad("digest must be sha256:<64 hex digits>");
  }
  // A ':' after the last '/' starts the tag; earlier ones belong to a registry port.
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    out.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!ValidTag(out.tag)) return bad("invalid tag \"" + out.tag + "\"");
  }
  if (rest.empty()) return bad("missing repository name");
  size_t first_slash = rest.find('/');
  std::string first = rest.substr(0, first_slash);
  bool has_registry = first_slash != std::string::npos &&
                      (first.find_first_of(".:") != std::string::npos || first == "localhost" ||
                       first.front() == '[');
  if (has_registry) {
    out.registry = first;
    out.repository = rest.substr(first_slash + 1);
    if (!ValidHost(out.registry)) return bad("invalid registry \"" + out.registry + "\"");
  } else {
    out.registry = kDockerHub;
    out.repository = rest;
  }
  if (out.registry == "index.docker.io" || out.registry == "registry-1.docker.io") {
    out.registry = kDockerHub;
  }
  if (out.registry == kDockerHub && out.repository.find('/') == std::string::npos) {
    out.repository = "library/" + out.repository;
  }
  size_t start = 0;
  while (true) {
    size_t end = out.repository.find('/', start);
    std::string comp = out.repository.substr(start, end == std::string::npos ? end : end - start);
    if (!ValidPathComponent(comp)) {
      for (char ch : comp) {
        if (std::isupper(static_cast<unsigned char>(ch))) {
          return bad("repository name must be lowercase");
        }
      }
      return bad("invalid repository name component \"" + comp + "\"");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (out.repository.size() > 255) return bad("repository name too long");
  if (out.tag.empty() && out.digest.empty()) out.tag = "latest";
  return out;
}

StatusOr<std::string> NormalizeReference(const std::string& ref) {
  auto parsed = ParseReference(ref);
  if (!parsed.ok()) return parsed.status();
  return parsed->String();
}

}  // namespace berth::image
