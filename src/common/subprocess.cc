#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace berth {
namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) close(fd);
  }
  bool Open() { return pipe2(fds, O_CLOEXEC) == 0; }
  void CloseEnd(int i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
};

}  // namespace

StatusOr<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv,
                                         const SubprocessOptions& options) {
  if (argv.empty()) return BadRequest("RunSubprocess: empty argv");
  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open())
    return InternalError(std::string("pipe: ") + strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fds[0], 0);
  if (options.discard_output) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  }
  // Close everything else: not every library sets O_CLOEXEC (Asio's sockets do not).
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

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
  in.CloseEnd(0);
  out.CloseEnd(1);
  err.CloseEnd(1);
  if (options.discard_output) {
    out.CloseEnd(0);
    err.CloseEnd(0);
  }

  SubprocessResult result;
  size_t written = 0;
  if (options.stdin_data.empty()) in.CloseEnd(1);
  else fcntl(in.fds[1], F_SETFL, O_NONBLOCK);
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buf[16384];
  while (out.fds[0] >= 0 || err.fds[0] >= 0) {
    pollfd pfds[3];
    int n = 0;
    int idx_out = -1, idx_err = -1, idx_in = -1;
    if (out.fds[0] >= 0) { idx_out = n; pfds[n++] = {out.fds[0], POLLIN, 0}; }
    if (err.fds[0] >= 0) { idx_err = n; pfds[n++] = {err.fds[0], POLLIN, 0}; }
    if (in.fds[1] >= 0) { idx_in = n; pfds[n++] = {in.fds[1], POLLOUT, 0}; }
    int wait_ms = -1;
    if (options.timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        kill(pid, SIGKILL);
        result.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    int r = poll(pfds, n, wait_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int idx, Pipe& p, std::string& into) {
      if (idx < 0 || !(pfds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t got = read(p.fds[0], buf, sizeof buf);
      if (got > 0) into.append(buf, static_cast<size_t>(got));
      else if (got == 0 || errno != EINTR) p.CloseEnd(0);
    };
    drain(idx_out, out, result.out);
    drain(idx_err, err, result.err);
    if (idx_in >= 0 && (pfds[idx_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in.fds[1], options.stdin_data.data() + written,
                        options.stdin_data.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) in.CloseEnd(1);
      if (written >= options.stdin_data.size()) in.CloseEnd(1);
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

StatusOr<std::string> RunChecked(const std::vector<std::string>& argv,
                                 const SubprocessOptions& options) {
  auto r = RunSubprocess(argv, options);
  if (!r.ok()) return r.status();
  if (r->timed_out) return InternalError(argv[0] + ": timed out");
  if (r->exit_code != 0) {
    std::string msg = r->err.empty() ? r->out : r->err;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (msg.empty()) msg = "exit code " + std::to_string(r->exit_code);
    return InternalError(argv[0] + ": " + msg);
  }
  return std::move(r->out);
}

}  // namespace berth
