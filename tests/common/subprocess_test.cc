#include "common/subprocess.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(Subprocess, CollectsOutputAndExitCode) {
  auto r = RunSubprocess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(Subprocess, FeedsStdin) {
  SubprocessOptions o;
  o.stdin_data = std::string(200000, 'x');
  auto r = RunSubprocess({"wc", "-c"}, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::stoi(r->out), 200000);
}

TEST(Subprocess, TimesOut) {
  SubprocessOptions o;
  o.timeout = std::chrono::milliseconds(100);
  auto r = RunSubprocess({"sleep", "5"}, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, 128 + 9);
}

TEST(Subprocess, MissingProgramIsAnError) {
  EXPECT_FALSE(RunSubprocess({"/nonexistent/prog"}).ok());
  auto c = RunChecked({"sh", "-c", "echo boom >&2; exit 1"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("boom"), std::string::npos);
}

}  // namespace
}  // namespace berth
