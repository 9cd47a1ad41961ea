// The per-container shim (`berth shim`). It outlives the agent: it is started in its own session,
// forks once so the agent can reap it at once, becomes a child subreaper so the container process
// is reparented to it, turns the container's stdout/stderr into a CRI log file and records the exit
// status in the exit file.
//
// Protocol with StartContainer: the shim's stdout is a pipe; it writes one line,
// "ok <container pid> <shim pid>" once
// runc has started the process or "error <message>" when it could not, then closes it.
//
// A second mode, `shim exec-wait --pid-file P -- <runc exec -d ...>`, is the parent of a detached
// `runc exec` (tty sessions): it reaps the exec'd process and exits with its exit code.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cgroup_files.h"
#include "runtime/cri_log_writer.h"
#include "runtime/exit_record.h"
#include "runtime/process_spawn.h"
#include "runtime/runtime.h"
#include "runtime/spec_codec.h"

namespace berth::runtime {
namespace {

struct ShimArgs {
  std::string id, bundle, runc = "runc", root, log, exit_file, pid_file, cgroup;
  int64_t log_max_bytes = 10 << 20;
  int log_max_files = 3;
  std::vector<std::string> command;  // exec-wait: argv after "--"
};

bool ParseArgs(int argc, char** argv, int first, ShimArgs* a) {
  for (int i = first; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--") {
      for (++i; i < argc; ++i) a->command.emplace_back(argv[i]);
      break;
    }
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    if (k == "--id") a->id = v;
    else if (k == "--bundle") a->bundle = v;
    else if (k == "--runc") a->runc = v;
    else if (k == "--root") a->root = v;
    else if (k == "--log") a->log = v;
    else if (k == "--exit-file") a->exit_file = v;
    else if (k == "--pid-file") a->pid_file = v;
    else if (k == "--cgroup") a->cgroup = v;
    else if (k == "--log-max-bytes") a->log_max_bytes = std::atoll(v.c_str());
    else if (k == "--log-max-files") a->log_max_files = std::atoi(v.c_str());
    else return false;
  }
  return true;
}

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t w = write(fd, s.data() + off, s.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += static_cast<size_t>(w);
  }
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

int ReadPidFile(const std::string& path) {
  auto text = ReadFileText(path);
  return text.ok() ? std::atoi(text->c_str()) : 0;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  size_t start = s.find_first_not_of(" \n");
  return start == std::string::npos ? "" : s.substr(start);
}

// Reaps children as a subreaper: every status is kept so a pid learned late (the container's,
// known only once runc has written the pid file) still finds its status.
class Reaper {
 public:
  // Blocks until `pid` has exited; returns its wait status, or -1 when it is not our child.
  int WaitFor(pid_t pid) {
    while (true) {
      if (auto it = statuses_.find(pid); it != statuses_.end()) return it->second;
      int status = 0;
      pid_t got = waitpid(-1, &status, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      statuses_[got] = status;
    }
  }

 private:
  std::map<pid_t, int> statuses_;
};

// Polls the container's stdout/stderr pipes into the log until both reach EOF or `stop` is set
// and no data arrives for a while.
void PumpLogs(int out_fd, int err_fd, CriLogWriter* log, std::mutex* mu, std::string* err_hold,
              std::atomic<bool>* holding_stderr, std::atomic<bool>* container_done) {
  int fds[2] = {out_fd, err_fd};
  const char* names[2] = {"stdout", "stderr"};
  char buf[32768];
  int idle_after_exit_ms = 0;
  while (fds[0] >= 0 || fds[1] >= 0) {
    pollfd p[2];
    int n = 0;
    int map[2];
    for (int i = 0; i < 2; ++i)
      if (fds[i] >= 0) {
        map[n] = i;
        p[n++] = {fds[i], POLLIN, 0};
      }
    int r = poll(p, n, 200);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      // After the container exits, give stray writers (none, normally: the pid namespace is gone)
      // two seconds to close the pipes.
      if (container_done->load() && (idle_after_exit_ms += 200) >= 2000) break;
      continue;
    }
    for (int j = 0; j < n; ++j) {
      if (!(p[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int i = map[j];
      ssize_t got = read(fds[i], buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        std::lock_guard<std::mutex> lock(*mu);
        log->Flush(names[i]);
        fds[i] = -1;
        continue;
      }
      std::lock_guard<std::mutex> lock(*mu);
      if (i == 1 && holding_stderr->load()) err_hold->append(buf, static_cast<size_t>(got));
      else log->Append(names[i], std::string_view(buf, static_cast<size_t>(got)));
    }
  }
}

int RunContainerShim(const ShimArgs& a) {
  if (a.id.empty() || a.bundle.empty() || a.exit_file.empty() || a.pid_file.empty()) {
    WriteAll(1, "error shim: missing arguments\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  // Detach from the agent: the agent reaps this parent right away; the child carries on.
  pid_t child = fork();
  if (child < 0) {
    WriteAll(1, std::string("error shim: fork: ") + strerror(errno) + "\n");
    return 1;
  }
  if (child > 0) _exit(0);
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  UniqueFd out_r, out_w, err_r, err_w;
  if (!MakePipe(&out_r, &out_w).ok() || !MakePipe(&err_r, &err_w).ok()) {
    WriteAll(1, "error shim: pipe failed\n");
    return 1;
  }
  std::vector<std::string> argv = {a.runc};
  if (!a.root.empty()) {
    argv.push_back("--root");
    argv.push_back(a.root);
  }
  argv.insert(argv.end(), {"--log", a.bundle + "/runc.log", "--log-format", "json", "run",
                           "--detach", "--pid-file", a.pid_file, "--bundle", a.bundle, a.id});
  ExitRecord record;
  record.started_at = std::chrono::system_clock::now();
  SpawnOptions so;
  so.fds = {-1, out_w.get(), err_w.get()};
  auto runc_pid = SpawnProcess(argv, so);
  out_w.reset();
  err_w.reset();
  if (!runc_pid.ok()) {
    record.exit_code = 128;
    record.start_failed = true;
    record.finished_at = std::chrono::system_clock::now();
    record.message = runc_pid.status().message();
    WriteExitRecord(a.exit_file, record);
    WriteAll(1, "error " + record.message + "\n");
    return 1;
  }

  CriLogWriter log(a.log, a.log_max_bytes, a.log_max_files);
  std::mutex mu;
  std::string err_hold;  // stderr while runc runs: its error message on failure
  std::atomic<bool> holding_stderr{true};
  std::atomic<bool> container_done{false};
  std::thread pump(PumpLogs, out_r.get(), err_r.get(), &log, &mu, &err_hold, &holding_stderr,
                   &container_done);

  Reaper reaper;
  int runc_status = reaper.WaitFor(*runc_pid);
  int runc_code = runc_status < 0 ? 255 : DecodeWaitStatus(runc_status);
  if (runc_code != 0) {
    container_done = true;
    pump.join();
    std::string msg;
    {
      std::lock_guard<std::mutex> lock(mu);
      msg = err_hold;
    }
    if (auto rl = ReadFileText(a.bundle + "/runc.log"); Trim(msg).empty() && rl.ok()) msg = *rl;
    record.exit_code = 128;
    record.start_failed = true;
    record.finished_at = std::chrono::system_clock::now();
    record.message = Trim(msg);
    if (record.message.empty()) record.message = "runc run exited with " + std::to_string(runc_code);
    WriteExitRecord(a.exit_file, record);
    WriteAll(1, "error " + record.message + "\n");
    return 1;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    holding_stderr = false;
    if (!err_hold.empty()) log.Append("stderr", err_hold);
    err_hold.clear();
  }
  pid_t pid = ReadPidFile(a.pid_file);
  WriteAll(1, "ok " + std::to_string(pid) + " " + std::to_string(getpid()) + "\n");
  // Nothing more for the agent: stdout and stderr go nowhere from here on.
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    close(devnull);
  }

  int status = pid > 0 ? reaper.WaitFor(pid) : -1;
  record.finished_at = std::chrono::system_clock::now();
  container_done = true;
  pump.join();
  if (status < 0) {
    record.exit_code = 255;
    record.message = "container process was not a child of the shim";
  } else {
    record.exit_code = DecodeWaitStatus(status);
  }
  if (!a.cgroup.empty()) record.oom_killed = CgroupOomKilled(a.cgroup);
  if (record.oom_killed) record.message = "OOMKilled";
  {
    std::lock_guard<std::mutex> lock(mu);
    log.Flush("stdout");
    log.Flush("stderr");
  }
  WriteExitRecord(a.exit_file, record);
  return 0;
}

int RunExecWait(const ShimArgs& a) {
  if (a.command.empty() || a.pid_file.empty()) return 2;
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  SpawnOptions so;
  so.fds = {0, 1, 2};
  auto runc_pid = SpawnProcess(a.command, so);
  if (!runc_pid.ok()) return 127;
  Reaper reaper;
  int st = reaper.WaitFor(*runc_pid);
  int code = st < 0 ? 255 : DecodeWaitStatus(st);
  if (code != 0) return code == 255 ? 255 : 126;
  pid_t pid = ReadPidFile(a.pid_file);
  if (pid <= 0) return 255;
  st = reaper.WaitFor(pid);
  return st < 0 ? 255 : DecodeWaitStatus(st);
}

}  // namespace

int RunShim(int argc, char** argv) {
  ShimArgs a;
  if (argc >= 2 && std::string(argv[1]) == "exec-wait") {
    if (!ParseArgs(argc, argv, 2, &a)) return 2;
    return RunExecWait(a);
  }
  if (!ParseArgs(argc, argv, 1, &a)) {
    WriteAll(1, "error shim: bad arguments\n");
    return 2;
  }
  return RunContainerShim(a);
}

}  // namespace berth::runtime
