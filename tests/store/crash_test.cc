// Durability under kill -9: a child process writes concurrently and records
// every acknowledged write in a file only after the call returned; the parent
// kills it at a random moment, reopens the store and checks that every
// acknowledged write is there (or a newer value), and that revisions never go
// back across restarts. Several rounds on the same database.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store_temp_dir.h"

namespace berth::store::testing {
namespace {

constexpr int kThreads = 6;

// Runs in the forked child until killed.
[[noreturn]] void RunChild(const std::string& db, const std::string& ack_path, int round) {
  int fd = ::open(ack_path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  auto store = SqliteStore::Open(db);
  if (fd < 0 || !store.ok()) _exit(3);
  SqliteStore& s = **store;
  auto ack = [&](const std::string& key, int64_t rev, int64_t counter) {
    std::string line = std::to_string(round) + " " + key + " " + std::to_string(rev) + " " +
                       std::to_string(counter) + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string base = "/crash/r" + std::to_string(round) + "/t" + std::to_string(t);
      std::string counter_key = base + "/counter";
      StatusOr<int64_t> r = s.Create(counter_key, "0");
      if (!r.ok()) _exit(5);
      ack(counter_key, *r, 0);
      for (int64_t i = 1;; ++i) {
        // Alternate updates of one hot key with creates of new keys.
        r = s.Update(counter_key, std::to_string(i));
        if (!r.ok()) _exit(6);
        ack(counter_key, *r, i);
        std::string k = base + "/k" + std::to_string(i);
        r = s.Create(k, std::string(200, 'x') + std::to_string(i));
        if (!r.ok()) _exit(7);
        ack(k, *r, i);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

struct Ack {
  int64_t rev = 0;
  int64_t counter = 0;
};

TEST(SqliteCrashTest, AcknowledgedWritesSurviveKill9) {
  StoreTempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string db = dir.path() + "/berth.db";
  const std::string acks = dir.path() + "/acks.log";
  unsigned seed = static_cast<unsigned>(std::random_device()());
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));

  int64_t previous_current = 0;
  size_t total_acks = 0;
  for (int round = 0; round < 5; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) RunChild(db, acks, round);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 600)(rng)));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with status "
                                      << WEXITSTATUS(wstatus);

    // Latest acknowledgement per key for this round (complete lines only).
    std::map<std::string, Ack> latest;
    int64_t max_rev = 0;
    std::ifstream in(acks);
    std::string line;
    size_t round_acks = 0;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // a line without its newline was cut by the kill
      std::istringstream ls(line);
      int r = -1;
      std::string key;
      Ack a;
      ASSERT_TRUE(static_cast<bool>(ls >> r >> key >> a.rev >> a.counter)) << line;
      if (r != round) continue;
      ++round_acks;
      EXPECT_GT(a.rev, previous_current) << "revision went back across restart: " << line;
      max_rev = std::max(max_rev, a.rev);
      Ack& l = latest[key];
      if (a.rev > l.rev) l = a;
    }
    total_acks += round_acks;

    auto opened = SqliteStore::Open(db);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    SqliteStore& s = **opened;
    EXPECT_GE(s.CurrentRevision(), max_rev);
    EXPECT_GE(s.CurrentRevision(), previous_current);
    for (const auto& [key, a] : latest) {
      StatusOr<KeyValue> kv = s.Get(key);
      ASSERT_TRUE(kv.ok()) << "acknowledged key lost: " << key << " " << kv.status().ToString();
      EXPECT_GE(kv->mod_revision, a.rev) << key;
      std::string v = kv->value;
      size_t digits = v.find_first_not_of('x');
      ASSERT_NE(digits, std::string::npos) << key;
      EXPECT_GE(std::stoll(v.substr(digits)), a.counter) << key;
    }
    // The store is writable after the crash and continues the sequence.
    StatusOr<int64_t> next = s.Create("/crash/probe" + std::to_string(round), "p");
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_EQ(*next, s.CurrentRevision());
    EXPECT_GT(*next, max_rev);
    previous_current = *next;
  }
  // The test proves nothing if the child never got a write acknowledged.
  EXPECT_GE(total_acks, 50u);
  std::cout << "[crash] acknowledged writes checked: " << total_acks
            << ", final revision: " << previous_current << "\n";
}

}  // namespace
}  // namespace berth::store::testing
