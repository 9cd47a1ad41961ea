// ProcessSpawn: posix_spawn with an explicit child fd table, for the runtime's long-lived children
// (the shim, `runc exec` sessions) whose stdio are pipes or ptys the caller keeps.
//
// Thread-safety: any thread may call SpawnProcess. The caller owns the returned pid (must reap it).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace berth::runtime {

struct SpawnOptions {
  // Child fd i (0, 1, 2, 3, ...) becomes a dup of fds[i]; -1 opens /dev/null there. Every other fd
  // is closed in the child (close-from, so fds without O_CLOEXEC do not leak either).
  std::vector<int> fds = {-1, -1, -1};
  bool new_session = false;  // setsid(): survives signals to the caller's process group
  std::vector<std::string> env;  // empty = inherit
};

// Starts argv[0] (PATH lookup when it has no '/'). Returns the child's pid.
StatusOr<pid_t> SpawnProcess(const std::vector<std::string>& argv, const SpawnOptions& options);

// Waits for `pid`, retrying on EINTR; returns exit code or 128+signal, -1 on error.
int WaitProcess(pid_t pid);

// RAII fd.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A pipe with O_CLOEXEC on both ends.
Status MakePipe(UniqueFd* read_end, UniqueFd* write_end);

}  // namespace berth::runtime
