// AtomicWriter: publishes a set of files into a volume directory so that a reader never sees a
// half-updated set (the kubelet's layout for configMap, secret, downwardAPI and projected volumes).
//
// Layout of `dir` after a write:
//   ..2026_11_29_08_50_01.Ab12Cd/   the payload (real files, sub-directories as the paths say)
//   ..data -> ..2026_11_29_08_50_01.Ab12Cd
//   <first path component> -> ..data/<first path component>   for every path of the payload
// An update writes a new timestamped directory, swaps `..data` with one rename(2), adds the new
// top-level links, removes the links of paths that are gone and finally the old directory. A
// container that bind-mounted a single file (subPath) keeps the old file, as in Kubernetes.
//
// Ownership: with `fs_group`, every file and directory of the payload belongs to that group, files
// get at least group read (mode | 0440) and directories are setgid, as the kubelet does for
// read-only volumes.
//
// Errors: BadRequest for a bad path (absolute, `..` components, a first
// component starting with `..`); InternalError for I/O failures (the old payload stays visible).
// Thread-safety: one writer per directory at a time (the pod's worker thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"

namespace berth::agent {

struct FileProjection {
  std::string data;
  int mode = 0644;
};
// Relative path ("key", "dir/key") -> content and mode.
using Payload = std::map<std::string, FileProjection>;

// Writes `payload` into `dir` (created if missing). Returns true when the visible content
// changed, false when it already matched byte for byte (then nothing is touched).
StatusOr<bool> WriteAtomic(const std::string& dir, const Payload& payload,
                           std::optional<int64_t> fs_group);

// Checks one payload path the way the kubelet does (see the error list above).
Status ValidatePayloadPath(const std::string& path);

}  // namespace berth::agent
