// Test helpers: a one-layer busybox rootfs and unique, self-cleaning names for runtime tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace berth::runtime::testing {

// Builds <dir> as an image layer: /bin/busybox plus applet symlinks, /etc/passwd and /etc/group
// with root and app (1000:1000), empty /proc /dev /sys /tmp.
inline void BuildBusyboxLayer(const std::string& dir) {
  namespace fs = std::filesystem;
  for (const char* d : {"bin", "etc", "proc", "dev", "sys", "tmp", "root", "home/app"})
    fs::create_directories(fs::path(dir) / d);
  fs::permissions(fs::path(dir) / "tmp", fs::perms::all | fs::perms::sticky_bit);
  fs::copy_file("/bin/busybox", fs::path(dir) / "bin/busybox",
                fs::copy_options::overwrite_existing);
  for (const char* applet : {"sh", "echo", "sleep", "cat", "id", "hostname", "tail", "ls", "true",
                             "false", "touch", "pwd", "readlink", "tty", "env", "dd", "head"})
    fs::create_symlink("busybox", fs::path(dir) / "bin" / applet);
  std::ofstream(fs::path(dir) / "etc/passwd")
      << "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n";
  std::ofstream(fs::path(dir) / "etc/group") << "root:x:0:\napp:x:1000:\nstaff:x:50:\n";
}

// A name unique to this process and call: "<prefix>-<pid>-<n>".
inline std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(n++);
}

}  // namespace berth::runtime::testing
