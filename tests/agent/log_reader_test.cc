#include "agent/log_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace berth::agent {
namespace {

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = "/tmp/berth-logreader-" + std::to_string(getpid()) + ".log";
    std::ofstream f(path_);
    f << "2026-11-28T10:00:00.000000001Z stdout F one\n"
         "2026-11-28T10:00:01.000000000Z stderr F two\n"
         "2026-11-28T10:00:02.000000000Z stdout P thr\n"
         "2026-11-28T10:00:02.100000000Z stdout F ee\n";
    std::ofstream r(path_ + ".1");
    r << "2026-11-28T09:59:59.000000000Z stdout F zero\n";
  }
  void TearDown() override {
    unlink(path_.c_str());
    unlink((path_ + ".1").c_str());
  }
  std::string Read(const LogOptions& o) {
    std::string out;
    EXPECT_TRUE(ReadContainerLog(path_, o, [&](const std::string& s) { out += s; return true; },
                                 [] { return false; }, nullptr).ok());
    return out;
  }
  std::string path_;
};

TEST_F(LogReaderTest, ReadsRotatedThenCurrentAndJoinsPartials) {
  EXPECT_EQ(Read({}), "zero\none\ntwo\nthree\n");
}

TEST_F(LogReaderTest, TailTimestampsSinceAndLimit) {
  LogOptions tail;
  tail.tail_lines = 2;
  EXPECT_EQ(Read(tail), "two\nthree\n");
  LogOptions ts;
  ts.timestamps = true;
  ts.tail_lines = 1;
  EXPECT_EQ(Read(ts), "2026-11-28T10:00:02.000000000Z thr2026-11-28T10:00:02.100000000Z ee\n");
  LogOptions since;
  Clock::time_point t;
  ASSERT_TRUE(ParseRfc3339("2026-11-28T10:00:00.5Z", &t));
  since.since = t;
  EXPECT_EQ(Read(since), "two\nthree\n");
  LogOptions limit;
  limit.limit_bytes = 7;
  EXPECT_EQ(Read(limit), "zero\non");
}

TEST_F(LogReaderTest, MissingFileIsNotFound) {
  auto s = ReadContainerLog("/tmp/definitely-missing.log", {}, [](const std::string&) { return true; },
                            [] { return false; }, nullptr);
  EXPECT_EQ(s.reason(), Reason::kNotFound);
}

TEST_F(LogReaderTest, FollowSeesAppendedLinesUntilTheContainerStops) {
  LogOptions o;
  o.follow = true;
  std::atomic<bool> running{true};
  std::string out;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::ofstream f(path_, std::ios::app);
    f << "2026-11-28T10:00:03.000000000Z stdout F four\n";
    f.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    running = false;
  });
  ASSERT_TRUE(ReadContainerLog(path_, o, [&](const std::string& s) { out += s; return true; },
                               [&] { return running.load(); }, nullptr).ok());
  writer.join();
  EXPECT_EQ(out, "zero\none\ntwo\nthree\nfour\n");
}

}  // namespace
}  // namespace berth::agent
