// The runc-backed Runtime. All state lives on disk (see runtime.h); this object holds only the
// exit watcher and a condition variable that StopContainer waits on.
//
//   <state_dir>/containers/<id>/  spec.json state.json exit.json pid shim.log bundle/ rootfs/
//                                 upper/ work/
//   <state_dir>/sandboxes/<id>/   sandbox.json hosts resolv.conf hostname ns/{ipc,uts}
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "common/json.h"
#include "common/subprocess.h"
#include "runtime/cgroup_files.h"
#include "runtime/exec_session.h"
#include "runtime/exit_record.h"
#include "runtime/exit_watcher.h"
#include "runtime/oci_config.h"
#include "runtime/process_spawn.h"
#include "runtime/runtime.h"
#include "runtime/sandbox_namespaces.h"
#include "runtime/spec_codec.h"

namespace berth::runtime {
namespace fs = std::filesystem;
namespace {

constexpr const char* kExitFile = "exit.json";
constexpr size_t kMaxExecOutput = 64 * 1024;

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsMounted(const std::string& path) {
  auto text = ReadFileText("/proc/self/mountinfo");
  if (!text.ok()) return false;
  return text->find(" " + path + " ") != std::string::npos;
}

void UnmountAll(const std::string& path) {
  while (IsMounted(path) && umount2(path.c_str(), MNT_DETACH) == 0) {
  }
}

class RuncRuntime final : public Runtime {
 public:
  explicit RuncRuntime(RuncOptions o) : opts_(std::move(o)), watcher_(kExitFile) {
    std::error_code ec;
    opts_.state_dir = fs::absolute(opts_.state_dir).lexically_normal().string();
    fs::create_directories(ContainersDir(), ec);
    fs::create_directories(SandboxesDir(), ec);
    if (!opts_.runc_root.empty()) fs::create_directories(opts_.runc_root, ec);
    watcher_.SetHandler([this](const std::string& id) { OnExit(id); });
    // Adoption: exits of containers created by an earlier process are reported too.
    for (const auto& e : fs::directory_iterator(ContainersDir(), ec))
      if (e.is_directory(ec)) watcher_.Watch(e.path().filename().string(), e.path().string());
  }

  Status CreateSandbox(const SandboxSpec& spec) override {
    if (spec.id.empty() || spec.id.find('/') != std::string::npos)
      return BadRequest("invalid sandbox id \"" + spec.id + "\"");
    std::string dir = SandboxDir(spec.id);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return InternalError("mkdir " + dir + ": " + ec.message());
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(dir + "/hosts", spec.hosts_file));
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(dir + "/resolv.conf", spec.resolv_conf));
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(dir + "/hostname", spec.hostname + "\n"));
    BERTH_RETURN_IF_ERROR(CreateSandboxNamespaces(dir + "/ns", spec.hostname));
    return WriteFileAtomic(dir + "/sandbox.json", ToJson(EncodeSandboxSpec(spec)));
  }

  Status RemoveSandbox(const std::string& id) override {
    auto containers = ListContainerSpecs();
    for (const auto& c : containers) {
      if (c.sandbox_id != id) continue;
      RuncQuiet({"kill", "--all", c.id, "KILL"});
      BERTH_RETURN_IF_ERROR(RemoveContainer(c.id));
    }
    std::string dir = SandboxDir(id);
    BERTH_RETURN_IF_ERROR(RemoveSandboxNamespaces(dir + "/ns"));
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) return InternalError("remove " + dir + ": " + ec.message());
    RemoveCgroupTree(CgroupBase() + "/" + id);
    return Status::Ok();
  }

  StatusOr<std::vector<SandboxStatus>> ListSandboxes() override {
    std::vector<SandboxStatus> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(SandboxesDir(), ec)) {
      auto text = ReadFileText(e.path().string() + "/sandbox.json");
      if (!text.ok()) continue;
      auto v = ParseJson(*text);
      if (!v.ok()) continue;
      auto spec = DecodeSandboxSpec(*v);
      if (!spec.ok()) continue;
      out.push_back(SandboxStatus{spec->id, spec->labels, spec->netns_path});
    }
    return out;
  }

  Status CreateContainer(const ContainerSpec& spec) override {
    if (spec.id.empty() || spec.id.find('/') != std::string::npos)
      return BadRequest("invalid container id \"" + spec.id + "\"");
    if (spec.rootfs_layers.empty()) return BadRequest("container " + spec.id + ": no rootfs layers");
    if (spec.args.empty()) return BadRequest("container " + spec.id + ": no command");
    auto sandbox = LoadSandbox(spec.sandbox_id);
    if (!sandbox.ok()) return sandbox.status();
    std::string dir = ContainerDir(spec.id);
    std::error_code ec;
    if (fs::exists(dir + "/spec.json", ec)) return AlreadyExists("containers", spec.id);
    for (const char* sub : {"/bundle", "/rootfs", "/upper", "/work"})
      fs::create_directories(dir + sub, ec);
    if (ec) return InternalError("mkdir " + dir + ": " + ec.message());
    Status st = PrepareContainer(spec, *sandbox, dir);
    if (!st.ok()) {
      UnmountAll(dir + "/rootfs");
      fs::remove_all(dir, ec);
      return st;
    }
    watcher_.Watch(spec.id, dir);
    return Status::Ok();
  }

  Status StartContainer(const std::string& id) override {
    auto spec = LoadContainer(id);
    if (!spec.ok()) return spec.status();
    std::string dir = ContainerDir(id);
    std::error_code ec;
    if (fs::exists(dir + "/" + kExitFile, ec) || fs::exists(dir + "/pid", ec))
      return InternalError("container " + id + " was already started");
    if (!spec->log_path.empty()) fs::create_directories(fs::path(spec->log_path).parent_path(), ec);

    UniqueFd ready_r, ready_w;
    BERTH_RETURN_IF_ERROR(MakePipe(&ready_r, &ready_w));
    UniqueFd shim_log(open((dir + "/shim.log").c_str(),
                           O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    std::vector<std::string> argv = {opts_.shim_binary,
                                     "shim",
                                     "--id", id,
                                     "--bundle", dir + "/bundle",
                                     "--runc", opts_.runc_binary,
                                     "--root", opts_.runc_root,
                                     "--log", spec->log_path,
                                     "--exit-file", dir + "/" + kExitFile,
                                     "--pid-file", dir + "/pid",
                                     "--cgroup", CgroupsPath(*spec),
                                     "--log-max-bytes", std::to_string(spec->log_max_bytes),
                                     "--log-max-files", std::to_string(spec->log_max_files)};
    SpawnOptions so;
    so.fds = {-1, ready_w.get(), shim_log.get()};
    so.new_session = true;
    auto pid = SpawnProcess(argv, so);
    ready_w.reset();
    if (!pid.ok()) return pid.status();
    WaitProcess(*pid);  // the shim forks and its first process exits at once

    std::string line;
    char buf[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (line.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return InternalError("container " + id + ": shim did not report");
      pollfd p{ready_r.get(), POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) continue;
      ssize_t n = read(ready_r.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    line = TrimRight(line);
    if (line.rfind("ok", 0) == 0) {
      json::object state = LoadState(id);
      int container_pid = 0, shim_pid = 0;
      sscanf(line.c_str(), "ok %d %d", &container_pid, &shim_pid);
      state["shim_pid"] = shim_pid;
      state["pid"] = container_pid;
      state["started_at"] = ToUnixNanos(std::chrono::system_clock::now());
      return WriteFileAtomic(dir + "/state.json", ToJson(state));
    }
    if (line.rfind("error ", 0) == 0) return InternalError(line.substr(6));
    auto shim_text = ReadFileText(dir + "/shim.log");
    return InternalError("container " + id + ": shim failed: " +
                         TrimRight(shim_text.ok() ? *shim_text : line));
  }

  Status StopContainer(const std::string& id, std::chrono::milliseconds grace) override {
    auto status = Inspect(id);
    if (!status.ok()) return status.status();
    if (status->state != ContainerState::kRunning) return Status::Ok();
    RuncQuiet({"kill", id, "TERM"});
    if (WaitExited(id, grace)) return Status::Ok();
    RuncQuiet({"kill", "--all", id, "KILL"});
    if (WaitExited(id, std::chrono::seconds(30))) return Status::Ok();
    return InternalError("container " + id + " did not exit after SIGKILL");
  }

  Status RemoveContainer(const std::string& id) override {
    std::string dir = ContainerDir(id);
    std::error_code ec;
    if (!fs::exists(dir, ec)) return Status::Ok();
    auto spec = LoadContainer(id);
    watcher_.Unwatch(id);
    auto r = Runc({"delete", "--force", id});
    if (r.ok() && r->exit_code != 0 && r->err.find("does not exist") == std::string::npos &&
        r->err.find("not exist") == std::string::npos)
      return InternalError("runc delete " + id + ": " + TrimRight(r->err));
    UnmountAll(dir + "/rootfs");
    if (spec.ok()) RemoveCgroupTree(CgroupsPath(*spec));
    fs::remove_all(dir, ec);
    if (ec) return InternalError("remove " + dir + ": " + ec.message());
    return Status::Ok();
  }

  StatusOr<ContainerStatus> Inspect(const std::string& id) override {
    auto spec = LoadContainer(id);
    if (!spec.ok()) return spec.status();
    std::string dir = ContainerDir(id);
    ContainerStatus s;
    s.id = id;
    s.sandbox_id = spec->sandbox_id;
    s.name = spec->name;
    s.labels = spec->labels;
    s.log_path = spec->log_path;
    json::object state = LoadState(id);
    s.created_at = FromUnixNanos(GetInt(state, {"created_at"}));
    s.started_at = FromUnixNanos(GetInt(state, {"started_at"}));
    auto exit = ReadExitRecord(dir + "/" + kExitFile);
    if (exit.ok()) {
      s.state = ContainerState::kExited;
      s.exit_code = exit->exit_code;
      s.oom_killed = exit->oom_killed;
      s.started_at = exit->started_at;
      s.finished_at = exit->finished_at;
      s.message = exit->message;
      return s;
    }
    bool started = state.contains("started_at");
    // Fast path (no `runc state`, which costs a Go process start): a started container whose
    // shim is alive is running — the shim outlives its container and writes the exit file first.
    if (started && ShimAlive(state)) {
      s.state = ContainerState::kRunning;
      s.pid = static_cast<int>(GetInt(state, {"pid"}));
      return s;
    }
    auto r = Runc({"state", id});
    std::string runc_status;
    if (r.ok() && r->exit_code == 0) {
      auto v = ParseJson(r->out);
      if (v.ok()) {
        runc_status = GetString(*v, {"status"});
        s.pid = static_cast<int>(GetInt(*v, {"pid"}));
      }
    }
    if (runc_status == "running" || runc_status == "paused" ||
        (runc_status == "stopped" && ShimAlive(state))) {
      // A stopped process whose shim still runs is being recorded: the exit file follows.
      s.state = ContainerState::kRunning;
    } else if (runc_status == "created" || (!started && runc_status.empty())) {
      s.state = ContainerState::kCreated;
      s.pid = 0;
    } else {
      // Started, but neither running nor recorded by a shim: the shim died with its container.
      s.state = ContainerState::kExited;
      s.pid = 0;
      s.exit_code = 255;
      s.message = "container exited while its shim was gone; exit status unknown";
    }
    return s;
  }

  StatusOr<std::vector<ContainerStatus>> ListContainers() override {
    std::vector<ContainerStatus> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(ContainersDir(), ec)) {
      auto s = Inspect(e.path().filename().string());
      if (s.ok()) out.push_back(std::move(*s));
    }
    return out;
  }

  StatusOr<ExecResult> ExecSync(const std::string& id, const std::vector<std::string>& args,
                                std::chrono::milliseconds timeout) override {
    auto status = Inspect(id);
    if (!status.ok()) return status.status();
    if (status->state != ContainerState::kRunning)
      return InternalError("container " + id + " is not running");
    if (args.empty()) return BadRequest("exec: empty command");
    static std::atomic<int> seq{0};
    std::string pid_file = ContainerDir(id) + "/execsync-" + std::to_string(getpid()) + "-" +
                           std::to_string(seq++) + ".pid";
    std::vector<std::string> argv = RuncArgv({"exec", "--pid-file", pid_file, id});
    argv.insert(argv.end(), args.begin(), args.end());
    UniqueFd out_r, out_w;
    BERTH_RETURN_IF_ERROR(MakePipe(&out_r, &out_w));
    SpawnOptions so;
    so.fds = {-1, out_w.get(), out_w.get()};
    auto pid = SpawnProcess(argv, so);
    out_w.reset();
    if (!pid.ok()) return pid.status();
    ExecResult result;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[16384];
    while (true) {
      int wait_ms = -1;
      if (timeout.count() > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
          result.timed_out = true;
          break;
        }
        wait_ms = static_cast<int>(left.count());
      }
      pollfd p{out_r.get(), POLLIN, 0};
      int r = poll(&p, 1, wait_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;
      ssize_t n = read(out_r.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (result.output.size() < kMaxExecOutput)
        result.output.append(buf, std::min(static_cast<size_t>(n),
                                           kMaxExecOutput - result.output.size()));
    }
    if (result.timed_out) {
      // Kill the exec'd process itself (runc cannot forward SIGKILL), then runc exec.
      auto text = ReadFileText(pid_file);
      int exec_pid = text.ok() ? std::atoi(text->c_str()) : 0;
      if (exec_pid > 0) kill(exec_pid, SIGKILL);
      kill(*pid, SIGKILL);
    }
    result.exit_code = WaitProcess(*pid);
    unlink(pid_file.c_str());
    return result;
  }

  StatusOr<std::unique_ptr<ExecSession>> Exec(const std::string& id,
                                              const ExecOptions& options) override {
    auto status = Inspect(id);
    if (!status.ok()) return status.status();
    if (status->state != ContainerState::kRunning)
      return InternalError("container " + id + " is not running");
    ExecTarget t{opts_.runc_binary, opts_.runc_root, opts_.shim_binary, id, ContainerDir(id)};
    return StartExecSession(t, options);
  }

  void SetExitHandler(std::function<void(const std::string&)> handler) override {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }

  Status Destroy() override {
    Status first;
    auto sandboxes = ListSandboxes();
    if (sandboxes.ok())
      for (const auto& s : *sandboxes) {
        Status st = RemoveSandbox(s.id);
        if (!st.ok() && first.ok()) first = st;
      }
    for (const auto& c : ListContainerSpecs()) {
      RuncQuiet({"kill", "--all", c.id, "KILL"});
      Status st = RemoveContainer(c.id);
      if (!st.ok() && first.ok()) first = st;
    }
    // Sandboxes whose sandbox.json was never written still hold namespace mounts.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(SandboxesDir(), ec))
      RemoveSandboxNamespaces(e.path().string() + "/ns");
    RemoveCgroupTree(CgroupBase());
    fs::remove_all(opts_.state_dir, ec);
    if (ec && first.ok()) first = InternalError("remove " + opts_.state_dir + ": " + ec.message());
    if (!opts_.runc_root.empty()) fs::remove_all(opts_.runc_root, ec);
    return first;
  }

 private:
  std::string ContainersDir() const { return opts_.state_dir + "/containers"; }
  std::string SandboxesDir() const { return opts_.state_dir + "/sandboxes"; }
  std::string ContainerDir(const std::string& id) const { return ContainersDir() + "/" + id; }
  std::string SandboxDir(const std::string& id) const { return SandboxesDir() + "/" + id; }
  std::string CgroupBase() const {
    return opts_.cgroup_parent.empty() ? "/berth" : "/" + opts_.cgroup_parent;
  }
  std::string CgroupsPath(const ContainerSpec& spec) const {
    return CgroupBase() + "/" + spec.sandbox_id + "/" + spec.id;
  }

  std::vector<std::string> RuncArgv(std::vector<std::string> args) const {
    std::vector<std::string> argv = {opts_.runc_binary};
    if (!opts_.runc_root.empty()) {
      argv.push_back("--root");
      argv.push_back(opts_.runc_root);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  StatusOr<SubprocessResult> Runc(std::vector<std::string> args) const {
    SubprocessOptions so;
    so.timeout = std::chrono::seconds(60);
    return RunSubprocess(RuncArgv(std::move(args)), so);
  }
  void RuncQuiet(std::vector<std::string> args) const { (void)Runc(std::move(args)); }

  StatusOr<ContainerSpec> LoadContainer(const std::string& id) const {
    if (id.empty() || id.find('/') != std::string::npos) return NotFound("containers", id);
    auto text = ReadFileText(ContainerDir(id) + "/spec.json");
    if (!text.ok()) return NotFound("containers", id);
    auto v = ParseJson(*text);
    if (!v.ok()) return InternalError("container " + id + ": corrupt spec.json");
    return DecodeContainerSpec(*v);
  }

  StatusOr<SandboxSpec> LoadSandbox(const std::string& id) const {
    if (id.empty() || id.find('/') != std::string::npos) return NotFound("sandboxes", id);
    auto text = ReadFileText(SandboxDir(id) + "/sandbox.json");
    if (!text.ok()) return NotFound("sandboxes", id);
    auto v = ParseJson(*text);
    if (!v.ok()) return InternalError("sandbox " + id + ": corrupt sandbox.json");
    return DecodeSandboxSpec(*v);
  }

  json::object LoadState(const std::string& id) const {
    auto text = ReadFileText(ContainerDir(id) + "/state.json");
    if (!text.ok()) return {};
    auto v = ParseJson(*text);
    if (!v.ok() || !v->is_object()) return {};
    return v->as_object();
  }

  std::vector<ContainerSpec> ListContainerSpecs() const {
    std::vector<ContainerSpec> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(ContainersDir(), ec)) {
      auto spec = LoadContainer(e.path().filename().string());
      if (spec.ok()) out.push_back(std::move(*spec));
      else {
        // A half-created dir without spec.json: still remove it with its id.
        ContainerSpec bare;
        bare.id = e.path().filename().string();
        out.push_back(std::move(bare));
      }
    }
    return out;
  }

  Status PrepareContainer(const ContainerSpec& spec, const SandboxSpec& sandbox,
                          const std::string& dir) {
    std::string lower;
    for (const auto& layer : spec.rootfs_layers) {
      if (!lower.empty()) lower += ':';
      lower += fs::absolute(layer).lexically_normal().string();
    }
    std::string rootfs = dir + "/rootfs";
    std::string data = "lowerdir=" + lower + ",upperdir=" + dir + "/upper,workdir=" + dir + "/work";
    if (mount("overlay", rootfs.c_str(), "overlay", 0, data.c_str()) != 0)
      return InternalError("mount overlay for " + spec.id + ": " + strerror(errno));
    std::string sdir = SandboxDir(spec.sandbox_id);
    OciContext ctx;
    ctx.rootfs = rootfs;
    ctx.cgroups_path = CgroupsPath(spec);
    ctx.netns_path = sandbox.netns_path;
    ctx.ipc_ns_path = sdir + "/ns/ipc";
    ctx.uts_ns_path = sdir + "/ns/uts";
    ctx.hostname = sandbox.hostname;
    ctx.hosts_file = sdir + "/hosts";
    ctx.resolv_conf_file = sdir + "/resolv.conf";
    ctx.hostname_file = sdir + "/hostname";
    auto config = RenderOciConfig(spec, ctx);
    if (!config.ok()) return config.status();
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(dir + "/bundle/config.json", ToJson(*config)));
    json::object state{{"created_at", ToUnixNanos(std::chrono::system_clock::now())}};
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(dir + "/state.json", ToJson(state)));
    return WriteFileAtomic(dir + "/spec.json", ToJson(EncodeContainerSpec(spec)));
  }

  // True while the container's shim process still runs (it has yet to write the exit file).
  static bool ShimAlive(const json::object& state) {
    int pid = static_cast<int>(GetInt(state, {"shim_pid"}));
    if (pid <= 0 || kill(pid, 0) != 0) return false;
    auto cmdline = ReadFileText("/proc/" + std::to_string(pid) + "/cmdline");
    return cmdline.ok() && cmdline->find(std::string("shim\0", 5)) != std::string::npos;
  }

  void OnExit(const std::string& id) {
    std::function<void(const std::string&)> handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      handler = handler_;
    }
    exited_cv_.notify_all();
    if (handler) handler(id);
  }

  // True once the container has an exit file or runc no longer sees it running.
  bool WaitExited(const std::string& id, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    std::string exit_path = ContainerDir(id) + "/" + kExitFile;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      std::error_code ec;
      if (fs::exists(exit_path, ec)) return true;
      lock.unlock();
      auto s = Inspect(id);
      lock.lock();
      if (!s.ok() || s->state != ContainerState::kRunning) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      // Woken by the exit watcher; the timeout covers a shim that died.
      exited_cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() +
                                                         std::chrono::milliseconds(500)));
    }
  }

  RuncOptions opts_;
  std::mutex mu_;
  std::condition_variable exited_cv_;
  std::function<void(const std::string&)> handler_;
  ExitWatcher watcher_;  // last: its thread calls OnExit, so it stops before the rest goes
};

}  // namespace

std::unique_ptr<Runtime> NewRuncRuntime(RuncOptions options) {
  return std::make_unique<RuncRuntime>(std::move(options));
}

}  // namespace berth::runtime
