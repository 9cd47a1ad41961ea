// OciConfig: renders the OCI runtime config.json for one container from its ContainerSpec and
// the sandbox it joins. Rendering is pure (apart from reading the rootfs passwd/group files for
// a named image user), so tests compare the produced JSON directly.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "runtime/runtime.h"

namespace berth::runtime {

// What the container needs to know about its sandbox and its own directories.
struct OciContext {
  std::string rootfs;            // absolute path of the mounted rootfs
  std::string cgroups_path;      // "/<parent>/<sandbox>/<id>"
  std::string netns_path;        // "" = host network
  std::string ipc_ns_path;       // bind-mounted IPC namespace file
  std::string uts_ns_path;       // bind-mounted UTS namespace file
  std::string hostname;
  std::string hosts_file;        // host paths bind-mounted to /etc/hosts etc.
  std::string resolv_conf_file;
  std::string hostname_file;
};

// The Docker default capability set ("CAP_CHOWN", ...), and every capability runc knows.
const std::vector<std::string>& DefaultCapabilities();
const std::vector<std::string>& AllCapabilities();

// The final capability list for a security context (privileged = all; add/drop applied, "ALL"
// accepted on both; names with or without the CAP_ prefix).
std::vector<std::string> EffectiveCapabilities(const Security& security);

// The default seccomp profile: allow everything except a denylist of dangerous syscalls.
json::object DefaultSeccompProfile();

// Errors: BadRequest when the image user cannot be resolved.
StatusOr<json::object> RenderOciConfig(const ContainerSpec& spec, const OciContext& ctx);

}  // namespace berth::runtime
