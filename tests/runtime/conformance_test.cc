// The Runtime conformance suite: the same behaviour checked against runc and the fake. Fake
// behaviour is scripted by annotations that mirror what the real command does.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>

#include "runtime/runtime.h"
#include "runtime_harness.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using testing::FakeHarness;
using testing::RuncHarness;
using testing::RuntimeHarness;
using testing::UniqueName;

struct Factory {
  std::string name;
  std::function<std::unique_ptr<RuntimeHarness>()> make;
};
void PrintTo(const Factory& f, std::ostream* os) { *os << f.name; }

class RuntimeConformance : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override {
    h_ = GetParam().make();
    sandbox_ = UniqueName("sb");
    SandboxSpec sb;
    sb.id = sandbox_;
    sb.hostname = "pod-" + sandbox_;
    sb.hosts_file = "127.0.0.1 localhost\n";
    sb.resolv_conf = "nameserver 127.0.0.1\n";
    sb.labels = {{"pod", "p1"}};
    ASSERT_TRUE(rt()->CreateSandbox(sb).ok());
  }
  void TearDown() override { h_.reset(); }  // Destroy() removes everything

  Runtime* rt() { return h_->runtime(); }

  ContainerSpec Spec(std::vector<std::string> args,
                     std::map<std::string, std::string> annotations = {}) {
    ContainerSpec s = h_->Spec(UniqueName("c"), sandbox_, std::move(args));
    s.annotations = std::move(annotations);
    s.labels = {{"app", "web"}, {"io.kubernetes.container.name", s.id}};
    return s;
  }

  std::string StartOrFail(const ContainerSpec& s) {
    Status st = rt()->CreateContainer(s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    st = rt()->StartContainer(s.id);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s.id;
  }

  std::unique_ptr<RuntimeHarness> h_;
  std::string sandbox_;
};

TEST_P(RuntimeConformance, CreateStartInspectRunning) {
  auto spec = Spec({"sleep", "1000"});
  ASSERT_TRUE(rt()->CreateContainer(spec).ok());
  auto created = rt()->Inspect(spec.id);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->state, ContainerState::kCreated);
  EXPECT_EQ(rt()->CreateContainer(spec).reason(), Reason::kAlreadyExists);

  ASSERT_TRUE(rt()->StartContainer(spec.id).ok());
  auto s = rt()->Inspect(spec.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, ContainerState::kRunning);
  EXPECT_GT(s->pid, 0);
  EXPECT_EQ(s->sandbox_id, sandbox_);
  EXPECT_EQ(s->labels.at("app"), "web");
  EXPECT_EQ(s->log_path, spec.log_path);

  auto list = rt()->ListContainers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, spec.id);
  auto sandboxes = rt()->ListSandboxes();
  ASSERT_TRUE(sandboxes.ok());
  ASSERT_EQ(sandboxes->size(), 1u);
  EXPECT_EQ((*sandboxes)[0].labels.at("pod"), "p1");

  EXPECT_EQ(rt()->Inspect("no-such-container").status().reason(), Reason::kNotFound);
}

TEST_P(RuntimeConformance, ExitCodeReportedAndHandlerCalled) {
  auto spec = Spec({"sh", "-c", "sleep 0.2; exit 3"},
                   {{"fake.berth.dev/run-seconds", "1"}, {"fake.berth.dev/exit-code", "3"}});
  StartOrFail(spec);
  ASSERT_TRUE(h_->WaitForExit(spec.id, 1s));
  auto s = rt()->Inspect(spec.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, ContainerState::kExited);
  EXPECT_EQ(s->exit_code, 3);
  EXPECT_FALSE(s->oom_killed);
  EXPECT_GE(s->finished_at, s->started_at);
}

TEST_P(RuntimeConformance, StopHandledTermExitsZero) {
  auto spec = Spec({"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"},
                   {{"fake.berth.dev/term-exit-code", "0"}});
  StartOrFail(spec);
  auto start = std::chrono::steady_clock::now();
  Status st = rt()->StopContainer(spec.id, 20s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  auto s = rt()->Inspect(spec.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, ContainerState::kExited);
  EXPECT_EQ(s->exit_code, 0);
}

TEST_P(RuntimeConformance, StopIgnoredTermKilledAfterGrace) {
  // PID 1 of a pid namespace ignores SIGTERM unless it installs a handler.
  auto spec = Spec({"sleep", "1000"});
  StartOrFail(spec);
  auto start = std::chrono::steady_clock::now();
  Status st = rt()->StopContainer(spec.id, 1s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  if (!h_->is_fake()) {
    EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
  }
  auto s = rt()->Inspect(spec.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, ContainerState::kExited);
  EXPECT_EQ(s->exit_code, 137);
  EXPECT_TRUE(h_->WaitForExit(spec.id, 0s));
}

TEST_P(RuntimeConformance, RemoveContainer) {
  auto spec = Spec({"sleep", "1000"});
  StartOrFail(spec);
  ASSERT_TRUE(rt()->StopContainer(spec.id, 0s).ok());
  Status st = rt()->RemoveContainer(spec.id);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rt()->Inspect(spec.id).status().reason(), Reason::kNotFound);
  auto list = rt()->ListContainers();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_TRUE(rt()->RemoveContainer(spec.id).ok());  // already gone
}

TEST_P(RuntimeConformance, NewRuntimeObjectAdoptsRunningContainers) {
  if (h_->is_fake()) GTEST_SKIP() << "the fake keeps no state across objects";
  auto spec = Spec({"sleep", "1000"});
  StartOrFail(spec);
  auto first = rt()->Inspect(spec.id);
  ASSERT_TRUE(first.ok());

  auto again = h_->Reopen();
  auto list = again->ListContainers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].state, ContainerState::kRunning);
  EXPECT_EQ((*list)[0].pid, first->pid);
  EXPECT_EQ((*list)[0].labels.at("app"), "web");
  auto sandboxes = again->ListSandboxes();
  ASSERT_TRUE(sandboxes.ok());
  EXPECT_EQ(sandboxes->size(), 1u);
  // The new object still learns of the exit through the shim's exit file.
  ASSERT_TRUE(again->StopContainer(spec.id, 0s).ok());
  EXPECT_TRUE(h_->WaitForExit(spec.id, 0s));
  auto s = again->Inspect(spec.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, ContainerState::kExited);
  EXPECT_EQ(s->exit_code, 137);
}

TEST_P(RuntimeConformance, ExecSyncOutputAndExitCode) {
  auto spec = Spec({"sleep", "1000"}, {{"fake.berth.dev/exec-output", "hello\n"}});
  StartOrFail(spec);
  auto r = rt()->ExecSync(spec.id, {"echo", "hello"}, 10s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->output, "hello\n");
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_FALSE(r->timed_out);

  auto failing = Spec({"sleep", "1000"}, {{"fake.berth.dev/exec-exit-code", "7"}});
  StartOrFail(failing);
  auto r2 = rt()->ExecSync(failing.id, {"sh", "-c", "exit 7"}, 10s);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->exit_code, 7);
}

TEST_P(RuntimeConformance, StartFailureForMissingExecutable) {
  auto spec = Spec({"nope-not-here"},
                   {{"fake.berth.dev/start-error",
                     "exec: \"nope-not-here\": executable file not found in $PATH"}});
  ASSERT_TRUE(rt()->CreateContainer(spec).ok());
  Status st = rt()->StartContainer(spec.id);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nope-not-here"), std::string::npos) << st.message();
  auto s = rt()->Inspect(spec.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, ContainerState::kExited);
  EXPECT_EQ(s->exit_code, 128);
  EXPECT_NE(s->message.find("nope-not-here"), std::string::npos) << s->message;
}

INSTANTIATE_TEST_SUITE_P(
    All, RuntimeConformance,
    ::testing::Values(Factory{"runc", [] { return std::make_unique<RuncHarness>(); }},
                      Factory{"fake", [] { return std::make_unique<FakeHarness>(); }}),
    [](const ::testing::TestParamInfo<Factory>& info) { return info.param.name; });

}  // namespace
}  // namespace berth::runtime
