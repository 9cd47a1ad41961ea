// scheduler_bench: a scheduler_perf-style run (Kubernetes' "SchedulingBasic" shape) against a
// real in-process API server with its SQLite store: N simulated nodes (Node objects only),
// E pods already bound, then P pending pods placed by berth's scheduler, every binding persisted
// through pods/binding. Prints pods/s over the whole placement and the p50/p99 attempt latency
// (queue pop -> binding stored).
//
// Usage: scheduler_bench [--nodes 5000] [--existing 1000] [--pods 10000] [--dir /tmp/x]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/server.h"
#include "controller/informer.h"
#include "scheduler/scheduler.h"

using namespace berth;

namespace {

json::object NodeObject(int i) {
  std::string name = "node-" + std::to_string(i);
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata", json::object{{"name", name},
                                {"labels", json::object{{"kubernetes.io/hostname", name},
                                                        {"topology.kubernetes.io/zone",
                                                         "zone-" + std::to_string(i % 3)}}}}},
      {"status",
       json::object{
           {"capacity", json::object{{"cpu", "4"}, {"memory", "32Gi"}, {"pods", "110"}}},
           {"allocatable", json::object{{"cpu", "4"}, {"memory", "32Gi"}, {"pods", "110"}}},
           {"conditions", json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}}}};
}

json::object PodObject(const std::string& name, const std::string& node) {
  json::object spec{
      {"containers",
       json::array{json::object{
           {"name", "c"},
           {"image", "registry.k8s.io/pause:3.10"},
           {"resources",
            json::object{{"requests", json::object{{"cpu", "100m"}, {"memory", "500Mi"}}}}}}}}};
  if (!node.empty()) spec["nodeName"] = node;
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", json::object{{"name", name}, {"namespace", "default"}}},
                      {"spec", std::move(spec)}};
}

// Runs `n` creates on `threads` threads.
double Parallel(int n, int threads, const std::function<void(int)>& fn) {
  auto t0 = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; t++) {
    ts.emplace_back([&] {
      for (int i; (i = next++) < n;) fn(i);
    });
  }
  for (auto& t : ts) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

long RssKb() {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
  }
  if (f) fclose(f);
  return kb;
}

}  // namespace

int main(int argc, char** argv) {
  int nodes = 5000, existing = 1000, pods = 10000;
  std::string dir = "/tmp/berth-schedbench-" + std::to_string(getpid());
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--nodes") nodes = atoi(argv[i + 1]);
    if (a == "--existing") existing = atoi(argv[i + 1]);
    if (a == "--pods") pods = atoi(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  apiserver::ServerOptions so;
  so.data_dir = dir;
  so.listen = "127.0.0.1:0";
  so.history_revisions = 100000;
  apiserver::Server server(so);
  if (auto st = server.Start(); !st.ok()) {
    fprintf(stderr, "server: %s\n", st.ToString().c_str());
    return 1;
  }
  auto client = server.NewLocalClient("scheduler-bench", "system:admin");
  std::atomic<int> errors{0};
  double t_nodes = Parallel(nodes, 16, [&](int i) {
    if (!client->Create("/api/v1/nodes", NodeObject(i)).ok()) errors++;
  });
  double t_existing = Parallel(existing, 16, [&](int i) {
    auto p = PodObject("existing-" + std::to_string(i), "node-" + std::to_string(i % nodes));
    if (!client->Create("/api/v1/namespaces/default/pods", p).ok()) errors++;
  });
  double t_pending = Parallel(pods, 16, [&](int i) {
    if (!client->Create("/api/v1/namespaces/default/pods", PodObject("p-" + std::to_string(i), ""))
             .ok()) {
      errors++;
    }
  });
  printf("setup: %d nodes in %.1f s, %d bound pods in %.1f s, %d pending pods in %.1f s "
         "(%d errors)\n",
         nodes, t_nodes, existing, t_existing, pods, t_pending, errors.load());

  auto sched_client = server.NewLocalClient("default-scheduler", "system:kube-scheduler");
  controller::InformerFactory informers(sched_client.get());
  controller::Context ctx{sched_client.get(), &informers, &SystemClock::Get(), nullptr};
  scheduler::Scheduler sched(ctx);
  auto t0 = std::chrono::steady_clock::now();
  informers.StartAll();
  if (!informers.WaitForSync(std::chrono::seconds(120))) {
    fprintf(stderr, "informers did not sync\n");
    return 1;
  }
  double t_sync = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto t1 = std::chrono::steady_clock::now();
  sched.Start(1);
  long peak_rss = 0;
  while (true) {
    auto s = sched.Stats();
    peak_rss = std::max(peak_rss, RssKb());
    if (s.scheduled + s.unschedulable >= pods) break;
    if (std::chrono::steady_clock::now() - t1 > std::chrono::minutes(10)) {
      fprintf(stderr, "timeout: %lld scheduled\n", static_cast<long long>(s.scheduled));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  auto s = sched.Stats();
  sched.Stop();
  informers.StopAll();

  // Check: every pending pod is bound, and no node holds more than it can.
  auto list = client->Get("/api/v1/namespaces/default/pods");
  int bound = 0;
  std::map<std::string, int> per_node;
  if (list.ok()) {
    for (const auto& item : list->as_object()["items"].as_array()) {
      std::string node = GetString(item.as_object(), {"spec", "nodeName"});
      if (!node.empty()) {
        bound++;
        per_node[node]++;
      }
    }
  }
  int max_per_node = 0;
  for (const auto& [_, n] : per_node) max_per_node = std::max(max_per_node, n);
  printf("informer sync (%d nodes + %d pods): %.2f s\n", nodes, existing + pods, t_sync);
  printf("scheduled %lld of %d pending pods on %d nodes in %.2f s: %.0f pods/s\n",
         static_cast<long long>(s.scheduled), pods, nodes, secs, s.scheduled / secs);
  printf("attempt latency (pop -> binding stored): p50 %.2f ms, p99 %.2f ms\n",
         Percentile(s.latencies_ms, 0.5), Percentile(s.latencies_ms, 0.99));
  printf("bound in store: %d of %d pods; max pods on one node: %d (limit 110); unschedulable "
         "attempts %lld, bind errors %lld\n",
         bound, existing + pods, max_per_node, static_cast<long long>(s.unschedulable),
         static_cast<long long>(s.bind_errors));
  printf("process RSS peak during scheduling (server + store + scheduler): %.1f MB\n",
         peak_rss / 1024.0);
  server.Stop();
  std::filesystem::remove_all(dir);
  return bound == existing + pods ? 0 : 1;
}
