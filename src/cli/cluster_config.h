// The settings of a `berth up` cluster, kept in <data-dir>/cluster.json so that a restart, and
// `berth down`, use the same host-level names (bridge, netns prefix, cgroup parent, runc root)
// and CIDRs. Two clusters with different data dirs get different names.
#pragma once

#include <string>

#include "common/status.h"

namespace berth::cli {

struct ClusterConfig {
  std::string name;          // short id, [a-z0-9], derived from the data dir unless given
  std::string bridge;        // "bt" + name (<= 15 chars)
  std::string listen;
  std::string pod_cidr;
  std::string service_cidr;
};

// Reads <data_dir>/cluster.json; NotFound if absent.
StatusOr<ClusterConfig> LoadClusterConfig(const std::string& data_dir);
Status SaveClusterConfig(const std::string& data_dir, const ClusterConfig& c);
// A stable 8-hex-digit id for an absolute data dir path.
std::string ClusterIdFor(const std::string& data_dir);

}  // namespace berth::cli
