#include "cli/cluster_config.h"

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "apiserver/tls/atomic_file.h"
#include "common/json.h"

namespace berth::cli {

std::string ClusterIdFor(const std::string& data_dir) {
  std::error_code ec;
  std::string abs = std::filesystem::weakly_canonical(data_dir, ec).string();
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(abs.data()), abs.size(), d);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 4; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

StatusOr<ClusterConfig> LoadClusterConfig(const std::string& data_dir) {
  std::ifstream f(data_dir + "/cluster.json");
  if (!f) return Status(Reason::kNotFound, "no cluster in " + data_dir);
  std::stringstream ss;
  ss << f.rdbuf();
  auto v = ParseJson(ss.str());
  if (!v.ok() || !v->is_object()) return BadRequest(data_dir + "/cluster.json is not valid JSON");
  const auto& o = v->as_object();
  return ClusterConfig{GetString(o, {"name"}), GetString(o, {"bridge"}), GetString(o, {"listen"}),
                       GetString(o, {"podCIDR"}), GetString(o, {"serviceCIDR"})};
}

Status SaveClusterConfig(const std::string& data_dir, const ClusterConfig& c) {
  json::object o{{"name", c.name},         {"bridge", c.bridge},
                 {"listen", c.listen},     {"podCIDR", c.pod_cidr},
                 {"serviceCIDR", c.service_cidr}};
  return apiserver::tls::WriteFileAtomically(data_dir + "/cluster.json", json::serialize(o) + "\n",
                                             0644);
}

}  // namespace berth::cli
