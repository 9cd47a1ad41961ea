// Reads the images described by an extracted image archive: an OCI image layout (oci-layout,
// index.json, blobs/sha256/...) or a `docker save` directory (manifest.json, config JSON, layer
// tars). Only parses and locates files; blob digests are verified when the store ingests them.
//
// Thread-safety: pure functions over a directory nobody else writes.
// Errors: BadRequest for a malformed archive.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace berth::image {

struct ArchivedBlob {
  std::string path;        // file inside the extracted archive
  std::string digest;      // expected "sha256:..."; empty when the archive does not say
  std::string media_type;  // as declared (layers of docker-save archives: guessed)
};

struct ArchivedImage {
  std::vector<std::string> refs;  // as written in the archive (not normalized)
  ArchivedBlob manifest;          // path empty for docker-save archives (no manifest)
  ArchivedBlob config;
  std::vector<ArchivedBlob> layers;  // bottom first
};

// `os`/`architecture` pick a manifest out of a nested index.
StatusOr<std::vector<ArchivedImage>> ReadImageArchive(const std::string& dir,
                                                      const std::string& os,
                                                      const std::string& architecture);

}  // namespace berth::image
