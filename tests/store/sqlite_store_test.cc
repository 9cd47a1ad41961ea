// SqliteStore: the conformance suite (with a normal and a tiny event ring, so
// watches also catch up from the SQLite log), plus SQLite-specific behaviour.
#include "store/sqlite/sqlite_store.h"

#include <thread>

#include "conformance.h"

namespace berth::store::testing {
namespace {

std::unique_ptr<Store> OpenSqlite(const std::string& dir, SqliteStore::Options opts) {
  auto s = SqliteStore::Open(dir + "/berth.db", opts);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

SqliteStore::Options TinyRing() {
  SqliteStore::Options o;
  o.ring_max_events = 3;
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreConformance,
    ::testing::Values(
        StoreBackend{"sqlite",
                     [](const std::string& d) { return OpenSqlite(d, SqliteStore::Options()); }},
        StoreBackend{"sqlite_tiny_ring",
                     [](const std::string& d) { return OpenSqlite(d, TinyRing()); }}),
    BackendName);

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open(SqliteStore::Options opts = {}) {
    auto s = SqliteStore::Open(dir_.path() + "/berth.db", opts);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  StoreTempDir dir_;
};

TEST_F(SqliteStoreTest, OpenFailsForMissingDirectory) {
  auto s = SqliteStore::Open(dir_.path() + "/no/such/dir/berth.db");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), Reason::kInternalError);
}

TEST_F(SqliteStoreTest, ProgressNotificationsWhenIdleAndOnRequest) {
  SqliteStore::Options o;
  o.progress_interval = std::chrono::milliseconds(50);
  auto s = Open(o);
  int64_t r = *s->Create("/p/a", "1");
  EventCollector c;
  auto w = s->WatchPrefix("/p/", 0, c.Callback());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(c.WaitForProgress());
  EXPECT_EQ(c.progress().front(), r);

  SqliteStore::Options quiet;
  quiet.progress_interval = std::chrono::milliseconds(0);
  auto s2 = SqliteStore::Open(dir_.path() + "/other.db", quiet);
  ASSERT_TRUE(s2.ok());
  EventCollector c2;
  auto w2 = (*s2)->WatchPrefix("/", 0, c2.Callback());
  ASSERT_TRUE(w2.ok());
  (*s2)->RequestProgress();
  ASSERT_TRUE(c2.WaitForProgress());
  EXPECT_EQ(c2.progress().front(), 0);
}

// A watcher stuck in its callback falls out of the ring and then catches up
// from the log; compaction meanwhile must not open a gap in its stream.
TEST_F(SqliteStoreTest, SlowWatcherSurvivesRingOverflowAndCompaction) {
  SqliteStore::Options o;
  o.ring_max_events = 5;
  auto s = Open(o);
  int64_t start = *s->Create("/s/seed", "0");
  std::mutex gate;
  std::unique_lock<std::mutex> hold(gate);
  EventCollector c;
  WatchCallback inner = c.Callback();
  auto w = s->WatchPrefix("/s/", start, [&](const std::vector<Event>& ev, int64_t p) {
    std::lock_guard<std::mutex> l(gate);  // blocks until the test releases it
    inner(ev, p);
  });
  ASSERT_TRUE(w.ok());
  std::vector<int64_t> expected;
  expected.push_back(*s->Update("/s/seed", "1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the callback block
  for (int i = 0; i < 50; ++i) expected.push_back(*s->Update("/s/seed", std::to_string(i + 2)));
  ASSERT_TRUE(s->Compact(s->CurrentRevision()).ok());
  EXPECT_EQ(s->Get("/s/seed", start).status().reason(), Reason::kExpired);
  hold.unlock();
  ASSERT_TRUE(c.WaitForEvents(expected.size()));
  std::vector<int64_t> got;
  for (const Event& e : c.events()) got.push_back(e.kv.mod_revision);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(c.events().back().prev->value, "50");

  // Once the watcher is gone, a later compaction removes the held-back rows:
  // reopening still gives the latest state only.
  w->reset();
  ASSERT_TRUE(s->Create("/s/more", "x").ok());
  ASSERT_TRUE(s->Compact(s->CurrentRevision()).ok());
  s.reset();
  s = Open(o);
  EXPECT_EQ(s->Get("/s/seed")->value, "51");
  EXPECT_EQ(s->KeyCount(), 2u);
}

TEST_F(SqliteStoreTest, AutomaticCompactionKeepsRecentRevisions) {
  SqliteStore::Options o;
  o.auto_compact_interval = std::chrono::milliseconds(20);
  o.auto_compact_keep_revisions = 10;
  auto s = Open(o);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(s->Create("/ac/" + std::to_string(i), "v").ok());
  for (int i = 0; i < 200 && s->OldestRevision() < 21; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (i % 5 == 0) {
      ASSERT_TRUE(s->Update("/ac/0", std::to_string(i)).ok());
    }
  }
  EXPECT_GE(s->OldestRevision(), 21);
  EXPECT_GE(s->CurrentRevision() - s->OldestRevision(), 8);
  EXPECT_EQ(s->List("/ac/", "", 0)->kvs.size(), 30u);
}

TEST_F(SqliteStoreTest, WatchMayOutliveStore) {
  auto s = Open();
  EventCollector c;
  auto w = s->WatchPrefix("/", 0, c.Callback());
  ASSERT_TRUE(w.ok());
  s.reset();
  (*w)->Cancel();
}

}  // namespace
}  // namespace berth::store::testing
