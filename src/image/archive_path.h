// Safe mapping of tar entry names onto a destination directory: the name is made relative
// ("./a", "/a" -> "a"), "." components dropped, ".." rejected, so an entry can never name a
// path outside the directory by its name alone. (Symlinks inside the directory are guarded by
// libarchive's ARCHIVE_EXTRACT_SECURE_SYMLINKS and by CheckNoSymlinkParents.)
//
// Thread-safety: pure functions except CheckNoSymlinkParents, which only stats.
#pragma once

#include <string>

#include "common/status.h"

namespace berth::image {

// The cleaned relative path ("" for the directory itself). BadRequest for "..".
StatusOr<std::string> CleanEntryPath(const std::string& name);

// BadRequest when any existing directory component of `dir`/`rel` (excluding the last component)
// is a symlink or not a directory.
Status CheckNoSymlinkParents(const std::string& dir, const std::string& rel);

}  // namespace berth::image
