// Store benchmark: durable create throughput with 1, 8 and 64 concurrent
// writers, write latency at a steady ~200 writes/s, and the resident memory
// of a store holding 10,000 pod-sized (3 KB) values. Prints its figures.
//
// Usage: store_bench [dir]   (default: a fresh directory under /tmp)
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace {

using berth::store::SqliteStore;
using Clock = std::chrono::steady_clock;

std::string MakeDir(const std::string& base, const std::string& name) {
  std::string d = base + "/" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::unique_ptr<SqliteStore> OpenOrDie(const std::string& dir) {
  auto s = SqliteStore::Open(dir + "/berth.db");
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*s);
}

// Creates for `seconds` from `writers` threads; returns creates per second.
double Throughput(const std::string& base, int writers, double seconds, size_t value_size) {
  auto store = OpenOrDie(MakeDir(base, "tput" + std::to_string(writers)));
  std::string value(value_size, 'v');
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::vector<std::thread> threads;
  Clock::time_point start = Clock::now();
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      for (long i = 0; !stop.load(); ++i) {
        auto r = store->Create("/bench/" + std::to_string(t) + "/" + std::to_string(i), value);
        if (!r.ok()) {
          std::fprintf(stderr, "create: %s\n", r.status().ToString().c_str());
          std::exit(1);
        }
        ++done;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(done.load()) / elapsed;
}

void PacedLatency(const std::string& base, int rate, double seconds) {
  auto store = OpenOrDie(MakeDir(base, "latency"));
  std::string value(3000, 'v');
  constexpr int kThreads = 4;
  const auto period = std::chrono::microseconds(1000000 * kThreads / rate);
  std::vector<std::vector<double>> lat(kThreads);
  std::vector<std::thread> threads;
  Clock::time_point start = Clock::now();
  Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(seconds));
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Clock::time_point next = start + period * t / kThreads;
      for (long i = 0; next < end; ++i, next += period) {
        std::this_thread::sleep_until(next);
        Clock::time_point a = Clock::now();
        auto r = (i % 2 == 0) ? store->Create("/lat/" + std::to_string(t) + "/" +
                                                  std::to_string(i / 2), value)
                              : store->Update("/lat/" + std::to_string(t) + "/" +
                                                  std::to_string(i / 2), value);
        if (!r.ok()) std::exit(1);
        lat[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[static_cast<size_t>(p * (all.size() - 1))]; };
  std::printf("latency @ %d writes/s (3 KB values, %zu writes): p50 %.2f ms, p99 %.2f ms, "
              "max %.2f ms\n",
              rate, all.size(), pct(0.5), pct(0.99), all.back());
}

void Memory(const std::string& base) {
  long before = RssKb();
  auto store = OpenOrDie(MakeDir(base, "memory"));
  std::string value(3000, 'p');
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 10000; i += 16) {
        if (!store->Create("/registry/pods/default/pod-" + std::to_string(i), value).ok()) {
          std::exit(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  long loaded = RssKb();
  store.reset();
  auto reopened = OpenOrDie(base + "/memory");
  long after_reopen = RssKb();
  std::printf("memory: 10,000 x 3 KB keys: RSS %ld MB -> %ld MB after writes "
              "(ring holds recent events), %ld MB after reopen\n",
              before / 1024, loaded / 1024, after_reopen / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  std::string base;
  if (argc > 1) {
    base = argv[1];
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-store-bench-XXXXXX");
    if (!mkdtemp(tmpl.data())) return 1;
    base = tmpl;
  }
  std::printf("store_bench in %s (SQLite WAL, synchronous=FULL)\n", base.c_str());
  for (int writers : {1, 8, 64}) {
    double rate = Throughput(base, writers, 3.0, 1000);
    std::printf("durable creates/s, %2d writers, 1 KB values: %8.0f\n", writers, rate);
  }
  PacedLatency(base, 200, 5.0);
  Memory(base);
  if (argc <= 1) std::filesystem::remove_all(base);
  return 0;
}
