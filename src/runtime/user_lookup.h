// UserLookup: resolves an image USER ("1000", "1000:1000", "app", "app:staff") to numeric ids by
// reading the container's /etc/passwd and /etc/group (never the host's).
// Pure functions over files; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::runtime {

struct ResolvedUser {
  int64_t uid = 0;
  int64_t gid = 0;
};

// `rootfs_dirs` are searched in order (top layer first) for etc/passwd and etc/group.
// A numeric uid without a group takes the primary gid from passwd when listed, else 0.
// Unknown names give BadRequest ("unable to find user app").
StatusOr<ResolvedUser> ResolveImageUser(const std::string& user,
                                        const std::vector<std::string>& rootfs_dirs);
// The primary gid of `uid` in the rootfs passwd, or 0.
int64_t PrimaryGroupOf(int64_t uid, const std::vector<std::string>& rootfs_dirs);

}  // namespace berth::runtime
