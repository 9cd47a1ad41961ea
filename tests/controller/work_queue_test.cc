// WorkQueue: de-duplication, the processing/dirty rule, delays by the injected clock, back-off.
#include "controller/work_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace berth::controller {
namespace {

TEST(WorkQueueTest, DeduplicatesQueuedKeys) {
  ManualClock clock;
  WorkQueue q(&clock);
  q.Add("a");
  q.Add("b");
  q.Add("a");
  EXPECT_EQ(q.Len(), 2u);
  std::string k;
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "a");
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "b");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, KeyAddedWhileProcessingIsQueuedAgainOnDone) {
  ManualClock clock;
  WorkQueue q(&clock);
  q.Add("a");
  std::string k;
  ASSERT_TRUE(q.Get(&k));
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u) << "never handed to a second worker while processing";
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u);
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "a");
  q.Done("a");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, AddAfterWaitsForTheInjectedClock) {
  ManualClock clock;
  WorkQueue q(&clock);
  q.AddAfter("later", std::chrono::seconds(30));
  q.AddAfter("later", std::chrono::seconds(60));  // the earlier wake-up wins
  std::atomic<bool> got{false};
  std::thread t([&] {
    std::string k;
    if (q.Get(&k)) got = (k == "later");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_FALSE(got.load());
  clock.Advance(std::chrono::seconds(29));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_FALSE(got.load());
  clock.Advance(std::chrono::seconds(1));
  t.join();
  EXPECT_TRUE(got.load());
}

TEST(WorkQueueTest, RateLimitedBackOffDoublesAndForgetResets) {
  ManualClock clock;
  WorkQueue q(&clock, RateLimit{std::chrono::milliseconds(100), std::chrono::seconds(1)});
  q.AddRateLimited("k");  // 100 ms
  EXPECT_EQ(q.NumRequeues("k"), 1);
  clock.Advance(std::chrono::milliseconds(99));
  std::string k;
  q.Add("probe");
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "probe") << "k is not due before 100 ms";
  q.Done(k);
  clock.Advance(std::chrono::milliseconds(1));
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "k");
  q.Done(k);
  q.AddRateLimited("k");  // 200 ms
  clock.Advance(std::chrono::milliseconds(150));
  q.Add("probe");
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "probe") << "k is not due before 200 ms";
  q.Done(k);
  for (int i = 0; i < 10; i++) q.AddRateLimited("x");
  EXPECT_EQ(q.NumRequeues("x"), 10);
  q.Forget("x");
  EXPECT_EQ(q.NumRequeues("x"), 0);
}

TEST(WorkQueueTest, ShutDownWakesWaiters) {
  ManualClock clock;
  WorkQueue q(&clock);
  std::thread t([&] {
    std::string k;
    EXPECT_FALSE(q.Get(&k));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.ShutDown();
  t.join();
}

}  // namespace
}  // namespace berth::controller
