// The scripted in-memory runtime (see FakeRuntime in runtime.h). No processes, no files: a
// container "runs" until the injected clock passes its run-seconds, and Tick() reports exits.
#include <cstdlib>
#include <mutex>
#include <set>

#include "runtime/runtime.h"

namespace berth::runtime {
namespace {

constexpr const char* kRunSeconds = "fake.berth.dev/run-seconds";
constexpr const char* kExitCode = "fake.berth.dev/exit-code";
constexpr const char* kExecExitCode = "fake.berth.dev/exec-exit-code";
constexpr const char* kExecOutput = "fake.berth.dev/exec-output";
constexpr const char* kStartError = "fake.berth.dev/start-error";
constexpr const char* kTermExitCode = "fake.berth.dev/term-exit-code";

struct FakeContainer {
  ContainerSpec spec;
  ContainerStatus status;
  std::optional<Clock::time_point> exit_at;
};

class FakeExecSession : public ExecSession {
 public:
  explicit FakeExecSession(int code) : code_(code) {}
  int stdin_fd() const override { return -1; }
  int stdout_fd() const override { return -1; }
  int stderr_fd() const override { return -1; }
  void CloseStdin() override {}
  Status Resize(int, int) override { return Status::Ok(); }
  StatusOr<int> Wait() override { return code_; }

 private:
  int code_;
};

std::string Annotation(const ContainerSpec& spec, const char* key) {
  auto it = spec.annotations.find(key);
  return it == spec.annotations.end() ? "" : it->second;
}

class FakeRuntimeImpl final : public FakeRuntime {
 public:
  explicit FakeRuntimeImpl(const Clock* clock) : clock_(clock) {}

  Status CreateSandbox(const SandboxSpec& spec) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (spec.id.empty()) return BadRequest("invalid sandbox id");
    sandboxes_[spec.id] = spec;
    return Status::Ok();
  }

  Status RemoveSandbox(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = containers_.begin(); it != containers_.end();) {
      if (it->second.spec.sandbox_id == id) it = containers_.erase(it);
      else ++it;
    }
    sandboxes_.erase(id);
    return Status::Ok();
  }

  StatusOr<std::vector<SandboxStatus>> ListSandboxes() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<SandboxStatus> out;
    for (const auto& [id, s] : sandboxes_) out.push_back(SandboxStatus{id, s.labels, s.netns_path});
    return out;
  }

  Status CreateContainer(const ContainerSpec& spec) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!sandboxes_.count(spec.sandbox_id)) return NotFound("sandboxes", spec.sandbox_id);
    if (containers_.count(spec.id)) return AlreadyExists("containers", spec.id);
    if (spec.args.empty()) return BadRequest("container " + spec.id + ": no command");
    FakeContainer c;
    c.spec = spec;
    c.status.id = spec.id;
    c.status.sandbox_id = spec.sandbox_id;
    c.status.name = spec.name;
    c.status.labels = spec.labels;
    c.status.log_path = spec.log_path;
    c.status.state = ContainerState::kCreated;
    c.status.created_at = clock_->Now();
    containers_[spec.id] = std::move(c);
    return Status::Ok();
  }

  Status StartContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return NotFound("containers", id);
    FakeContainer& c = it->second;
    if (c.status.state != ContainerState::kCreated)
      return InternalError("container " + id + " was already started");
    c.status.started_at = clock_->Now();
    if (std::string err = Annotation(c.spec, kStartError); !err.empty()) {
      c.status.state = ContainerState::kExited;
      c.status.exit_code = 128;
      c.status.finished_at = c.status.started_at;
      c.status.message = err;
      return InternalError(err);
    }
    c.status.state = ContainerState::kRunning;
    c.status.pid = next_pid_++;
    if (std::string secs = Annotation(c.spec, kRunSeconds); !secs.empty())
      c.exit_at = c.status.started_at +
                  std::chrono::duration_cast<Clock::time_point::duration>(
                      std::chrono::duration<double>(std::atof(secs.c_str())));
    return Status::Ok();
  }

  Status StopContainer(const std::string& id, std::chrono::milliseconds) override {
    std::function<void(const std::string&)> handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = containers_.find(id);
      if (it == containers_.end()) return NotFound("containers", id);
      FakeContainer& c = it->second;
      if (c.status.state != ContainerState::kRunning) return Status::Ok();
      // TERM ends it with term-exit-code when scripted; otherwise it "ignores" TERM and the
      // grace period ends in SIGKILL (no waiting: the fake does not sleep).
      std::string term = Annotation(c.spec, kTermExitCode);
      Exit(c, term.empty() ? 137 : std::atoi(term.c_str()));
      handler = handler_;
    }
    if (handler) handler(id);
    return Status::Ok();
  }

  Status RemoveContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    containers_.erase(id);
    return Status::Ok();
  }

  StatusOr<ContainerStatus> Inspect(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return NotFound("containers", id);
    return it->second.status;
  }

  StatusOr<std::vector<ContainerStatus>> ListContainers() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ContainerStatus> out;
    for (const auto& [id, c] : containers_) out.push_back(c.status);
    return out;
  }

  StatusOr<ExecResult> ExecSync(const std::string& id, const std::vector<std::string>&,
                                std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return NotFound("containers", id);
    if (it->second.status.state != ContainerState::kRunning)
      return InternalError("container " + id + " is not running");
    ExecResult r;
    r.exit_code = std::atoi(Annotation(it->second.spec, kExecExitCode).c_str());
    r.output = Annotation(it->second.spec, kExecOutput);
    return r;
  }

  StatusOr<std::unique_ptr<ExecSession>> Exec(const std::string& id,
                                              const ExecOptions&) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return NotFound("containers", id);
    if (it->second.status.state != ContainerState::kRunning)
      return InternalError("container " + id + " is not running");
    return std::unique_ptr<ExecSession>(std::make_unique<FakeExecSession>(
        std::atoi(Annotation(it->second.spec, kExecExitCode).c_str())));
  }

  void SetExitHandler(std::function<void(const std::string&)> handler) override {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }

  Status Destroy() override {
    std::lock_guard<std::mutex> lock(mu_);
    containers_.clear();
    sandboxes_.clear();
    return Status::Ok();
  }

  void Tick() override {
    std::vector<std::string> exited;
    std::function<void(const std::string&)> handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto now = clock_->Now();
      for (auto& [id, c] : containers_) {
        if (c.status.state != ContainerState::kRunning || !c.exit_at || *c.exit_at > now) continue;
        Exit(c, std::atoi(Annotation(c.spec, kExitCode).c_str()));
        c.status.finished_at = *c.exit_at;
        exited.push_back(id);
      }
      handler = handler_;
    }
    if (handler)
      for (const auto& id : exited) handler(id);
  }

 private:
  void Exit(FakeContainer& c, int code) {
    c.status.state = ContainerState::kExited;
    c.status.exit_code = code;
    c.status.pid = 0;
    c.status.finished_at = clock_->Now();
    c.exit_at.reset();
  }

  const Clock* clock_;
  std::mutex mu_;
  std::map<std::string, SandboxSpec> sandboxes_;
  std::map<std::string, FakeContainer> containers_;
  std::function<void(const std::string&)> handler_;
  int next_pid_ = 1000;
};

}  // namespace

std::unique_ptr<FakeRuntime> NewFakeRuntime(const Clock* clock) {
  return std::make_unique<FakeRuntimeImpl>(clock);
}

}  // namespace berth::runtime
