#include "runtime/cgroup_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <vector>

namespace berth::runtime {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

// Reads "key N" lines and returns N for `key`, or 0.
long long ReadKeyedValue(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string k;
    long long v = 0;
    if (ss >> k >> v && k == key) return v;
  }
  return 0;
}

// Every hierarchy root: the v1 controller dirs (deduplicated by real path) or the v2 root.
std::vector<fs::path> HierarchyRoots() {
  std::vector<fs::path> roots;
  std::error_code ec;
  if (fs::exists(fs::path(kCgroupRoot) / "cgroup.controllers", ec)) {
    roots.emplace_back(kCgroupRoot);
    return roots;
  }
  std::set<fs::path> seen;
  for (const auto& entry : fs::directory_iterator(kCgroupRoot, ec)) {
    fs::path real = fs::canonical(entry.path(), ec);
    if (ec || !fs::is_directory(real, ec)) continue;
    if (seen.insert(real).second) roots.push_back(real);
  }
  return roots;
}

void RemoveTree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory(ec)) RemoveTree(entry.path());
  rmdir(dir.c_str());  // cgroup dirs are removed with rmdir even though they list files
}

}  // namespace

bool CgroupOomKilled(const std::string& cgroups_path) {
  std::string v1 = std::string(kCgroupRoot) + "/memory" + cgroups_path + "/memory.oom_control";
  if (ReadKeyedValue(v1, "oom_kill") > 0) return true;
  std::string v2 = std::string(kCgroupRoot) + cgroups_path + "/memory.events";
  return ReadKeyedValue(v2, "oom_kill") > 0;
}

void RemoveCgroupTree(const std::string& cgroups_path) {
  if (cgroups_path.empty() || cgroups_path == "/") return;
  for (const auto& root : HierarchyRoots()) RemoveTree(root / cgroups_path.substr(1));
}

}  // namespace berth::runtime
