#include "runtime/sandbox_namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace berth::runtime {
namespace {

constexpr long kNsfsMagic = 0x6e736673;

bool IsMountPoint(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // Field 5 is the mount point.
    size_t pos = 0;
    for (int i = 0; i < 4 && pos != std::string::npos; ++i) pos = line.find(' ', pos + 1);
    if (pos == std::string::npos) continue;
    size_t end = line.find(' ', pos + 1);
    if (line.substr(pos + 1, end - pos - 1) == path) return true;
  }
  return false;
}

Status Touch(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
  if (fd < 0) return InternalError("create " + path + ": " + strerror(errno));
  close(fd);
  return Status::Ok();
}

}  // namespace

bool IsNamespaceFile(const std::string& path) {
  struct statfs st;
  return statfs(path.c_str(), &st) == 0 && st.f_type == kNsfsMagic;
}

Status CreateSandboxNamespaces(const std::string& dir, const std::string& hostname) {
  std::string ipc = dir + "/ipc", uts = dir + "/uts";
  if (IsNamespaceFile(ipc) && IsNamespaceFile(uts)) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("mkdir " + dir + ": " + ec.message());
  std::string abs = std::filesystem::absolute(dir).lexically_normal().string();
  if (!IsMountPoint(abs)) {
    if (mount(abs.c_str(), abs.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return InternalError("bind mount " + abs + ": " + strerror(errno));
  }
  if (mount(nullptr, abs.c_str(), nullptr, MS_PRIVATE, nullptr) != 0)
    return InternalError("make-private " + abs + ": " + strerror(errno));
  BERTH_RETURN_IF_ERROR(Touch(ipc));
  BERTH_RETURN_IF_ERROR(Touch(uts));

  Status result;
  std::thread worker([&] {
    if (unshare(CLONE_NEWIPC | CLONE_NEWUTS) != 0) {
      result = InternalError(std::string("unshare: ") + strerror(errno));
      return;
    }
    if (!hostname.empty() && sethostname(hostname.data(), hostname.size()) != 0) {
      result = InternalError(std::string("sethostname: ") + strerror(errno));
      return;
    }
    std::string self = "/proc/thread-self/ns/";
    if (mount((self + "ipc").c_str(), ipc.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        mount((self + "uts").c_str(), uts.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      result = InternalError(std::string("bind mount namespace: ") + strerror(errno));
    }
  });
  worker.join();
  if (!result.ok()) RemoveSandboxNamespaces(dir);
  return result;
}

Status RemoveSandboxNamespaces(const std::string& dir) {
  std::string abs = std::filesystem::absolute(dir).lexically_normal().string();
  for (const char* name : {"/ipc", "/uts"}) {
    std::string p = abs + name;
    while (IsMountPoint(p) && umount2(p.c_str(), MNT_DETACH) == 0) {
    }
  }
  while (IsMountPoint(abs) && umount2(abs.c_str(), MNT_DETACH) == 0) {
  }
  if (IsMountPoint(abs)) return InternalError("umount " + abs + ": " + strerror(errno));
  return Status::Ok();
}

}  // namespace berth::runtime
