#include "agent/atomic_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace berth::agent {
namespace {
namespace fs = std::filesystem;

class AtomicWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("berth-atomic-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Read(const std::string& rel) {
    std::ifstream f(dir_ / rel);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  int Mode(const std::string& rel) {
    struct stat st;
    return stat((dir_ / rel).c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
  }
  std::string DataTarget() { return fs::read_symlink(dir_ / "..data").string(); }
  fs::path dir_;
};

TEST_F(AtomicWriterTest, PublishesFilesBehindDataLink) {
  Payload p{{"a", {"1", 0644}}, {"dir/sub/b", {"2", 0400}}};
  auto r = WriteAtomic(dir_.string(), p, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  EXPECT_EQ(Read("a"), "1");
  EXPECT_EQ(Read("dir/sub/b"), "2");
  EXPECT_EQ(Mode("a"), 0644);
  EXPECT_EQ(Mode("dir/sub/b"), 0400);
  EXPECT_TRUE(fs::is_symlink(dir_ / "a"));
  EXPECT_EQ(fs::read_symlink(dir_ / "dir").string(), "..data/dir");
  EXPECT_EQ(DataTarget().rfind("..", 0), 0u);
  // The payload directory is traversable by other users (non-root readers).
  EXPECT_EQ(Mode(DataTarget()) & 0755, 0755);
}

TEST_F(AtomicWriterTest, UnchangedPayloadTouchesNothing) {
  Payload p{{"a", {"1", 0644}}};
  ASSERT_TRUE(WriteAtomic(dir_.string(), p, std::nullopt).ok());
  std::string first = DataTarget();
  auto r = WriteAtomic(dir_.string(), p, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_EQ(DataTarget(), first);
  // A mode change alone is a change.
  p["a"].mode = 0400;
  r = WriteAtomic(dir_.string(), p, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(Mode("a"), 0400);
}

TEST_F(AtomicWriterTest, UpdateSwapsContentAndDropsOldPathsAndDirs) {
  ASSERT_TRUE(WriteAtomic(dir_.string(), {{"a", {"1", 0644}}, {"gone", {"x", 0644}}}, std::nullopt).ok());
  std::string first = DataTarget();
  // A reader holding the old file keeps reading old content (subPath semantics).
  std::ifstream held(dir_ / "a");
  auto r = WriteAtomic(dir_.string(), {{"a", {"2", 0644}}, {"new/x", {"n", 0644}}}, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Read("a"), "2");
  EXPECT_EQ(Read("new/x"), "n");
  EXPECT_FALSE(fs::exists(dir_ / "gone"));
  EXPECT_FALSE(fs::is_symlink(dir_ / "gone"));
  EXPECT_NE(DataTarget(), first);
  EXPECT_FALSE(fs::exists(dir_ / first));
  std::string old;
  held >> old;
  EXPECT_EQ(old, "1");
  // Only ..data and the payload directory are reserved entries.
  int reserved = 0;
  for (const auto& e : fs::directory_iterator(dir_))
    if (e.path().filename().string().rfind("..", 0) == 0) reserved++;
  EXPECT_EQ(reserved, 2);
}

TEST_F(AtomicWriterTest, EmptyPayloadEmptiesTheVolume) {
  ASSERT_TRUE(WriteAtomic(dir_.string(), {{"a", {"1", 0644}}}, std::nullopt).ok());
  ASSERT_TRUE(WriteAtomic(dir_.string(), {}, std::nullopt).ok());
  EXPECT_FALSE(fs::exists(dir_ / "a"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "..data"));
}

TEST_F(AtomicWriterTest, RejectsEscapingPaths) {
  for (const char* bad : {"/abs", "../up", "a/../../b", "..hidden", ""}) {
    auto r = WriteAtomic(dir_.string(), {{bad, {"x", 0644}}}, std::nullopt);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().reason(), Reason::kBadRequest) << bad;
  }
  EXPECT_TRUE(ValidatePayloadPath("a/..b").ok());
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "up"));
}

TEST_F(AtomicWriterTest, FsGroupOwnsFilesWithGroupRead) {
  if (geteuid() != 0) GTEST_SKIP() << "chown needs root";
  ASSERT_TRUE(WriteAtomic(dir_.string(), {{"k", {"v", 0400}}, {"d/k", {"v", 0600}}}, 1234).ok());
  struct stat st;
  ASSERT_EQ(stat((dir_ / "k").c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, 1234u);
  EXPECT_EQ(st.st_mode & 07777, 0440u);
  ASSERT_EQ(stat((dir_ / "d/k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(stat((dir_ / "d").c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, 1234u);
  EXPECT_TRUE(st.st_mode & S_ISGID);
  // Same payload and group again: unchanged.
  auto r = WriteAtomic(dir_.string(), {{"k", {"v", 0400}}, {"d/k", {"v", 0600}}}, 1234);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

}  // namespace
}  // namespace berth::agent
