// Unpacks one image layer (a tar, optionally gzip/zstd/xz compressed) into a directory, turning
// OCI whiteouts into overlayfs ones: ".wh.<name>" becomes a 0:0 character device <name>, and
// ".wh..wh..opq" sets trusted.overlay.opaque=y on its directory. Owners, modes, times and xattrs
// are preserved; entries may not escape the directory by ".." or through symlinks.
//
// Thread-safety: stateless; concurrent calls must use different destinations. Blocks on disk I/O.
// Errors: BadRequest for a corrupt or malicious layer, InternalError for local I/O failures.
#pragma once

#include <string>

#include "common/status.h"

namespace berth::image {

// Unpacks `blob_path` into the existing, empty directory `dest` (an absolute path without
// symlinks). Returns the layer's diffID: "sha256:" of the uncompressed tar stream.
StatusOr<std::string> UnpackLayer(const std::string& blob_path, const std::string& dest);

// Extracts a plain archive (the outer image archive) into `dest`: regular files, directories
// and symlinks only, without owners; entries may not escape `dest`.
Status ExtractArchive(const std::string& archive_path, const std::string& dest);

}  // namespace berth::image
