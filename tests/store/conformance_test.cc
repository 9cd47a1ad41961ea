// The Store contract (src/store/store.h), checked against every backend that
// instantiates StoreConformance (see conformance.h).
#include "conformance.h"

#include <gmock/gmock.h>

#include <atomic>
#include <set>
#include <thread>

namespace berth::store::testing {
namespace {

using ::testing::HasSubstr;

int64_t MustCreate(Store& s, const std::string& k, const std::string& v) {
  StatusOr<int64_t> r = s.Create(k, v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : -1;
}

std::vector<std::string> Keys(const ListResult& r) {
  std::vector<std::string> out;
  for (const KeyValue& kv : r.kvs) out.push_back(kv.key);
  return out;
}

TEST_P(StoreConformance, CreateGetUpdateDelete) {
  int64_t r1 = MustCreate(*store_, "/k", "v1");
  EXPECT_GE(r1, 1);
  StatusOr<KeyValue> got = store_->Get("/k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->key, "/k");
  EXPECT_EQ(got->value, "v1");
  EXPECT_EQ(got->create_revision, r1);
  EXPECT_EQ(got->mod_revision, r1);

  StatusOr<int64_t> r2 = store_->Update("/k", "v2");
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(*r2, r1 + 1);
  got = store_->Get("/k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value, "v2");
  EXPECT_EQ(got->create_revision, r1);
  EXPECT_EQ(got->mod_revision, *r2);

  StatusOr<int64_t> r3 = store_->Delete("/k");
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_EQ(*r3, *r2 + 1);
  EXPECT_EQ(store_->Get("/k").status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->CurrentRevision(), *r3);

  // A re-create starts a new incarnation.
  int64_t r4 = MustCreate(*store_, "/k", "v3");
  got = store_->Get("/k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->create_revision, r4);
}

TEST_P(StoreConformance, EmptyAndBinaryValues) {
  MustCreate(*store_, "/empty", "");
  std::string bin("a\0b\xff", 4);
  MustCreate(*store_, "/bin", bin);
  EXPECT_EQ(store_->Get("/empty")->value, "");
  EXPECT_EQ(store_->Get("/bin")->value, bin);
}

TEST_P(StoreConformance, RefusedWrites) {
  int64_t r1 = MustCreate(*store_, "/k", "v1");
  StatusOr<int64_t> dup = store_->Create("/k", "again");
  EXPECT_EQ(dup.status().reason(), Reason::kAlreadyExists);
  EXPECT_EQ(store_->Update("/missing", "x").status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->Delete("/missing").status().reason(), Reason::kNotFound);

  StatusOr<int64_t> stale = store_->Update("/k", "v2", WriteOptions{r1 + 100});
  EXPECT_EQ(stale.status().reason(), Reason::kConflict);
  EXPECT_THAT(stale.status().message(), HasSubstr("/k"));
  EXPECT_EQ(store_->Delete("/k", WriteOptions{r1 + 100}).status().reason(), Reason::kConflict);
  // Refused writes change nothing and consume no revision.
  EXPECT_EQ(store_->CurrentRevision(), r1);
  EXPECT_EQ(store_->Get("/k")->value, "v1");

  StatusOr<int64_t> ok = store_->Update("/k", "v2", WriteOptions{r1});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, r1 + 1);
  EXPECT_EQ(store_->Delete("/k", WriteOptions{r1}).status().reason(), Reason::kConflict);
  EXPECT_TRUE(store_->Delete("/k", WriteOptions{*ok}).ok());
}

TEST_P(StoreConformance, RevisionsAreGlobalAndConsecutive) {
  int64_t start = store_->CurrentRevision();
  std::vector<int64_t> revs;
  revs.push_back(MustCreate(*store_, "/a", "1"));
  revs.push_back(MustCreate(*store_, "/b", "1"));
  revs.push_back(*store_->Update("/a", "2"));
  EXPECT_FALSE(store_->Create("/b", "x").ok());
  revs.push_back(*store_->Delete("/b"));
  for (size_t i = 0; i < revs.size(); ++i) EXPECT_EQ(revs[i], start + 1 + int64_t(i));
  EXPECT_EQ(store_->CurrentRevision(), revs.back());
}

TEST_P(StoreConformance, ListByPrefixWithPaging) {
  for (const char* k : {"/p/c", "/p/a", "/p/e", "/p/b", "/p/d", "/pa", "/q/x", "/p"}) {
    MustCreate(*store_, k, std::string("v") + k);
  }
  StatusOr<ListResult> all = store_->List("/p/", "", 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"/p/a", "/p/b", "/p/c", "/p/d", "/p/e"}));
  EXPECT_FALSE(all->more);
  EXPECT_EQ(all->remaining, 0);
  EXPECT_EQ(all->revision, store_->CurrentRevision());
  EXPECT_EQ(all->kvs[0].value, "v/p/a");

  StatusOr<ListResult> page = store_->List("/p/", "", 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Keys(*page), (std::vector<std::string>{"/p/a", "/p/b"}));
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->remaining, 3);

  // Walk pages at the revision of the first page, as the API server does.
  std::vector<std::string> walked;
  std::string start;
  int64_t rev = page->revision;
  MustCreate(*store_, "/p/bb", "late");  // not visible at `rev`
  for (int i = 0; i < 10; ++i) {
    StatusOr<ListResult> p = store_->List("/p/", start, 2, rev);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->revision, rev);
    for (const KeyValue& kv : p->kvs) walked.push_back(kv.key);
    if (!p->more) break;
    start = p->kvs.back().key + std::string(1, '\0');
  }
  EXPECT_EQ(walked, (std::vector<std::string>{"/p/a", "/p/b", "/p/c", "/p/d", "/p/e"}));

  // start_key is inclusive; a start below the prefix means "from the prefix".
  EXPECT_EQ(Keys(*store_->List("/p/", "/p/c", 0)),
            (std::vector<std::string>{"/p/c", "/p/d", "/p/e"}));
  EXPECT_EQ(Keys(*store_->List("/p/", "/a", 1)), (std::vector<std::string>{"/p/a"}));
  // Exact limit: nothing remains.
  StatusOr<ListResult> exact = store_->List("/p/", "/p/c", 3);
  EXPECT_EQ(exact->kvs.size(), 3u);
  EXPECT_FALSE(exact->more);
  EXPECT_EQ(exact->remaining, 0);
  // Whole keyspace and an empty result.
  EXPECT_EQ(store_->List("", "", 0)->kvs.size(), 9u);
  EXPECT_TRUE(store_->List("/zzz/", "", 0)->kvs.empty());
}

TEST_P(StoreConformance, ReadsAtOlderRevisions) {
  int64_t r1 = MustCreate(*store_, "/o/k", "v1");
  int64_t r2 = *store_->Update("/o/k", "v2");
  int64_t r3 = MustCreate(*store_, "/o/k2", "w1");
  int64_t r4 = *store_->Delete("/o/k");
  int64_t r5 = MustCreate(*store_, "/o/k", "v3");

  EXPECT_EQ(store_->Get("/o/k", r1)->value, "v1");
  EXPECT_EQ(store_->Get("/o/k", r2)->value, "v2");
  EXPECT_EQ(store_->Get("/o/k", r2)->mod_revision, r2);
  EXPECT_EQ(store_->Get("/o/k", r2)->create_revision, r1);
  EXPECT_EQ(store_->Get("/o/k", r4).status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->Get("/o/k2", r2).status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->Get("/o/k", r5)->value, "v3");

  StatusOr<ListResult> at2 = store_->List("/o/", "", 0, r2);
  ASSERT_TRUE(at2.ok()) << at2.status().ToString();
  EXPECT_EQ(Keys(*at2), (std::vector<std::string>{"/o/k"}));
  EXPECT_EQ(at2->kvs[0].value, "v2");
  EXPECT_EQ(at2->revision, r2);

  StatusOr<ListResult> at3 = store_->List("/o/", "", 1, r3);
  ASSERT_TRUE(at3.ok());
  EXPECT_EQ(Keys(*at3), (std::vector<std::string>{"/o/k"}));
  EXPECT_TRUE(at3->more);
  EXPECT_EQ(at3->remaining, 1);
  EXPECT_EQ(Keys(*store_->List("/o/", "", 0, r4)), (std::vector<std::string>{"/o/k2"}));

  // The future is refused.
  EXPECT_EQ(store_->Get("/o/k", r5 + 1).status().reason(), Reason::kTimeout);
  EXPECT_EQ(store_->List("/o/", "", 0, r5 + 5).status().reason(), Reason::kTimeout);
}

TEST_P(StoreConformance, CompactionExpiresOldRevisions) {
  int64_t r1 = MustCreate(*store_, "/c/k", "v1");
  int64_t r2 = *store_->Update("/c/k", "v2");
  int64_t r3 = *store_->Update("/c/k", "v3");
  MustCreate(*store_, "/c/gone", "x");
  int64_t r5 = *store_->Delete("/c/gone");
  int64_t r6 = MustCreate(*store_, "/c/other", "y");

  ASSERT_TRUE(store_->Compact(r3).ok());
  EXPECT_EQ(store_->OldestRevision(), r3 + 1);
  EXPECT_EQ(store_->Get("/c/k", r1).status().reason(), Reason::kExpired);
  EXPECT_EQ(store_->Get("/c/k", r2).status().reason(), Reason::kExpired);
  EXPECT_EQ(store_->List("/c/", "", 0, r1).status().reason(), Reason::kExpired);
  EXPECT_EQ(store_->WatchPrefix("/c/", r1, [](const auto&, int64_t) {}).status().reason(),
            Reason::kExpired);
  // History above the compacted revision is intact.
  EXPECT_EQ(store_->Get("/c/k", r5)->value, "v3");
  EXPECT_EQ(store_->Get("/c/gone", r5).status().reason(), Reason::kNotFound);
  EXPECT_EQ(Keys(*store_->List("/c/", "", 0, r5)), (std::vector<std::string>{"/c/k"}));
  EXPECT_EQ(store_->Get("/c/k")->value, "v3");
  EXPECT_EQ(Keys(*store_->List("/c/", "", 0)),
            (std::vector<std::string>{"/c/k", "/c/other"}));

  // Compacting everything keeps the latest state and the revision.
  ASSERT_TRUE(store_->Compact(r6).ok());
  EXPECT_EQ(store_->Get("/c/k")->value, "v3");
  EXPECT_EQ(store_->CurrentRevision(), r6);
  EXPECT_EQ(store_->Get("/c/k", r5).status().reason(), Reason::kExpired);
}

TEST_P(StoreConformance, RevisionSurvivesCompactionOfNewestRowsAndReopen) {
  MustCreate(*store_, "/t/a", "1");
  MustCreate(*store_, "/t/b", "1");
  int64_t del = *store_->Delete("/t/b");  // the newest row is a tombstone
  ASSERT_TRUE(store_->Compact(del).ok());
  Reopen();
  EXPECT_EQ(store_->CurrentRevision(), del);
  EXPECT_EQ(store_->OldestRevision(), del + 1);
  EXPECT_EQ(store_->Get("/t/b").status().reason(), Reason::kNotFound);
  EXPECT_EQ(MustCreate(*store_, "/t/c", "1"), del + 1);
}

TEST_P(StoreConformance, ReopenKeepsDataAndRevision) {
  int64_t r1 = MustCreate(*store_, "/r/a", "1");
  MustCreate(*store_, "/r/b", "1");
  *store_->Update("/r/a", "2");
  int64_t last = *store_->Delete("/r/b");
  Reopen();
  EXPECT_EQ(store_->CurrentRevision(), last);
  StatusOr<KeyValue> a = store_->Get("/r/a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value, "2");
  EXPECT_EQ(a->create_revision, r1);
  EXPECT_EQ(store_->Get("/r/b").status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->Get("/r/a", r1)->value, "1");
  EXPECT_EQ(MustCreate(*store_, "/r/c", "1"), last + 1);
}

TEST_P(StoreConformance, WatchFromNowSeesPutsAndDeletesWithPrev) {
  MustCreate(*store_, "/w/before", "old");
  EventCollector c;
  auto w = store_->WatchPrefix("/w/", 0, c.Callback());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  int64_t r1 = MustCreate(*store_, "/w/a", "1");
  int64_t r2 = *store_->Update("/w/a", "2");
  int64_t r3 = *store_->Delete("/w/a");
  ASSERT_TRUE(c.WaitForEvents(3));
  std::vector<Event> ev = c.events();
  ASSERT_EQ(ev.size(), 3u);

  EXPECT_EQ(ev[0].type, Event::Type::kPut);
  EXPECT_EQ(ev[0].kv.key, "/w/a");
  EXPECT_EQ(ev[0].kv.value, "1");
  EXPECT_EQ(ev[0].kv.mod_revision, r1);
  EXPECT_EQ(ev[0].kv.create_revision, r1);
  EXPECT_FALSE(ev[0].prev.has_value());

  EXPECT_EQ(ev[1].type, Event::Type::kPut);
  EXPECT_EQ(ev[1].kv.value, "2");
  EXPECT_EQ(ev[1].kv.mod_revision, r2);
  EXPECT_EQ(ev[1].kv.create_revision, r1);
  ASSERT_TRUE(ev[1].prev.has_value());
  EXPECT_EQ(ev[1].prev->value, "1");
  EXPECT_EQ(ev[1].prev->mod_revision, r1);

  EXPECT_EQ(ev[2].type, Event::Type::kDelete);
  EXPECT_EQ(ev[2].kv.key, "/w/a");
  EXPECT_EQ(ev[2].kv.value, "2");
  EXPECT_EQ(ev[2].kv.mod_revision, r3);
  ASSERT_TRUE(ev[2].prev.has_value());
  EXPECT_EQ(ev[2].prev->value, "2");
  EXPECT_EQ(ev[2].prev->mod_revision, r2);
}

TEST_P(StoreConformance, WatchFromOlderRevisionCatchesUpThenGoesLive) {
  std::vector<int64_t> revs;
  for (int i = 0; i < 20; ++i) {
    revs.push_back(MustCreate(*store_, "/h/k" + std::to_string(i), std::to_string(i)));
    MustCreate(*store_, "/other/k" + std::to_string(i), "noise");
  }
  int64_t from = revs[4];
  EventCollector c;
  auto w = store_->WatchPrefix("/h/", from, c.Callback());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::vector<int64_t> expected(revs.begin() + 5, revs.end());
  for (int i = 0; i < 10; ++i) {
    expected.push_back(*store_->Update("/h/k" + std::to_string(i), "live"));
  }
  ASSERT_TRUE(c.WaitForEvents(expected.size()));
  std::vector<Event> ev = c.events();
  std::vector<int64_t> got;
  for (const Event& e : ev) got.push_back(e.kv.mod_revision);
  EXPECT_EQ(got, expected);  // in order, no gaps, no duplicates
  EXPECT_EQ(ev[0].kv.key, "/h/k5");
  EXPECT_EQ(ev.back().kv.value, "live");
  ASSERT_TRUE(ev.back().prev.has_value());
  EXPECT_EQ(ev.back().prev->value, "9");
}

TEST_P(StoreConformance, WatchFromOldRevisionAcrossReopen) {
  std::vector<int64_t> revs;
  for (int i = 0; i < 5; ++i) revs.push_back(MustCreate(*store_, "/x/" + std::to_string(i), "v"));
  int64_t d = *store_->Delete("/x/2");
  Reopen();
  EventCollector c;
  auto w = store_->WatchPrefix("/x/", revs[0], c.Callback());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(c.WaitForEvents(5));
  std::vector<Event> ev = c.events();
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[3].kv.mod_revision, revs[4]);
  EXPECT_EQ(ev[4].type, Event::Type::kDelete);
  EXPECT_EQ(ev[4].kv.mod_revision, d);
  EXPECT_EQ(ev[4].kv.key, "/x/2");
  ASSERT_TRUE(ev[4].prev.has_value());
  EXPECT_EQ(ev[4].prev->mod_revision, revs[2]);
}

TEST_P(StoreConformance, WatchRespectsPrefixBoundaries) {
  EventCollector a;
  auto w = store_->WatchPrefix("/a/", 0, a.Callback());
  ASSERT_TRUE(w.ok());
  MustCreate(*store_, "/ab/x", "no");
  MustCreate(*store_, "/a", "no");
  int64_t yes = MustCreate(*store_, "/a/x", "yes");
  MustCreate(*store_, "/b/x", "no");
  int64_t yes2 = MustCreate(*store_, "/a/y", "yes");
  ASSERT_TRUE(a.WaitForEvents(2));
  // Give stray events a chance to show up before checking there are none.
  int64_t marker = MustCreate(*store_, "/a/z", "marker");
  ASSERT_TRUE(a.WaitForEvents(3));
  std::vector<Event> ev = a.events();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kv.mod_revision, yes);
  EXPECT_EQ(ev[1].kv.mod_revision, yes2);
  EXPECT_EQ(ev[2].kv.mod_revision, marker);
}

TEST_P(StoreConformance, CancelStopsDelivery) {
  EventCollector c;
  auto w = store_->WatchPrefix("/cn/", 0, c.Callback());
  ASSERT_TRUE(w.ok());
  MustCreate(*store_, "/cn/a", "1");
  ASSERT_TRUE(c.WaitForEvents(1));
  (*w)->Cancel();
  int calls = c.calls();
  for (int i = 0; i < 5; ++i) MustCreate(*store_, "/cn/b" + std::to_string(i), "1");
  // A second watcher proves the writes were delivered to watchers in general.
  EventCollector probe;
  auto w2 = store_->WatchPrefix("/cn/", store_->CurrentRevision() - 5, probe.Callback());
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE(probe.WaitForEvents(5));
  EXPECT_EQ(c.calls(), calls);
  EXPECT_EQ(c.events().size(), 1u);
}

TEST_P(StoreConformance, CancelFromInsideCallback) {
  std::mutex mu;
  std::unique_ptr<Watch> self;
  std::atomic<int> calls{0};
  {
    std::lock_guard<std::mutex> l(mu);
    auto w = store_->WatchPrefix("/ci/", 0, [&](const std::vector<Event>& ev, int64_t) {
      if (ev.empty()) return;
      ++calls;
      std::lock_guard<std::mutex> l(mu);
      self->Cancel();
    });
    ASSERT_TRUE(w.ok());
    self = std::move(*w);
  }
  EventCollector probe;
  auto w2 = store_->WatchPrefix("/ci/", 0, probe.Callback());
  ASSERT_TRUE(w2.ok());
  for (int i = 0; i < 5; ++i) {
    MustCreate(*store_, "/ci/" + std::to_string(i), "1");
    ASSERT_TRUE(probe.WaitForEvents(i + 1));
  }
  EXPECT_EQ(calls.load(), 1);
  self.reset();  // destroying a cancelled watch is fine
}

TEST_P(StoreConformance, ConcurrentCasIncrementsAreExact) {
  MustCreate(*store_, "/cas/counter", "0");
  constexpr int kThreads = 8;
  constexpr int kIncrements = 40;
  std::atomic<int> conflicts{0};
  std::mutex revs_mu;
  std::set<int64_t> revs;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        while (true) {
          StatusOr<KeyValue> cur = store_->Get("/cas/counter");
          ASSERT_TRUE(cur.ok());
          int n = std::stoi(cur->value);
          StatusOr<int64_t> r = store_->Update("/cas/counter", std::to_string(n + 1),
                                               WriteOptions{cur->mod_revision});
          if (r.ok()) {
            std::lock_guard<std::mutex> l(revs_mu);
            EXPECT_TRUE(revs.insert(*r).second) << "revision handed out twice: " << *r;
            break;
          }
          ASSERT_EQ(r.status().reason(), Reason::kConflict) << r.status().ToString();
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->Get("/cas/counter")->value, std::to_string(kThreads * kIncrements));
  EXPECT_EQ(revs.size(), size_t{kThreads * kIncrements});
  EXPECT_EQ(store_->CurrentRevision(), *revs.rbegin());
}

TEST_P(StoreConformance, ConcurrentWritersAreSeenByWatchInOrder) {
  int64_t start = store_->CurrentRevision();
  EventCollector c;
  auto w = store_->WatchPrefix("/cw/", start, c.Callback());
  ASSERT_TRUE(w.ok());
  constexpr int kThreads = 6;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string k = "/cw/" + std::to_string(t) + "/" + std::to_string(i);
        ASSERT_TRUE(store_->Create(k, "v").ok());
        ASSERT_TRUE(store_->Update(k, "v2").ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  size_t total = kThreads * kPerThread * 2;
  ASSERT_TRUE(c.WaitForEvents(total));
  std::vector<Event> ev = c.events();
  ASSERT_EQ(ev.size(), total);
  for (size_t i = 0; i < ev.size(); ++i) {
    ASSERT_EQ(ev[i].kv.mod_revision, start + 1 + int64_t(i)) << "gap or duplicate at " << i;
  }
  EXPECT_EQ(store_->List("/cw/", "", 0)->kvs.size(), size_t{kThreads * kPerThread});
}

}  // namespace
}  // namespace berth::store::testing
