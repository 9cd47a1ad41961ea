// RuntimeHarness: one Runtime implementation set up for a test (runc over unique temp dirs, or
// the fake over a ManualClock), with the hooks the conformance suite needs to drive either one.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/clock.h"
#include "runtime/runtime.h"
#include "test_rootfs.h"

namespace berth::runtime::testing {

class RuntimeHarness {
 public:
  virtual ~RuntimeHarness() = default;
  Runtime* runtime() { return runtime_.get(); }
  virtual bool is_fake() const = 0;
  // Waits until the exit handler reported `id` (runc), or advances the fake clock by `run_for`
  // and ticks (fake). Returns false on timeout.
  virtual bool WaitForExit(const std::string& id, std::chrono::seconds run_for) = 0;
  // A new Runtime object over the same state (runc); nullptr when the implementation keeps no
  // state across objects (fake).
  virtual std::unique_ptr<Runtime> Reopen() = 0;
  // A ContainerSpec in sandbox `sandbox` with the test rootfs.
  virtual ContainerSpec Spec(const std::string& id, const std::string& sandbox,
                             std::vector<std::string> args) = 0;
  virtual std::string LogPath(const std::string& id) = 0;

  // Records every id the handler reports.
  void InstallHandler(Runtime* rt) {
    rt->SetExitHandler([this](const std::string& id) {
      std::lock_guard<std::mutex> lock(mu_);
      exited_.insert(id);
      cv_.notify_all();
    });
  }
  bool HandlerSaw(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return exited_.count(id) > 0;
  }

 protected:
  std::unique_ptr<Runtime> runtime_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> exited_;
};

class RuncHarness : public RuntimeHarness {
 public:
  RuncHarness() {
    name_ = UniqueName("berth-test");
    base_ = "/tmp/" + name_;
    std::filesystem::create_directories(base_ + "/layer");
    BuildBusyboxLayer(base_ + "/layer");
    options_.runc_root = "/run/" + name_;
    options_.state_dir = base_ + "/state";
    options_.cgroup_parent = name_;
    // The test binary is its own shim (shim_hook_test.cc); /proc/self/exe resolves per process.
    options_.shim_binary = std::filesystem::read_symlink("/proc/self/exe").string();
    runtime_ = NewRuncRuntime(options_);
    InstallHandler(runtime_.get());
  }
  ~RuncHarness() override {
    if (runtime_) (void)runtime_->Destroy();
    runtime_.reset();
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
    std::filesystem::remove_all(options_.runc_root, ec);
  }
  bool is_fake() const override { return false; }
  bool WaitForExit(const std::string& id, std::chrono::seconds run_for) override {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, run_for + std::chrono::seconds(30),
                        [&] { return exited_.count(id) > 0; });
  }
  std::unique_ptr<Runtime> Reopen() override {
    auto rt = NewRuncRuntime(options_);
    InstallHandler(rt.get());
    return rt;
  }
  ContainerSpec Spec(const std::string& id, const std::string& sandbox,
                     std::vector<std::string> args) override {
    ContainerSpec s;
    s.id = id;
    s.sandbox_id = sandbox;
    s.name = id;
    s.rootfs_layers = {base_ + "/layer"};
    s.args = std::move(args);
    s.log_path = LogPath(id);
    return s;
  }
  std::string LogPath(const std::string& id) override { return base_ + "/logs/" + id + ".log"; }
  const std::string& name() const { return name_; }
  const std::string& base() const { return base_; }
  const RuncOptions& options() const { return options_; }

 private:
  std::string name_;
  std::string base_;
  RuncOptions options_;
};

class FakeHarness : public RuntimeHarness {
 public:
  FakeHarness() {
    fake_ = NewFakeRuntime(&clock_).release();
    runtime_.reset(fake_);
    InstallHandler(runtime_.get());
  }
  bool is_fake() const override { return true; }
  bool WaitForExit(const std::string& id, std::chrono::seconds run_for) override {
    clock_.Advance(run_for);
    fake_->Tick();
    return HandlerSaw(id);
  }
  std::unique_ptr<Runtime> Reopen() override { return nullptr; }
  ContainerSpec Spec(const std::string& id, const std::string& sandbox,
                     std::vector<std::string> args) override {
    ContainerSpec s;
    s.id = id;
    s.sandbox_id = sandbox;
    s.name = id;
    s.rootfs_layers = {"/nonexistent-layer"};
    s.args = std::move(args);
    s.log_path = LogPath(id);
    return s;
  }
  std::string LogPath(const std::string& id) override { return "/nonexistent/" + id + ".log"; }

 private:
  ManualClock clock_;
  FakeRuntime* fake_;
};

}  // namespace berth::runtime::testing
