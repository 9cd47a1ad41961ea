#include "runtime/process_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace berth::runtime {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

Status MakePipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + strerror(errno));
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  return Status::Ok();
}

StatusOr<pid_t> SpawnProcess(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return BadRequest("SpawnProcess: empty argv");
  UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (devnull.get() < 0) return InternalError(std::string("/dev/null: ") + strerror(errno));
  // dup2 sources must not collide with low target numbers: move every source above the table.
  int base = static_cast<int>(options.fds.size()) + 3;
  std::vector<UniqueFd> sources;
  for (int fd : options.fds) {
    int src = fd < 0 ? devnull.get() : fd;
    int moved = fcntl(src, F_DUPFD_CLOEXEC, base);
    if (moved < 0) return InternalError(std::string("dup: ") + strerror(errno));
    sources.emplace_back(moved);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (size_t i = 0; i < sources.size(); ++i)
    posix_spawn_file_actions_adddup2(&actions, sources[i].get(), static_cast<int>(i));
  // Not every library opens its fds with O_CLOEXEC (Asio's listening sockets do not): a shim
  // that inherited the API server's socket would keep its port busy after the agent dies.
  posix_spawn_file_actions_addclosefrom_np(&actions, static_cast<int>(sources.size()));
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.new_session) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  char** env = environ;
  if (!options.env.empty()) {
    for (const auto& e : options.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    env = envp.data();
  }
  pid_t pid = 0;
  int rc = argv[0].find('/') == std::string::npos
               ? posix_spawnp(&pid, args[0], &actions, &attr, args.data(), env)
               : posix_spawn(&pid, args[0], &actions, &attr, args.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return InternalError(argv[0] + ": " + strerror(rc));
  return pid;
}

int WaitProcess(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace berth::runtime
