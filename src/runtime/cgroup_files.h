// CgroupFiles: the few cgroup filesystem reads/removals the runtime needs, for cgroup v1 (one
// hierarchy per controller under /sys/fs/cgroup/<controller>) and v2 (unified).
// Thread-safe (stateless).
#pragma once

#include <string>

namespace berth::runtime {

// True when the memory cgroup at `cgroups_path` ("/parent/sandbox/id") recorded an OOM kill.
bool CgroupOomKilled(const std::string& cgroups_path);

// Removes the directory `cgroups_path` (and its empty sub-directories, deepest first) in every
// mounted hierarchy. Best effort: dirs still holding processes stay.
void RemoveCgroupTree(const std::string& cgroups_path);

}  // namespace berth::runtime
