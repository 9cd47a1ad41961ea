// SpecCodec: ContainerSpec / SandboxSpec <-> JSON, the on-disk form (spec.json, sandbox.json) that
// lets a new Runtime object see containers created by an earlier process.
// Pure functions; thread-safe. Decoding malformed JSON gives InternalError.
#pragma once

#include <string>

#include "common/json.h"
#include "runtime/runtime.h"

namespace berth::runtime {

json::object EncodeContainerSpec(const ContainerSpec& spec);
StatusOr<ContainerSpec> DecodeContainerSpec(const json::value& v);

json::object EncodeSandboxSpec(const SandboxSpec& spec);
StatusOr<SandboxSpec> DecodeSandboxSpec(const json::value& v);

// File helpers used for all runtime state: whole-file read, and write via temp file + rename.
StatusOr<std::string> ReadFileText(const std::string& path);
Status WriteFileAtomic(const std::string& path, const std::string& content);

// Nanoseconds since the epoch, the timestamp form in state files.
int64_t ToUnixNanos(Clock::time_point t);
Clock::time_point FromUnixNanos(int64_t ns);

}  // namespace berth::runtime
