// SandboxNamespaces: a pod's IPC and UTS namespaces, kept alive without a process by bind-mounting
// the namespace files onto <dir>/ipc and <dir>/uts (dir itself is made a private bind mount so the
// namespace mounts do not propagate into other mount namespaces).
// Thread-safe: creation runs on a short-lived thread of its own (unshare affects only that thread).
#pragma once

#include <string>

#include "common/status.h"

namespace berth::runtime {

// Creates the namespaces, sets `hostname` in the UTS one. Idempotent when already mounted.
Status CreateSandboxNamespaces(const std::string& dir, const std::string& hostname);
// Unmounts the namespace files and the dir's bind mount; succeeds when nothing is mounted.
Status RemoveSandboxNamespaces(const std::string& dir);
// True when `path` is a mounted namespace file.
bool IsNamespaceFile(const std::string& path);

}  // namespace berth::runtime
