// Image references ("busybox", "reg:5000/a/b:tag", "x@sha256:...") parsed and normalized the way
// Docker does: the default registry is docker.io, single-component Docker Hub names get the
// "library/" prefix, a reference without tag or digest gets ":latest".
//
// Thread-safety: pure functions. Errors: BadRequest naming what is wrong with the reference.
#pragma once

#include <string>

#include "common/status.h"

namespace berth::image {

struct Reference {
  std::string registry;    // "docker.io", "127.0.0.1:5000"
  std::string repository;  // "library/busybox"
  std::string tag;         // may be empty when a digest is given
  std::string digest;      // "sha256:<64 hex>" or empty

  // "docker.io/library/busybox" (no tag/digest).
  std::string Name() const { return registry + "/" + repository; }
  // The full normalized form: Name()[":" tag]["@" digest].
  std::string String() const;
  // What to ask the registry for: the digest if there is one, else the tag.
  std::string TagOrDigest() const { return digest.empty() ? tag : digest; }
};

// Parses and normalizes `ref`.
StatusOr<Reference> ParseReference(const std::string& ref);

// True for "sha256:" followed by exactly 64 lowercase hex digits.
bool IsSha256Digest(const std::string& s);

// The host to contact for `registry` ("docker.io" -> "registry-1.docker.io").
std::string RegistryEndpointHost(const std::string& registry);

}  // namespace berth::image
