// Crash-safe file replacement for credentials and kubeconfigs.
//
// WriteFileAtomically writes `content` to a temporary file in the same folder,
// sets `mode`, fsyncs it, renames it over `path` and fsyncs the folder, so a
// reader sees either the old file or the complete new one, never a torn file,
// and a secret is never readable with a wider mode than asked for.
//
// Thread-safety: safe to call concurrently for different paths; concurrent
// writers of the same path each produce a complete file, last rename wins.
// Errors: InternalError naming the path and the failing system call.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace berth::apiserver::tls {

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode);

// Reads a whole file. NotFound if it does not exist, InternalError otherwise.
StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace berth::apiserver::tls
