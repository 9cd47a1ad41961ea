// Runtime: the container-runtime seam of the node agent (what CRI is to the kubelet).
//
// A *sandbox* is one pod's shared context: its IPC and UTS namespaces (kept alive as bind-mounted
// namespace files, no pause process), the network namespace made by network::PodNetwork, the pod's
// hostname, /etc/hosts and /etc/resolv.conf files, and the pod cgroup. A *container* runs in a
// sandbox; the caller chooses every id.
//
// Implementations: the runc runtime (NewRuncRuntime) and a scripted fake (NewFakeRuntime) for tests
// and simulated nodes. Both pass tests/runtime/conformance (the same suite, one factory each).
//
// Durability: the runc runtime keeps its state on disk (runc root + per-container dir with the
// spec, labels and the exit file written by the per-container shim), so a new Runtime over the same
// directories sees every container created by an earlier process (agent restart, kill -9 adoption).
// Containers keep running when the agent process dies: each one is parented by a small shim
// (`berth shim`) that holds its stdio, writes the log file and records the exit status.
//
// Thread-safety: every method may be called concurrently for different ids; calls for one id are
// serialized by the caller (one worker per pod).
// Errors: NotFound for unknown ids; InternalError with runc's own message otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace berth::runtime {

struct Mount {
  std::string destination;     // path inside the container
  std::string source;          // host path (bind) or "tmpfs"
  std::string type = "bind";   // "bind" or "tmpfs"
  bool read_only = false;
};

// Resource settings, already converted from Kubernetes quantities.
struct Resources {
  int64_t cpu_shares = 0;        // from requests.cpu: millicores * 1024 / 1000 (min 2); 0 = default
  int64_t cpu_quota_us = 0;      // from limits.cpu: millicores * period / 1000; 0 = unlimited
  int64_t cpu_period_us = 100000;
  int64_t memory_limit_bytes = 0;  // limits.memory; 0 = unlimited
};

struct Security {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::vector<int64_t> supplemental_groups;
  bool privileged = false;
  bool read_only_rootfs = false;
  bool no_new_privileges = false;   // !allowPrivilegeEscalation
  std::vector<std::string> add_capabilities;   // "NET_ADMIN" or "CAP_NET_ADMIN"
  std::vector<std::string> drop_capabilities;  // "ALL" allowed
  bool seccomp_default = true;      // RuntimeDefault-like profile (blocks the dangerous syscalls)
  // Namespaced kernel parameters (dotted names), set by runc inside the container's namespaces
  // (the sandbox's network and IPC namespaces, so every container of the pod sees them).
  std::map<std::string, std::string> sysctls;
};

struct SandboxSpec {
  std::string id;                // unique on the node, [a-z0-9-], <= 40 chars
  std::string hostname;          // pod hostname (<= 63 chars)
  std::string netns_path;        // from network::PodNetwork::Add; empty = host network
  std::string hosts_file;        // content of /etc/hosts
  std::string resolv_conf;       // content of /etc/resolv.conf
  std::map<std::string, std::string> labels;  // persisted; returned by ListSandboxes
};

struct SandboxStatus {
  std::string id;
  std::map<std::string, std::string> labels;
  std::string netns_path;
};

struct ContainerSpec {
  std::string id;                // unique on the node, [a-z0-9-], <= 64 chars
  std::string sandbox_id;
  std::string name;              // the pod spec's container name
  std::map<std::string, std::string> labels;       // persisted; returned by Inspect/List
  std::map<std::string, std::string> annotations;  // the pod's annotations (the fake runtime's script)
  std::vector<std::string> rootfs_layers;  // unpacked image layers, TOP FIRST
  std::vector<std::string> args;           // argv, already resolved from command/args/entrypoint/cmd
  std::vector<std::string> env;            // "K=V", final
  std::string working_dir;                 // "" = "/"
  std::string image_user;                  // the image's USER, used when Security has no run_as_user
  Resources resources;
  Security security;
  std::vector<Mount> mounts;               // volumes; /etc/hosts etc. are added by the runtime
  std::string log_path;                    // CRI log format file, rotated by size
  int64_t log_max_bytes = 10 << 20;        // rotate when the file exceeds this
  int log_max_files = 3;                   // rotated files kept: path.1 .. path.N
  bool tty = false;
  bool stdin_open = false;
};

enum class ContainerState { kCreated, kRunning, kExited, kUnknown };

struct ContainerStatus {
  std::string id;
  std::string sandbox_id;
  std::string name;
  std::map<std::string, std::string> labels;
  ContainerState state = ContainerState::kUnknown;
  int pid = 0;
  int exit_code = 0;
  bool oom_killed = false;
  Clock::time_point created_at{};
  Clock::time_point started_at{};
  Clock::time_point finished_at{};
  std::string log_path;
  std::string message;   // runtime's explanation for failures (e.g. "exec: no such file")
};

struct ExecResult {
  int exit_code = 0;
  std::string output;    // stdout and stderr interleaved, truncated to 64 KiB
  bool timed_out = false;
};

// A running `exec` session. The fds belong to the session and are closed by its destructor.
// With tty, stdout_fd is the pty master and stderr_fd is -1; stdin_fd is -1 unless requested.
class ExecSession {
 public:
  virtual ~ExecSession() = default;
  virtual int stdin_fd() const = 0;
  virtual int stdout_fd() const = 0;
  virtual int stderr_fd() const = 0;
  // Closes stdin (EOF to the process).
  virtual void CloseStdin() = 0;
  virtual Status Resize(int cols, int rows) = 0;
  // Blocks until the process exits; returns its exit code (128+signal if killed).
  virtual StatusOr<int> Wait() = 0;
};

struct ExecOptions {
  std::vector<std::string> args;
  bool tty = false;
  bool stdin_open = false;
  std::vector<std::string> env;  // extra "K=V"
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Sandboxes. CreateSandbox is idempotent for an existing id.
  virtual Status CreateSandbox(const SandboxSpec& spec) = 0;
  // Stops (SIGKILL) and removes every container of the sandbox, then its namespaces, files and
  // cgroup. Succeeds if already gone.
  virtual Status RemoveSandbox(const std::string& id) = 0;
  virtual StatusOr<std::vector<SandboxStatus>> ListSandboxes() = 0;

  // Containers. CreateContainer prepares the rootfs and bundle; StartContainer starts the process.
  virtual Status CreateContainer(const ContainerSpec& spec) = 0;
  virtual Status StartContainer(const std::string& id) = 0;
  // SIGTERM, then SIGKILL once `grace` has passed; returns when the process has exited.
  virtual Status StopContainer(const std::string& id, std::chrono::milliseconds grace) = 0;
  // Removes a stopped container (rootfs, bundle, cgroup). Keeps its log file.
  virtual Status RemoveContainer(const std::string& id) = 0;
  virtual StatusOr<ContainerStatus> Inspect(const std::string& id) = 0;
  virtual StatusOr<std::vector<ContainerStatus>> ListContainers() = 0;

  // Runs a command in a running container and collects its output (exec probes).
  virtual StatusOr<ExecResult> ExecSync(const std::string& id, const std::vector<std::string>& args,
                                        std::chrono::milliseconds timeout) = 0;
  // Starts an interactive command (kubectl exec).
  virtual StatusOr<std::unique_ptr<ExecSession>> Exec(const std::string& id,
                                                      const ExecOptions& options) = 0;

  // Called (from a runtime thread) whenever a container's process exits, so that callers need not
  // poll. Set once, before containers are started.
  virtual void SetExitHandler(std::function<void(const std::string& container_id)> handler) = 0;

  // Removes every sandbox and container, the cgroup parent and the runtime's state (`berth down`).
  virtual Status Destroy() = 0;
};

struct RuncOptions {
  std::string runc_binary = "runc";
  std::string runc_root;      // runc --root, e.g. /run/berth/<cluster>/runc
  std::string state_dir;      // bundles, rootfs mounts, sandbox files: <data-dir>/runtime
  std::string cgroup_parent;  // e.g. "berth-<cluster>": containers go in /<parent>/<sandbox>/<id>
  std::string shim_binary;    // the berth executable; run as `<shim_binary> shim ...`
};

std::unique_ptr<Runtime> NewRuncRuntime(RuncOptions options);

// The fake runtime keeps everything in memory and runs no processes. Per container, the pod
// annotations script it (absent keys: run forever, exit code 0, exec succeeds):
//   fake.berth.dev/run-seconds        seconds after start before the container exits
//   fake.berth.dev/exit-code          exit code when it does
//   fake.berth.dev/exec-exit-code     exit code of every ExecSync (probes)
//   fake.berth.dev/start-error        StartContainer fails with this message
//   fake.berth.dev/exec-output        output of every ExecSync (default empty)
//   fake.berth.dev/term-exit-code     StopContainer: the container handles SIGTERM and exits with
//                                     this code; absent: it ignores SIGTERM and is killed (137)
//                                     (the fake never sleeps through the grace period)
// Time comes from `clock`, so tests drive it with a ManualClock; call Tick() after advancing it to
// deliver exits.
class FakeRuntime : public Runtime {
 public:
  virtual void Tick() = 0;
};
std::unique_ptr<FakeRuntime> NewFakeRuntime(const Clock* clock);

// Entry point of `berth shim` (the per-container parent). Returns the process exit code.
int RunShim(int argc, char** argv);

}  // namespace berth::runtime
