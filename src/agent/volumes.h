// Pod volumes on the node: emptyDir, configMap, secret, hostPath, downwardAPI and projected.
//
// Each volume gets a directory under `<pod_dir>/volumes/<name>` (hostPath volumes use the host
// path itself). ConfigMap, Secret, downwardAPI and projected contents are written as files with
// their `items`, `defaultMode`/`mode`, and `optional` semantics; they are written once, when the
// pod starts (updates are picked up by a later issue).
//
// Errors name the missing object the way the kubelet does (`configmap "x" not found`), and the
// pod worker reports them as CreateContainerConfigError-like waiting reasons.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "agent/container_config.h"
#include "runtime/runtime.h"

namespace berth::agent {

struct PreparedVolume {
  std::string host_path;
  bool tmpfs = false;      // emptyDir medium Memory: mount a tmpfs instead
  bool read_only = false;  // configMap, secret, downwardAPI and projected are always read-only
};

// Creates the directories and files of every volume of `pod`.
StatusOr<std::map<std::string, PreparedVolume>> PrepareVolumes(const json::object& pod,
                                                              const std::string& pod_dir,
                                                              const ObjectLookup& lookup,
                                                              const std::string& pod_ip,
                                                              const std::string& host_ip);

// The runtime mounts for `container`'s volumeMounts (subPath and subPathExpr resolved against
// `env`). Missing volumes are a BadRequest.
StatusOr<std::vector<runtime::Mount>> ContainerMounts(
    const json::object& container, const std::map<std::string, PreparedVolume>& volumes,
    const std::vector<std::string>& env);

}  // namespace berth::agent
