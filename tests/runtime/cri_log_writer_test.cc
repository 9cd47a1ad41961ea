#include "runtime/cri_log_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_rootfs.h"

namespace berth::runtime {
namespace {

std::string Read(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CriLogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/" + testing::UniqueName("berth-test-log");
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

// Strips the timestamp of each record: "stdout F text" lines.
std::string Records(const std::string& log) {
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line)) out += line.substr(line.find(' ') + 1) + "\n";
  return out;
}

TEST_F(CriLogWriterTest, SplitsLinesAcrossWritesAndFlushesPartialAtEnd) {
  {
    CriLogWriter w(dir_ + "/c.log", 1 << 20, 2);
    w.Append("stdout", "hel");
    w.Append("stdout", "lo\nwor");
    w.Append("stderr", "oops\n");
    w.Append("stdout", "ld\nend");
  }
  EXPECT_EQ(Records(Read(dir_ + "/c.log")),
            "stdout F hello\nstderr F oops\nstdout F world\nstdout P end\n");
}

TEST_F(CriLogWriterTest, LongLinesBecomePartialRecords) {
  {
    CriLogWriter w(dir_ + "/c.log", 1 << 20, 2);
    w.Append("stdout", std::string(CriLogWriter::kMaxLine + 10, 'x') + "\n");
  }
  std::string rec = Records(Read(dir_ + "/c.log"));
  EXPECT_EQ(rec, "stdout P " + std::string(CriLogWriter::kMaxLine, 'x') + "\nstdout F " +
                     std::string(10, 'x') + "\n");
}

TEST_F(CriLogWriterTest, RotatesBySizeKeepingMaxFiles) {
  {
    CriLogWriter w(dir_ + "/c.log", 200, 2);
    for (int i = 0; i < 40; ++i) w.Append("stdout", "line " + std::to_string(i) + "\n");
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/c.log"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/c.log.1"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/c.log.2"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/c.log.3"));
  EXPECT_LE(std::filesystem::file_size(dir_ + "/c.log.1"), 300u);
  // The newest line is in the live file, older ones in .1.
  std::string live = Read(dir_ + "/c.log") + Read(dir_ + "/c.log.1");
  EXPECT_NE(live.find("line 39"), std::string::npos);
  EXPECT_EQ(Read(dir_ + "/c.log.2").find("line 39"), std::string::npos);
}

TEST(FormatRfc3339NanoTest, Format) {
  auto t = std::chrono::system_clock::time_point(std::chrono::nanoseconds(1700000000123456789LL));
  EXPECT_EQ(FormatRfc3339Nano(t), "2023-11-14T22:13:20.123456789Z");
}

}  // namespace
}  // namespace berth::runtime
