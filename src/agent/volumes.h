// Pod volumes on the node: emptyDir, configMap, secret, hostPath, downwardAPI and projected.
//
// Each volume gets a directory under `<pod_dir>/volumes/<name>` (hostPath volumes use the host
// path itself). emptyDir is a world-writable directory; with `medium: Memory` a tmpfs is mounted
// on it on the host (so every container of the pod shares it; `sizeLimit` becomes its size), and
// UnmountVolumes() removes those mounts before the pod directory is deleted.
//
// ConfigMap, Secret, downwardAPI and projected contents are computed as a Payload
// (VolumePayload: `items` key->path mappings, `defaultMode`/per-item `mode`, `optional`) and
// published with the AtomicWriter (`..data` symlink swap). RefreshVolumes() re-publishes them so
// that updated ConfigMaps/Secrets and changed pod labels/annotations show up in running
// containers; an optional source that appears later fills its files, one that is deleted empties
// them; a required source that disappears keeps the last content (as the kubelet does).
// With the pod's `securityContext.fsGroup`, volume files and directories belong to that group.
//
// Errors name the missing object the way the kubelet does (`configmap "x" not found`) with reason
// NotFound; the pod worker reports them as CreateContainerConfigError-like waiting reasons.
// Thread-safety: all functions are called from the pod's worker thread; no shared state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agent/atomic_writer.h"
#include "agent/container_config.h"
#include "runtime/runtime.h"

namespace berth::agent {

struct PreparedVolume {
  std::string host_path;
  bool tmpfs = false;      // emptyDir medium Memory: a tmpfs is mounted on host_path
  bool read_only = false;  // configMap, secret, downwardAPI and projected are always read-only
};

// What volume contents are computed from besides the pod itself.
struct VolumeInputs {
  ObjectLookup lookup;  // ConfigMaps and Secrets of the pod's namespace
  std::string pod_ip;
  std::string host_ip;
  // The node's allocatable {cpu millicores, memory bytes}: what resourceFieldRef reports for a
  // limit the container does not set. Called only when such an item exists; may be empty.
  std::function<std::pair<int64_t, int64_t>()> node_allocatable;
  // POSTs a body to an API path (the pod's TokenRequests for serviceAccountToken projections,
  // cached in ServiceAccountTokens::Shared()). Unset: such sources fail with BadRequest.
  std::function<StatusOr<json::value>(const std::string& path, const json::value& body)> create;
};

// The files of one configMap/secret/downwardAPI/projected volume (`volume` is an entry of
// spec.volumes). BadRequest for other volume kinds.
StatusOr<Payload> VolumePayload(const json::object& volume, const json::object& pod,
                                const VolumeInputs& in);

// Creates the directories and files of every volume of `pod`.
StatusOr<std::map<std::string, PreparedVolume>> PrepareVolumes(const json::object& pod,
                                                              const std::string& pod_dir,
                                                              const VolumeInputs& in);

// Re-publishes the configMap/secret/downwardAPI/projected volumes of `pod` (already prepared).
// Volumes whose required source is missing keep their content. Returns the first error (the
// other volumes are still refreshed).
Status RefreshVolumes(const json::object& pod, const std::string& pod_dir, const VolumeInputs& in);

// True when `pod` has a volume whose content RefreshVolumes() may change; `api_sources` counts the
// ConfigMap/Secret references (each costs one lookup per refresh).
bool HasContentVolumes(const json::object& pod, int* api_sources);

// Unmounts every mount below `<pod_dir>/volumes` (tmpfs emptyDirs). Best effort.
void UnmountVolumes(const std::string& pod_dir);

// The runtime mounts for `container`'s volumeMounts (subPath and subPathExpr resolved against
// `env`; a subPath may go through the volume's symlinks but must stay inside the volume).
// Missing volumes and bad subPaths are a BadRequest.
StatusOr<std::vector<runtime::Mount>> ContainerMounts(
    const json::object& container, const std::map<std::string, PreparedVolume>& volumes,
    const std::vector<std::string>& env);

}  // namespace berth::agent
