// runc-only behaviour: logs, OOM, process settings, shared sandbox namespaces, read-only rootfs,
// tty exec and complete cleanup.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/subprocess.h"
#include "runtime/runtime.h"
#include "runtime_harness.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using testing::RuncHarness;
using testing::UniqueName;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RuncRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_ = std::make_unique<RuncHarness>();
    sandbox_ = MakeSandbox("web-0");
  }
  void TearDown() override { h_.reset(); }

  std::string MakeSandbox(const std::string& hostname) {
    SandboxSpec sb;
    sb.id = UniqueName("sb");
    sb.hostname = hostname;
    sb.hosts_file = "127.0.0.1 localhost\n10.0.0.5 " + hostname + "\n";
    sb.resolv_conf = "nameserver 10.96.0.10\nsearch default.svc.cluster.local\n";
    Status st = rt()->CreateSandbox(sb);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return sb.id;
  }

  Runtime* rt() { return h_->runtime(); }
  ContainerSpec Spec(std::vector<std::string> args, const std::string& sandbox = "") {
    return h_->Spec(UniqueName("c"), sandbox.empty() ? sandbox_ : sandbox, std::move(args));
  }
  void Start(const ContainerSpec& s) {
    Status st = rt()->CreateContainer(s);
    ASSERT_TRUE(st.ok()) << st.ToString();
    st = rt()->StartContainer(s.id);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  ContainerStatus RunToExit(const ContainerSpec& s) {
    Start(s);
    EXPECT_TRUE(h_->WaitForExit(s.id, 30s));
    auto st = rt()->Inspect(s.id);
    EXPECT_TRUE(st.ok());
    return st.ok() ? *st : ContainerStatus{};
  }
  std::string Exec(const std::string& id, std::vector<std::string> args) {
    auto r = rt()->ExecSync(id, args, 10s);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->output : "";
  }

  std::unique_ptr<RuncHarness> h_;
  std::string sandbox_;
};

TEST_F(RuncRuntimeTest, LogsInCriFormat) {
  auto spec = Spec({"sh", "-c", "echo out1; echo err1 >&2; echo out2; printf tail"});
  auto s = RunToExit(spec);
  EXPECT_EQ(s.exit_code, 0);
  std::string log = ReadAll(spec.log_path);
  std::regex line_re(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [FP] .*$)");
  std::istringstream in(log);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    EXPECT_TRUE(std::regex_match(line, line_re)) << line;
    ++lines;
  }
  EXPECT_EQ(lines, 4) << log;
  EXPECT_NE(log.find(" stdout F out1\n"), std::string::npos) << log;
  EXPECT_NE(log.find(" stderr F err1\n"), std::string::npos) << log;
  EXPECT_NE(log.find(" stdout F out2\n"), std::string::npos) << log;
  EXPECT_NE(log.find(" stdout P tail\n"), std::string::npos) << log;  // flushed at EOF
  EXPECT_LT(log.find("out1"), log.find("out2"));
}

TEST_F(RuncRuntimeTest, MemoryLimitOomKillReported) {
  auto spec = Spec({"tail", "/dev/zero"});
  spec.resources.memory_limit_bytes = 8 << 20;
  auto s = RunToExit(spec);
  EXPECT_EQ(s.state, ContainerState::kExited);
  EXPECT_EQ(s.exit_code, 137);
  EXPECT_TRUE(s.oom_killed);
}

TEST_F(RuncRuntimeTest, EnvCwdAndUserApplied) {
  auto spec = Spec({"sh", "-c", "echo $FOO; pwd; id -u; id -g; id -G"});
  spec.env = {"FOO=bar"};
  spec.working_dir = "/tmp";
  spec.security.run_as_user = 1000;
  spec.security.supplemental_groups = {50};
  auto s = RunToExit(spec);
  EXPECT_EQ(s.exit_code, 0);
  std::string log = ReadAll(spec.log_path);
  EXPECT_NE(log.find("stdout F bar\n"), std::string::npos) << log;
  EXPECT_NE(log.find("stdout F /tmp\n"), std::string::npos) << log;
  EXPECT_NE(log.find("stdout F 1000\n"), std::string::npos) << log;
  EXPECT_NE(log.find("stdout F 1000 50\n"), std::string::npos) << log;
}

TEST_F(RuncRuntimeTest, NamedImageUserResolvedFromRootfs) {
  auto spec = Spec({"id", "-u"});
  spec.image_user = "app";
  auto s = RunToExit(spec);
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_NE(ReadAll(spec.log_path).find("stdout F 1000\n"), std::string::npos);

  auto bad = Spec({"id"});
  bad.image_user = "nobody-here";
  EXPECT_FALSE(rt()->CreateContainer(bad).ok());
}

TEST_F(RuncRuntimeTest, SandboxSharesHostnameAndIpc) {
  auto a = Spec({"sleep", "1000"});
  auto b = Spec({"sleep", "1000"});
  Start(a);
  Start(b);
  EXPECT_EQ(Exec(a.id, {"hostname"}), "web-0\n");
  EXPECT_EQ(Exec(b.id, {"hostname"}), "web-0\n");
  std::string ipc_a = Exec(a.id, {"readlink", "/proc/self/ns/ipc"});
  EXPECT_FALSE(ipc_a.empty());
  EXPECT_EQ(ipc_a, Exec(b.id, {"readlink", "/proc/self/ns/ipc"}));
  char host_ipc[256] = {};
  ASSERT_GT(readlink("/proc/self/ns/ipc", host_ipc, sizeof host_ipc - 1), 0);
  EXPECT_NE(ipc_a, std::string(host_ipc) + "\n");
  EXPECT_NE(Exec(a.id, {"cat", "/etc/hosts"}).find("10.0.0.5 web-0"), std::string::npos);
  EXPECT_NE(Exec(a.id, {"cat", "/etc/resolv.conf"}).find("nameserver 10.96.0.10"),
            std::string::npos);

  // Another sandbox has its own.
  std::string other = MakeSandbox("db-0");
  auto c = Spec({"sleep", "1000"}, other);
  Start(c);
  EXPECT_EQ(Exec(c.id, {"hostname"}), "db-0\n");
  EXPECT_NE(Exec(c.id, {"readlink", "/proc/self/ns/ipc"}), ipc_a);
}

TEST_F(RuncRuntimeTest, ReadOnlyRootfsRefusesWrites) {
  auto spec = Spec({"sleep", "1000"});
  spec.security.read_only_rootfs = true;
  Start(spec);
  auto r = rt()->ExecSync(spec.id, {"touch", "/newfile"}, 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->exit_code, 0);
  EXPECT_NE(r->output.find("Read-only"), std::string::npos) << r->output;

  auto rw = Spec({"sleep", "1000"});
  Start(rw);
  auto r2 = rt()->ExecSync(rw.id, {"touch", "/newfile"}, 10s);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->exit_code, 0) << r2->output;
}

TEST_F(RuncRuntimeTest, ExecSyncTimesOut) {
  auto spec = Spec({"sleep", "1000"});
  Start(spec);
  auto start = std::chrono::steady_clock::now();
  auto r = rt()->ExecSync(spec.id, {"sleep", "100"}, 500ms);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(RuncRuntimeTest, TtyExecGetsPtyAndExitCode) {
  auto spec = Spec({"sleep", "1000"});
  Start(spec);
  ExecOptions o;
  o.args = {"sh", "-c", "tty; exit 5"};
  o.tty = true;
  auto session = rt()->Exec(spec.id, o);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_TRUE((*session)->Resize(100, 40).ok());
  std::string out;
  char buf[1024];
  while (true) {
    pollfd p{(*session)->stdout_fd(), POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0) break;
    ssize_t n = read((*session)->stdout_fd(), buf, sizeof buf);
    if (n <= 0) break;  // EIO once the process side closes
    out.append(buf, static_cast<size_t>(n));
  }
  EXPECT_NE(out.find("/dev/pts/"), std::string::npos) << out;
  auto code = (*session)->Wait();
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 5);
}

TEST_F(RuncRuntimeTest, PipeExecRoundTrip) {
  auto spec = Spec({"sleep", "1000"});
  Start(spec);
  ExecOptions o;
  o.args = {"cat"};
  o.stdin_open = true;
  auto session = rt()->Exec(spec.id, o);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_EQ(write((*session)->stdin_fd(), "ping\n", 5), 5);
  (*session)->CloseStdin();
  char buf[64];
  std::string out;
  ssize_t n;
  while ((n = read((*session)->stdout_fd(), buf, sizeof buf)) > 0) out.append(buf, n);
  EXPECT_EQ(out, "ping\n");
  auto code = (*session)->Wait();
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
}

TEST_F(RuncRuntimeTest, RemoveSandboxLeavesNothingBehind) {
  auto spec = Spec({"sleep", "1000"});
  Start(spec);
  std::string mem_cgroup =
      "/sys/fs/cgroup/memory/" + h_->options().cgroup_parent + "/" + sandbox_;
  EXPECT_TRUE(std::filesystem::exists(mem_cgroup + "/" + spec.id));

  Status st = rt()->RemoveSandbox(sandbox_);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadAll("/proc/self/mountinfo").find(h_->base()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(mem_cgroup));
  for (const char* ctrl : {"cpu", "pids", "devices", "freezer", "blkio", "systemd"})
    EXPECT_FALSE(std::filesystem::exists(std::string("/sys/fs/cgroup/") + ctrl + "/" +
                                         h_->options().cgroup_parent + "/" + sandbox_))
        << ctrl;
  EXPECT_FALSE(std::filesystem::exists(h_->options().runc_root + "/" + spec.id));
  auto state = RunSubprocess({"runc", "--root", h_->options().runc_root, "state", spec.id});
  ASSERT_TRUE(state.ok());
  EXPECT_NE(state->exit_code, 0);
  EXPECT_EQ(rt()->Inspect(spec.id).status().reason(), Reason::kNotFound);
  auto sandboxes = rt()->ListSandboxes();
  ASSERT_TRUE(sandboxes.ok());
  EXPECT_TRUE(sandboxes->empty());
  EXPECT_TRUE(rt()->RemoveSandbox(sandbox_).ok());  // already gone

  // Destroy removes the cgroup parent and the state dirs.
  ASSERT_TRUE(rt()->Destroy().ok());
  EXPECT_FALSE(std::filesystem::exists("/sys/fs/cgroup/memory/" + h_->options().cgroup_parent));
  EXPECT_FALSE(std::filesystem::exists(h_->options().state_dir));
  EXPECT_FALSE(std::filesystem::exists(h_->options().runc_root));
}

}  // namespace
}  // namespace berth::runtime
